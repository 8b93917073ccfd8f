import { create } from 'zustand';
import { call } from '../api/client';
import type { InquiryChannel, InquiryStatus, InquirySummary } from '../../shared/domain';
import { attempt } from './errors';

export interface InboxFilters {
  status?: InquiryStatus;
  channel?: InquiryChannel;
  /** Subject, customer or number, as typed in the search box. */
  query?: string;
}

interface InboxState {
  filters: InboxFilters;
  items: InquirySummary[];
  loaded: boolean;
  loading: boolean;
  setFilters(filters: InboxFilters): Promise<void>;
  load(): Promise<void>;
  reset(): void;
}

let generation = 0;

export const useInbox = create<InboxState>()((set, get) => ({
  filters: { status: 'open' },
  items: [],
  loaded: false,
  loading: false,
  async setFilters(filters) {
    set({ filters });
    await get().load();
  },
  async load() {
    // Filters can change while a list is in flight: only the newest answer is shown.
    const mine = ++generation;
    set({ loading: true });
    const { query, ...rest } = get().filters;
    const items = await attempt(() => call('inquiries.list', { ...rest, ...(query?.trim() ? { query: query.trim() } : {}) }));
    if (mine !== generation) return;
    set({ loading: false, ...(items ? { items, loaded: true } : {}) });
  },
  reset() {
    generation++;
    // The search can name a customer: it goes on lock, like the list.
    set({ filters: { status: 'open' }, items: [], loaded: false, loading: false });
  },
}));

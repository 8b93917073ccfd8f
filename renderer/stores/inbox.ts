import { create } from 'zustand';
import { call } from '../api/client';
import { INQUIRY_LIST_LIMIT, MAX_INQUIRY_LIST_LIMIT, type InquiryChannel, type InquiryStatus, type InquirySummary } from '../../shared/domain';
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
  /** More inquiries match than are listed: `loadMore` reads the next page. */
  hasMore: boolean;
  loadingMore: boolean;
  setFilters(filters: InboxFilters): Promise<void>;
  /** Reads the list again (after a sync, a reply…), as long as it was: the pages read stay read. */
  load(): Promise<void>;
  /** Reads the next page (INQUIRY_LIST_LIMIT more, older) after the last listed. */
  loadMore(): Promise<void>;
  reset(): void;
}

/** Which list is shown (its filters, the latest reading of it): an answer for another is dropped. */
let generation = 0;
/** How many the list shows: a page, and each page read since the filters changed. */
let wanted = INQUIRY_LIST_LIMIT;

const filterInput = ({ query, ...rest }: InboxFilters) => ({ ...rest, ...(query?.trim() ? { query: query.trim() } : {}) });

export const useInbox = create<InboxState>()((set, get) => ({
  filters: { status: 'open' },
  items: [],
  loaded: false,
  loading: false,
  hasMore: false,
  loadingMore: false,
  async setFilters(filters) {
    wanted = INQUIRY_LIST_LIMIT;
    set({ filters });
    await get().load();
  },
  async load() {
    // Filters can change while a list is in flight: only the newest answer is shown.
    const mine = ++generation;
    const limit = Math.min(wanted, MAX_INQUIRY_LIST_LIMIT);
    set({ loading: true });
    const items = await attempt(() => call('inquiries.list', { ...filterInput(get().filters), limit }));
    if (mine !== generation) return;
    set({ loading: false, loadingMore: false, ...(items ? { items, loaded: true, hasMore: items.length >= limit && limit < MAX_INQUIRY_LIST_LIMIT } : {}) });
  },
  async loadMore() {
    const { items, hasMore, loadingMore } = get();
    const last = items.at(-1);
    if (!hasMore || loadingMore || !last) return;
    const mine = generation;
    set({ loadingMore: true });
    const page = await attempt(() => call('inquiries.list', { ...filterInput(get().filters), after: { id: last.id, receivedAt: last.receivedAt }, limit: INQUIRY_LIST_LIMIT }));
    if (mine !== generation) return;
    if (!page) return set({ loadingMore: false });
    const listed = new Set(get().items.map((item) => item.id));
    const next = [...get().items, ...page.filter((item) => !listed.has(item.id))];
    wanted = next.length;
    set({ items: next, loadingMore: false, hasMore: page.length >= INQUIRY_LIST_LIMIT && next.length < MAX_INQUIRY_LIST_LIMIT });
  },
  reset() {
    generation++;
    wanted = INQUIRY_LIST_LIMIT;
    // The search can name a customer: it goes on lock, like the list.
    set({ filters: { status: 'open' }, items: [], loaded: false, loading: false, hasMore: false, loadingMore: false });
  },
}));

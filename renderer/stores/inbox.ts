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
  /** More match than the inbox lists at most (MAX_INQUIRY_LIST_LIMIT): filter or search for older ones. */
  atMost: boolean;
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

/** Whether more match than the `listed`, the last answer being `full` (as many as asked for: there may be more). */
function moreThan(listed: number, full: boolean): Pick<InboxState, 'hasMore' | 'atMost'> {
  return { hasMore: full && listed < MAX_INQUIRY_LIST_LIMIT, atMost: full && listed >= MAX_INQUIRY_LIST_LIMIT };
}

const filterInput = ({ query, ...rest }: InboxFilters) => ({ ...rest, ...(query?.trim() ? { query: query.trim() } : {}) });

export const useInbox = create<InboxState>()((set, get) => ({
  filters: { status: 'open' },
  items: [],
  loaded: false,
  loading: false,
  hasMore: false,
  atMost: false,
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
    set({ loading: false, loadingMore: false, ...(items ? { items, loaded: true, ...moreThan(items.length, items.length >= limit) } : {}) });
  },
  async loadMore() {
    const { items, hasMore, loading, loadingMore } = get();
    const last = items.at(-1);
    // Not while the list is read again: the page would follow a list about to be replaced.
    if (!hasMore || loading || loadingMore || !last) return;
    const mine = generation;
    set({ loadingMore: true });
    const limit = Math.min(INQUIRY_LIST_LIMIT, MAX_INQUIRY_LIST_LIMIT - items.length);
    const page = await attempt(() => call('inquiries.list', { ...filterInput(get().filters), after: { id: last.id, receivedAt: last.receivedAt }, limit }));
    if (mine !== generation) return;
    if (!page) return set({ loadingMore: false });
    const listed = new Set(get().items.map((item) => item.id));
    const next = [...get().items, ...page.filter((item) => !listed.has(item.id))];
    wanted = next.length;
    set({ items: next, loadingMore: false, ...moreThan(next.length, page.length >= limit) });
  },
  reset() {
    generation++;
    wanted = INQUIRY_LIST_LIMIT;
    // The search can name a customer: it goes on lock, like the list.
    set({ filters: { status: 'open' }, items: [], loaded: false, loading: false, hasMore: false, atMost: false, loadingMore: false });
  },
}));

import { create } from 'zustand';
import { escapedBraces } from '../../shared/replyText';
import { call } from '../api/client';
import type { InquiryDetail, InquiryStatus, InquirySummary, OutboxItem } from '../../shared/domain';
import { attempt } from './errors';

interface InquiryState {
  id: number | null;
  detail: InquiryDetail | null;
  loading: boolean;
  open(id: number): Promise<void>;
  reload(): Promise<void>;
  /** Replies of this inquiry waiting in the outbox (undo window, retries) or failed. */
  outbox: OutboxItem[];
  loadOutbox(): Promise<void>;
  /** Queues a reply: it goes out after the undo window. */
  queueReply(body: string, options?: { quoteOriginal?: boolean }): Promise<OutboxItem | undefined>;
  /** Takes a reply back: its text returns to the reply box of its inquiry (see `returned`). */
  /** `checked`: staff made sure whether a reply that may have gone did (OutboxItem.mayHaveGone). */
  cancelReply(outboxId: number, checked?: boolean): Promise<OutboxItem | undefined>;
  /** The text of a reply taken back, until the reply box of its inquiry takes it (now, or when staff open it again). */
  returned: { inquiryId: number; text: string } | null;
  takeReturned(inquiryId: number): string | null;
  /**
   * What staff have typed and not sent, per inquiry: kept while they look elsewhere (another
   * inquiry, the customer's page), in memory only, and forgotten when the app locks.
   */
  drafts: Record<number, string>;
  setDraft(inquiryId: number, text: string): void;
  /** Forgets what was typed for these inquiries (their customer's registration was cancelled). */
  dropDrafts(inquiryIds: readonly number[]): void;
  sendNow(outboxId: number, checked?: boolean): Promise<OutboxItem | undefined>;
  /** Sets the status of the inquiry on screen, or of `inquiryId`. */
  /** `undoFirstResponseAt`: this undoes a change to "answered" that set that first-response time. */
  setStatus(status: InquiryStatus, inquiryId?: number, undoFirstResponseAt?: string): Promise<InquirySummary | undefined>;
  reset(): void;
}

/** Replies being taken back now. */
const cancelling = new Set<number>();

export const useInquiry = create<InquiryState>()((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  outbox: [],
  returned: null,
  drafts: {},
  async open(id) {
    if (get().id !== id) set({ id, detail: null, outbox: [] });
    await get().reload();
  },
  async reload() {
    const id = get().id;
    if (id === null) return;
    set({ loading: true });
    const detail = await attempt(() => call('inquiries.get', { id }));
    if (get().id !== id) return; // another inquiry was opened meanwhile
    set({ loading: false, ...(detail ? { detail } : {}) });
    await get().loadOutbox();
  },
  async loadOutbox() {
    const id = get().id;
    if (id === null) return;
    const outbox = await attempt(() => call('outbox.list', { inquiryId: id }));
    if (get().id === id && outbox) set({ outbox });
  },
  async queueReply(body, options = {}) {
    const id = get().id;
    if (id === null) return undefined;
    const queued = await attempt(() => call('outbox.queue', { inquiryId: id, body, ...options }));
    if (queued) await get().loadOutbox();
    return queued;
  },
  async cancelReply(outboxId, checked) {
    // Taken back from the notice and the outbox at once, or clicked twice: its text returns once.
    if (cancelling.has(outboxId)) return undefined;
    cancelling.add(outboxId);
    const cancelled = await attempt(() => call('outbox.cancel', { id: outboxId, ...(checked ? { checked } : {}) })).finally(() => cancelling.delete(outboxId));
    if (cancelled) {
      // Braces sent as they are go back as typed (\{{): queued again, they are not taken for placeholders.
      set({ returned: { inquiryId: cancelled.inquiryId, text: escapedBraces(cancelled.body) } });
      await get().loadOutbox();
    }
    return cancelled;
  },
  takeReturned(inquiryId) {
    const returned = get().returned;
    if (returned?.inquiryId !== inquiryId) return null;
    set({ returned: null });
    return returned.text;
  },
  setDraft(inquiryId, text) {
    set((state) => {
      const drafts = { ...state.drafts };
      if (text === '') delete drafts[inquiryId];
      else drafts[inquiryId] = text;
      return { drafts };
    });
  },
  dropDrafts(inquiryIds) {
    set((state) => ({ drafts: Object.fromEntries(Object.entries(state.drafts).filter(([id]) => !inquiryIds.includes(Number(id)))) }));
  },
  async sendNow(outboxId, checked) {
    const item = await attempt(() => call('outbox.sendNow', { id: outboxId, ...(checked ? { checked } : {}) }));
    if (item) await get().loadOutbox();
    return item;
  },
  async setStatus(status, inquiryId = get().id ?? undefined, undoFirstResponseAt) {
    if (inquiryId === undefined) return undefined;
    const summary = await attempt(() => call('inquiries.setStatus', { inquiryId, status, ...(undoFirstResponseAt ? { undoFirstResponseAt } : {}) }));
    // Only the inquiry on screen is read again: an undo from the notice must not open another one.
    if (summary && get().id === inquiryId) await get().reload();
    return summary;
  },
  reset() {
    set({ id: null, detail: null, loading: false, outbox: [], returned: null, drafts: {} });
  },
}));

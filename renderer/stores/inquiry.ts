import { create } from 'zustand';
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
  cancelReply(outboxId: number): Promise<OutboxItem | undefined>;
  /** The text of a reply taken back, until the reply box of its inquiry takes it (now, or when staff open it again). */
  returned: { inquiryId: number; text: string } | null;
  takeReturned(inquiryId: number): string | null;
  sendNow(outboxId: number): Promise<OutboxItem | undefined>;
  setStatus(status: InquiryStatus): Promise<InquirySummary | undefined>;
  reset(): void;
}

export const useInquiry = create<InquiryState>()((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  outbox: [],
  returned: null,
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
  async cancelReply(outboxId) {
    const cancelled = await attempt(() => call('outbox.cancel', { id: outboxId }));
    if (cancelled) {
      set({ returned: { inquiryId: cancelled.inquiryId, text: cancelled.body } });
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
  async sendNow(outboxId) {
    const item = await attempt(() => call('outbox.sendNow', { id: outboxId }));
    if (item) await get().loadOutbox();
    return item;
  },
  async setStatus(status) {
    const id = get().id;
    if (id === null) return undefined;
    const summary = await attempt(() => call('inquiries.setStatus', { inquiryId: id, status }));
    if (summary) await get().reload();
    return summary;
  },
  reset() {
    set({ id: null, detail: null, loading: false, outbox: [], returned: null });
  },
}));

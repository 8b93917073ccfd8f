import { create } from 'zustand';
import { call } from '../api/client';
import type { InquiryDetail, InquiryStatus, InquirySummary, Message } from '../../shared/domain';
import { attempt } from './errors';

interface InquiryState {
  id: number | null;
  detail: InquiryDetail | null;
  loading: boolean;
  open(id: number): Promise<void>;
  reload(): Promise<void>;
  reply(body: string): Promise<Message | undefined>;
  setStatus(status: InquiryStatus): Promise<InquirySummary | undefined>;
  reset(): void;
}

export const useInquiry = create<InquiryState>()((set, get) => ({
  id: null,
  detail: null,
  loading: false,
  async open(id) {
    if (get().id !== id) set({ id, detail: null });
    await get().reload();
  },
  async reload() {
    const id = get().id;
    if (id === null) return;
    set({ loading: true });
    const detail = await attempt(() => call('inquiries.get', { id }));
    if (get().id !== id) return; // another inquiry was opened meanwhile
    set({ loading: false, ...(detail ? { detail } : {}) });
  },
  async reply(body) {
    const id = get().id;
    if (id === null) return undefined;
    const sent = await attempt(() => call('inquiries.reply', { inquiryId: id, body }));
    if (sent) await get().reload();
    return sent;
  },
  async setStatus(status) {
    const id = get().id;
    if (id === null) return undefined;
    const summary = await attempt(() => call('inquiries.setStatus', { inquiryId: id, status }));
    if (summary) await get().reload();
    return summary;
  },
  reset() {
    set({ id: null, detail: null, loading: false });
  },
}));

import { create } from 'zustand';
import { call } from '../api/client';
import type { QuarantinedMail, QuarantineRetry } from '../../shared/mailAccounts';
import { attempt } from './errors';

interface QuarantineState {
  mails: QuarantinedMail[];
  loaded: boolean;
  load(): Promise<void>;
  /** Fetches the mail again and files it anew (`asInquiry`: as an inquiry, though it looks automatic); the list then shows what is still set aside. */
  retry(id: number, asInquiry?: boolean): Promise<QuarantineRetry | undefined>;
  /** Takes a mail set aside from a mailbox no longer read off the list; true when it was. */
  dismiss(id: number): Promise<boolean>;
  reset(): void;
}

/** Mails the sync set aside (automatic mail, unreadable mail): shown so staff can check them on the server. */
export const useQuarantine = create<QuarantineState>()((set, get) => ({
  mails: [],
  loaded: false,
  async load() {
    const mails = await attempt(() => call('sync.quarantine', {}));
    if (mails) set({ mails, loaded: true });
  },
  async retry(id, asInquiry = false) {
    const result = await attempt(() => call('sync.retryQuarantined', { id, asInquiry }));
    await get().load();
    return result;
  },
  async dismiss(id) {
    const done = await attempt(() => call('sync.dismissQuarantined', { id }));
    await get().load();
    return done !== undefined;
  },
  reset() {
    set({ mails: [], loaded: false });
  },
}));

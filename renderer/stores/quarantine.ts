import { create } from 'zustand';
import { call } from '../api/client';
import type { QuarantinedMail } from '../../shared/domain';
import { attempt } from './errors';

interface QuarantineState {
  mails: QuarantinedMail[];
  loaded: boolean;
  load(): Promise<void>;
  reset(): void;
}

/** Mails the sync set aside (automatic mail, unreadable mail): shown so staff can check them on the server. */
export const useQuarantine = create<QuarantineState>()((set) => ({
  mails: [],
  loaded: false,
  async load() {
    const mails = await attempt(() => call('sync.quarantine', {}));
    if (mails) set({ mails, loaded: true });
  },
  reset() {
    set({ mails: [], loaded: false });
  },
}));

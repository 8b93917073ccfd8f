import { create } from 'zustand';
import { call } from '../api/client';
import type { MethodOutput } from '../../shared/contract';
import { attempt } from './errors';

export type SessionStatus = MethodOutput<'session.status'>;

interface SessionState {
  status: SessionStatus | null;
  /** Who unlocked last in this window (memory only), to prefill the unlock form after a lock. */
  lastOperator: string | null;
  busy: boolean;
  refresh(): Promise<void>;
  create(operator: string, passphrase: string): Promise<boolean>;
  /** Without a passphrase where the OS keychain holds the key (status.keychainUnlock). */
  unlock(operator: string, passphrase?: string): Promise<boolean>;
  lock(): Promise<void>;
  /** Changes the passphrase (and the database key); the session stays unlocked. True when it did. */
  changePassphrase(current: string, next: string): Promise<boolean>;
}

export const useSession = create<SessionState>()((set, get) => {
  const busyWhile = async <T>(work: () => Promise<T>): Promise<T> => {
    set({ busy: true });
    try {
      return await work();
    } finally {
      set({ busy: false });
    }
  };

  return {
    status: null,
    lastOperator: null,
    busy: false,
    async refresh() {
      const status = await attempt(() => call('session.status', {}));
      if (status) set({ status, ...(status.operator ? { lastOperator: status.operator } : {}) });
    },
    async create(operator, passphrase) {
      const done = await busyWhile(() => attempt(() => call('session.create', { operator, passphrase })));
      if (!done) return false;
      set({ lastOperator: operator });
      await get().refresh();
      return true;
    },
    async unlock(operator, passphrase) {
      const input = passphrase ? { operator, passphrase } : { operator };
      const done = await busyWhile(() => attempt(() => call('session.unlock', input)));
      if (!done) return false;
      set({ lastOperator: operator });
      await get().refresh();
      return true;
    },
    async changePassphrase(current, next) {
      // Not `busy`: that is the lock screen's, which this leaves alone.
      return (await attempt(() => call('session.changePassphrase', { current, next }))) !== undefined;
    },
    async lock() {
      await attempt(() => call('session.lock', {}));
      await get().refresh();
    },
  };
});

import { create } from 'zustand';
import { call } from '../api/client';
import type { MailAccount, MailAccountInput, SyncReport } from '../../shared/domain';
import type { PushPayload } from '../../shared/contract';
import { attempt } from './errors';

export type SyncProgress = PushPayload<'sync.progress'>;

interface AccountsState {
  accounts: MailAccount[];
  loaded: boolean;
  progress: Record<number, SyncProgress>;
  reports: Record<number, SyncReport>;
  syncing: Record<number, boolean>;
  load(): Promise<void>;
  save(input: MailAccountInput): Promise<MailAccount | undefined>;
  remove(id: number): Promise<boolean>;
  sync(accountId: number): Promise<SyncReport | undefined>;
  applyProgress(progress: SyncProgress): void;
  reset(): void;
}

export const useAccounts = create<AccountsState>()((set, get) => ({
  accounts: [],
  loaded: false,
  progress: {},
  reports: {},
  syncing: {},
  async load() {
    const accounts = await attempt(() => call('accounts.list', {}));
    if (accounts) set({ accounts, loaded: true });
  },
  async save(input) {
    const saved = await attempt(() => call('accounts.save', input));
    if (saved) await get().load();
    return saved;
  },
  async remove(id) {
    const done = await attempt(() => call('accounts.remove', { id }));
    if (done) await get().load();
    return done !== undefined;
  },
  async sync(accountId) {
    set((s) => ({ syncing: { ...s.syncing, [accountId]: true } }));
    const report = await attempt(() => call('sync.run', { accountId }));
    set((s) => ({
      syncing: { ...s.syncing, [accountId]: false },
      ...(report ? { reports: { ...s.reports, [accountId]: report } } : {}),
    }));
    // lastSyncAt / lastError changed either way.
    await get().load();
    return report;
  },
  applyProgress(progress) {
    set((s) => ({ progress: { ...s.progress, [progress.accountId]: progress } }));
  },
  reset() {
    set({ accounts: [], loaded: false, progress: {}, reports: {}, syncing: {} });
  },
}));

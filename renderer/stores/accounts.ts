import { create } from 'zustand';
import { call } from '../api/client';
import type { AccountSyncStatus, MailAccount, MailAccountInput, SyncReport } from '../../shared/mailAccounts';
import type { PushPayload } from '../../shared/pushes';
import { attempt, useErrors } from './errors';
import { useQuarantine } from './quarantine';

export type SyncProgress = PushPayload<'sync.progress'>;

/** Where a running sync started, to work out its rate from later progress pushes. */
interface RateStart {
  at: number;
  done: number;
}

interface AccountsState {
  accounts: MailAccount[];
  loaded: boolean;
  progress: Record<number, SyncProgress>;
  reports: Record<number, SyncReport>;
  syncing: Record<number, boolean>;
  /** sync.status per account id. */
  status: Record<number, AccountSyncStatus>;
  /** Mails per second of the running (or last) sync, from the progress pushes; null before there is a measure. */
  rates: Record<number, number | null>;
  load(): Promise<void>;
  loadStatus(): Promise<void>;
  save(input: MailAccountInput): Promise<MailAccount | undefined>;
  remove(id: number): Promise<boolean>;
  /**
   * Signs in with the account's OAuth2 provider: `open` shows the provider's page (in the
   * browser); resolves with the account once the provider has sent staff back and its tokens are stored.
   */
  signIn(id: number, open: (url: string) => void): Promise<MailAccount | undefined>;
  sync(accountId: number): Promise<SyncReport | undefined>;
  cancel(accountId: number): Promise<boolean>;
  applyProgress(progress: SyncProgress): void;
  reset(): void;
}

const rateStarts = new Map<number, RateStart>();
/** The latest sign-in per account: pressing the button again starts over, and the one it replaces ends quietly. */
const signInAttempts = new Map<number, number>();
let statusInFlight: Promise<void> | null = null;
let statusAgain = false;
/** Counts resets (a lock): an answer that comes after one belongs to a session whose data is gone. */
let generation = 0;

/** The record without the account's entry. */
function without<T>(record: Record<number, T>, id: number): Record<number, T> {
  const { [id]: _, ...rest } = record;
  return rest;
}

export const useAccounts = create<AccountsState>()((set, get) => ({
  accounts: [],
  loaded: false,
  progress: {},
  reports: {},
  syncing: {},
  status: {},
  rates: {},
  async load() {
    const accounts = await attempt(() => call('accounts.list', {}));
    if (accounts) set({ accounts, loaded: true });
  },
  async loadStatus() {
    // Pushes can come fast: one request at a time, and one more after it if asked meanwhile.
    if (statusInFlight) {
      statusAgain = true;
      return statusInFlight;
    }
    statusInFlight = (async () => {
      do {
        statusAgain = false;
        try {
          const rows = await call('sync.status', {});
          set({ status: Object.fromEntries(rows.map((row) => [row.accountId, row])) });
        } catch {
          // A periodic refresh: the next one tries again; failed calls staff asked for show in the banner.
        }
      } while (statusAgain);
    })();
    try {
      await statusInFlight;
    } finally {
      statusInFlight = null;
    }
  },
  async save(input) {
    const saved = await attempt(() => call('accounts.save', input));
    if (saved) await get().load();
    return saved;
  },
  async remove(id) {
    const done = await attempt(() => call('accounts.remove', { id }));
    if (done) {
      // Its sync's figures go with it: an account added later may be given its id.
      rateStarts.delete(id);
      set((s) => ({ progress: without(s.progress, id), reports: without(s.reports, id), syncing: without(s.syncing, id), status: without(s.status, id), rates: without(s.rates, id) }));
      await get().load();
      // The mails it set aside went with it.
      if (useQuarantine.getState().loaded) void useQuarantine.getState().load();
    }
    return done !== undefined;
  },
  async signIn(id, open) {
    const mine = (signInAttempts.get(id) ?? 0) + 1;
    signInAttempts.set(id, mine);
    const begun = await attempt(() => call('accounts.oauthBegin', { id }));
    if (!begun) return undefined;
    open(begun.authorizeUrl);
    let account: MailAccount | undefined;
    try {
      account = await call('accounts.oauthComplete', { id });
    } catch (error) {
      if (signInAttempts.get(id) === mine) useErrors.getState().report(error);
    }
    await Promise.all([get().load(), get().loadStatus()]);
    return account;
  },
  async sync(accountId) {
    rateStarts.delete(accountId);
    set((s) => ({ syncing: { ...s.syncing, [accountId]: true }, rates: { ...s.rates, [accountId]: null } }));
    const mine = generation;
    const report = await attempt(() => call('sync.run', { accountId }));
    // Locked meanwhile (the sync was stopped for it): nothing of it is brought back into the next session.
    if (generation !== mine) return undefined;
    set((s) => ({
      syncing: { ...s.syncing, [accountId]: false },
      ...(report ? { reports: { ...s.reports, [accountId]: report } } : {}),
    }));
    // lastSyncAt / lastError changed either way.
    await Promise.all([get().load(), get().loadStatus()]);
    return report;
  },
  async cancel(accountId) {
    const result = await attempt(() => call('sync.cancel', { accountId }));
    return result?.cancelled ?? false;
  },
  applyProgress(progress) {
    const id = progress.accountId;
    const now = Date.now();
    let start = rateStarts.get(id);
    if (progress.phase === 'connecting' || !start || progress.done < start.done) {
      start = { at: now, done: progress.done };
      rateStarts.set(id, start);
    }
    const seconds = (now - start.at) / 1000;
    const rate = seconds > 0 && progress.done > start.done ? (progress.done - start.done) / seconds : null;
    set((s) => ({
      progress: { ...s.progress, [id]: progress },
      // A new sync began: the report of the one before no longer stands (a background sync has none of its own).
      ...(progress.phase === 'connecting' ? { reports: without(s.reports, id) } : {}),
      // Keep the last measured rate when a push brings nothing new to measure (e.g. 'done').
      rates: { ...s.rates, [id]: rate ?? (progress.phase === 'connecting' ? null : (s.rates[id] ?? null)) },
    }));
  },
  reset() {
    generation++;
    rateStarts.clear();
    set({ accounts: [], loaded: false, progress: {}, reports: {}, syncing: {}, status: {}, rates: {} });
  },
}));

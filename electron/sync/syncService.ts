import { availableParallelism } from 'node:os';
import type { AccountSyncStatus, QuarantineRetry, SyncReport } from '../../shared/mailAccounts';
import type { Workspace } from '../app/workspace';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import { listAccounts } from '../accounts/accountRepository';
import { listSyncStates, replaceLastSyncError, setNextRetry } from '../accounts/syncStateRepository';
import { openMailLogin, retryWithRenewedToken } from '../accounts/mailLogin';
import { watchFolders } from '../mail/imapIdle';
import { parseInboundMail } from '../mail/parseInboundMail';
import type { PipelineLimits } from './ingestPipeline';
import { ParsePool } from './parsePool';
import { retryQuarantinedMail, type RetryQuarantinedOptions } from './retryQuarantined';
import type { ReconnectPolicy } from './reconnect';
import { syncAccount } from './syncAccount';
import { SyncScheduler, type SchedulerClock, type SchedulerOptions } from './syncScheduler';

export interface SyncServiceOptions {
  /** Batch and buffer sizes of the ingest pipeline. */
  limits?: Partial<PipelineLimits>;
  /** Where the worker threads are (see startWorker): mails are then parsed on them. Without it, on the main thread. */
  workersDir?: string;
  /** Parse worker threads (default: the cores beside the main thread, 1 or 2). */
  parseThreads?: number;
  /** Waits between reconnect attempts after a drop mid-sync (tests shorten them). */
  reconnect?: ReconnectPolicy;
  /** Background sync while unlocked (polling, IDLE, back-off); false: only when staff press sync. */
  background?: Partial<SchedulerOptions> | false;
  /** The scheduler's clock and timers (tests). */
  clock?: SchedulerClock;
}

/** The unlocked session's mail sync: one run per account at a time, cancellable, in the background too, with health to show. */
export interface SyncService {
  /** Starts the background sync (if enabled). */
  start(): Promise<void>;
  /** Syncs the account now; a second request while one runs joins it. */
  run(accountId: number): Promise<SyncReport>;
  /** Cancels the account's running sync; false when none runs. */
  cancel(accountId: number): boolean;
  isRunning(accountId: number): boolean;
  /**
   * Runs `remove`, which removes the account, with its sync stopped: a running sync is cancelled
   * and waited for first, no sync of it starts until `remove` has finished (it is refused), and
   * then the background sync forgets the account.
   */
  removeAccount(accountId: number, remove: () => Promise<void>): Promise<void>;
  /**
   * Runs `change`, which points the account at another mailbox, with its sync stopped as for a
   * removal: a sync still reading the old mailbox would store its positions after `change` forgot them.
   */
  changeMailbox<T>(accountId: number, change: () => Promise<T>): Promise<T>;
  /** An account was added or removed, or `edited`: the background sync follows (an edited account is synced again soon, with its new settings). */
  accountsChanged(edited?: number): void;
  status(): Promise<AccountSyncStatus[]>;
  /** Fetches a set-aside mail again and files it anew (parsed like the sync's mail). */
  retryQuarantined(id: number, options?: RetryQuarantinedOptions): Promise<QuarantineRetry>;
  /** Stops the background sync, cancels every running sync and waits until each has stored what it fetched. */
  stop(): Promise<void>;
}

interface Running {
  promise: Promise<SyncReport>;
  controller: AbortController;
}

export function createSyncService(ws: Workspace, options: SyncServiceOptions): SyncService {
  const running = new Map<number, Running>();
  /** Accounts being removed, or pointed at another mailbox: none of their syncs may start (the message says why). */
  const stopping = new Map<number, 'accountBeingRemoved' | 'accountBeingChanged'>();
  let stopped = false;
  const parsePool = options.workersDir
    ? new ParsePool({ workersDir: options.workersDir, size: options.parseThreads ?? Math.max(1, Math.min(2, availableParallelism() - 1)), logger: ws.logger })
    : null;

  const run = (accountId: number): Promise<SyncReport> => {
    const blocked = stopping.get(accountId);
    if (blocked) return Promise.reject(new AppError('CONFLICT', userMessage(blocked)));
    const current = running.get(accountId);
    if (current) return current.promise;
    const controller = new AbortController();
    if (stopped) controller.abort();
    // The background sync learns how every sync ends, Sync now's too: a success ends a back-off, a failure starts one.
    const ended = scheduler?.syncStarted(accountId);
    const sync = () =>
      syncAccount(ws, accountId, {
        signal: controller.signal,
        limits: options.limits,
        reconnect: options.reconnect,
        parse: parsePool?.parse,
        onLoggedIn: () => scheduler?.loggedIn(accountId),
      });
    let threw = false;
    const promise = retryWithRenewedToken(ws, accountId, sync, {
      // The refused login is already recorded as the failure; why the token could not be renewed is what staff must read.
      onRenewFailed: (error) => replaceLastSyncError(ws.db, accountId, error.message),
    })
      .catch((error: unknown) => {
        threw = true;
        throw error;
      })
      .finally(async () => {
        // Reported while the sync is still the running one: a Sync now pressed meanwhile joins it,
        // rather than starting a sync whose start this late report would overtake.
        const failures = ended && !stopped ? await failuresOf(accountId, threw) : 0;
        running.delete(accountId);
        if (ended && !stopped) ended(failures);
        // Only now is it not running: the header's alert of failing accounts can show it.
        ws.push('sync.ended', { accountId });
      });
    running.set(accountId, { promise, controller });
    return promise;
  };

  /**
   * The account's consecutive failed syncs, as its health records them (a cancelled sync leaves
   * them as they were). A sync that `threw` failed, even where it failed before it could record so
   * (its account could not be read): at least 1, or the scheduler would take it for a success.
   */
  const failuresOf = async (accountId: number, threw: boolean): Promise<number> => {
    try {
      const recorded = (await listAccounts(ws.db)).find((a) => a.id === accountId)?.failureCount ?? 0;
      return threw ? Math.max(1, recorded) : recorded;
    } catch {
      return 1;
    }
  };

  const scheduler =
    options.background === false
      ? null
      : new SyncScheduler(
          {
            accountIds: async () => (await listAccounts(ws.db)).map((a) => a.id),
            sync: async (accountId) => {
              try {
                await run(accountId);
              } catch {
                if (stopping.has(accountId)) return 'refused';
              }
            },
            recordNextRun: (accountId, at) => setNextRetry(ws.db, accountId, at),
            watch: async (accountId, onNewMail) => {
              const { account, imap } = await openMailLogin(ws, accountId);
              return watchFolders(imap, account.folders.length ? account.folders : ['INBOX'], onNewMail, { logger: ws.logger });
            },
            logger: ws.logger,
          },
          options.background ?? {},
          options.clock,
        );

  const accountsChanged = (edited?: number): void => {
    scheduler?.refresh(edited).catch((error: unknown) => ws.logger.warn('sync.refresh_failed', { error: error instanceof Error ? error.name : 'unknown' }));
  };

  const cancel = (accountId: number): boolean => {
    const current = running.get(accountId);
    if (!current) return false;
    current.controller.abort();
    scheduler?.syncCancelled(accountId);
    return true;
  };

  /** Runs `work` with the account's sync cancelled and waited for, and none started until it is done. */
  const withSyncStopped = async <T>(accountId: number, why: 'accountBeingRemoved' | 'accountBeingChanged', work: () => Promise<T>): Promise<T> => {
    stopping.set(accountId, why);
    try {
      const current = running.get(accountId);
      if (current) {
        cancel(accountId);
        await current.promise.catch(() => undefined);
      }
      return await work();
    } finally {
      stopping.delete(accountId);
    }
  };

  return {
    async start() {
      await scheduler?.start();
    },
    run,
    cancel,
    isRunning: (accountId) => running.has(accountId),
    async removeAccount(accountId, remove) {
      try {
        await withSyncStopped(accountId, 'accountBeingRemoved', remove);
      } finally {
        accountsChanged();
      }
    },
    changeMailbox: (accountId, change) => withSyncStopped(accountId, 'accountBeingChanged', change),
    accountsChanged,
    async status() {
      const accounts = await listAccounts(ws.db);
      return Promise.all(
        accounts.map(async (account): Promise<AccountSyncStatus> => {
          const states = new Map((await listSyncStates(ws.db, account.id)).map((s) => [s.folder, s]));
          const scheduled = scheduler?.status(account.id);
          return {
            accountId: account.id,
            running: running.has(account.id),
            lastSyncAt: account.lastSyncAt,
            lastError: account.lastError,
            failureCount: account.failureCount ?? 0,
            nextRetryAt: scheduled?.nextRunAt ?? null,
            idle: scheduled?.idle ?? false,
            folders: (account.folders ?? ['INBOX']).map((folder) => ({
              folder,
              lastUid: states.get(folder)?.lastUid ?? 0,
              uidValidity: states.get(folder)?.uidValidity ?? null,
            })),
          };
        }),
      );
    },
    retryQuarantined: (id, retryOptions) => retryQuarantinedMail(ws, id, parsePool?.parse ?? parseInboundMail, retryOptions),
    async stop() {
      stopped = true;
      // Running syncs are cancelled at once, while the IDLE connections close, not after them.
      const schedulerStopped = scheduler?.stop();
      for (const current of running.values()) current.controller.abort();
      await Promise.all([schedulerStopped, Promise.allSettled([...running.values()].map((r) => r.promise))]);
      await parsePool?.close();
    },
  };
}

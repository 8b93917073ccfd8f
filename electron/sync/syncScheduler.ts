import type { Logger } from '../logging/logger';
import type { MailWatch } from '../mail/imapIdle';

/** The clock and timers the scheduler runs on: Node's in the app, fake ones in tests. */
export interface SchedulerClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: SchedulerClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => {
    const timer = setTimeout(run, ms);
    // A pending sync never keeps the process alive on its own.
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface SchedulerOptions {
  /** Between two syncs of an account that is fine (default 5 minutes). */
  pollMs: number;
  /** From unlocking (or adding an account) to its first sync (default 3 s). */
  firstSyncMs: number;
  /** After a failed sync, the first retry; each further failure doubles it (default 1 minute)... */
  retryBaseMs: number;
  /** ...up to this (default 1 hour). */
  retryMaxMs: number;
  /** Wait in IMAP IDLE on each account's folders (up to MAX_WATCHED_FOLDERS) where the server offers it (default true). */
  idle: boolean;
  /** New mail reported by IDLE is synced after this pause, so that a burst of mail is one sync (default 2 s). */
  idleSettleMs: number;
}

export const DEFAULT_SCHEDULER_OPTIONS: SchedulerOptions = {
  pollMs: 5 * 60 * 1000,
  firstSyncMs: 3000,
  retryBaseMs: 60 * 1000,
  retryMaxMs: 60 * 60 * 1000,
  idle: true,
  idleSettleMs: 2000,
};

/** What the scheduler drives; createSyncService supplies it. */
export interface SchedulerDeps {
  accountIds(): Promise<number[]>;
  /** Runs (or joins) a sync of the account; resolves to its consecutive failures afterwards (0: it synced). */
  sync(accountId: number): Promise<number>;
  /** Records when the account is tried next (shown as its health); null: not scheduled. */
  recordNextRun(accountId: number, at: string | null): Promise<void>;
  /** Starts an IDLE watch of the account's folders; null when the server offers no IDLE. */
  watch(accountId: number, onNewMail: () => void): Promise<MailWatch | null>;
  logger: Logger;
}

interface AccountState {
  timer: unknown;
  nextRunAt: number | null;
  watch: MailWatch | null;
  watchStarting: boolean;
  /** A watch was tried and the server offers no IDLE: polling only. */
  noIdle: boolean;
  syncing: boolean;
  /** New mail was reported while a sync ran: sync again right after it. */
  newMailDuringSync: boolean;
}

/**
 * Syncs every account in the background while Madoguchi is unlocked: each on its own schedule,
 * so one failing account never holds up the others. An account that syncs is synced again after
 * `pollMs`, and at once (after a short settle) when its IDLE connection reports new mail; one
 * that fails is retried after an exponential back-off (1, 2, 4... minutes, at most an hour).
 * A dropped IDLE connection is opened again after the next successful sync.
 */
export class SyncScheduler {
  private readonly options: SchedulerOptions;
  private readonly accounts = new Map<number, AccountState>();
  private running = false;

  constructor(
    private readonly deps: SchedulerDeps,
    options: Partial<SchedulerOptions> = {},
    private readonly clock: SchedulerClock = systemClock,
  ) {
    this.options = { ...DEFAULT_SCHEDULER_OPTIONS, ...options };
  }

  start(): Promise<void> {
    this.running = true;
    return this.refresh();
  }

  /** Picks up added and removed accounts (call after an account is saved or removed). */
  async refresh(): Promise<void> {
    if (!this.running) return;
    const ids = new Set(await this.deps.accountIds());
    if (!this.running) return;
    for (const [id, state] of this.accounts) {
      if (!ids.has(id)) {
        this.forget(id, state);
      }
    }
    for (const id of ids) {
      if (!this.accounts.has(id)) {
        this.accounts.set(id, { timer: null, nextRunAt: null, watch: null, watchStarting: false, noIdle: false, syncing: false, newMailDuringSync: false });
        this.schedule(id, this.options.firstSyncMs);
      }
    }
  }

  /** Stops every timer and watch; records that nothing is scheduled. */
  async stop(): Promise<void> {
    this.running = false;
    const states = [...this.accounts.entries()];
    this.accounts.clear();
    await Promise.all(
      states.map(async ([id, state]) => {
        this.clock.clearTimeout(state.timer);
        await state.watch?.close().catch(() => undefined);
        await this.deps.recordNextRun(id, null).catch(() => undefined);
      }),
    );
  }

  /** When the account is synced next (ISO), and whether an IDLE connection watches it. */
  status(accountId: number): { nextRunAt: string | null; idle: boolean } {
    const state = this.accounts.get(accountId);
    return {
      nextRunAt: state?.nextRunAt != null ? new Date(state.nextRunAt).toISOString() : null,
      idle: state?.watch != null,
    };
  }

  /** The delay before retrying after `failures` consecutive failed syncs. */
  retryDelay(failures: number): number {
    const exponent = Math.max(0, Math.min(failures - 1, 30));
    return Math.min(this.options.retryBaseMs * 2 ** exponent, this.options.retryMaxMs);
  }

  private forget(id: number, state: AccountState): void {
    this.accounts.delete(id);
    this.clock.clearTimeout(state.timer);
    void state.watch?.close().catch(() => undefined);
  }

  private schedule(id: number, delayMs: number): void {
    const state = this.accounts.get(id);
    if (!state || !this.running) return;
    this.clock.clearTimeout(state.timer);
    const at = this.clock.now() + delayMs;
    state.nextRunAt = at;
    state.timer = this.clock.setTimeout(() => void this.run(id), delayMs);
    this.deps.recordNextRun(id, new Date(at).toISOString()).catch(() => undefined);
  }

  private async run(id: number): Promise<void> {
    const state = this.accounts.get(id);
    if (!state || !this.running || state.syncing) return;
    state.syncing = true;
    state.newMailDuringSync = false;
    state.timer = null;
    let failures: number;
    try {
      failures = await this.deps.sync(id);
    } catch {
      failures = 1;
    } finally {
      state.syncing = false;
    }
    if (this.accounts.get(id) !== state || !this.running) return;
    if (failures > 0) {
      this.deps.logger.warn('sync.scheduled_retry', { accountId: id, failures });
      this.schedule(id, this.retryDelay(failures));
      return;
    }
    this.schedule(id, state.newMailDuringSync ? 0 : this.options.pollMs);
    this.ensureWatch(id, state);
  }

  private ensureWatch(id: number, state: AccountState): void {
    if (!this.options.idle || state.watch || state.watchStarting || state.noIdle) return;
    state.watchStarting = true;
    let settle: unknown = null;
    const onNewMail = () => {
      // A burst of new mail becomes one sync.
      this.clock.clearTimeout(settle);
      settle = this.clock.setTimeout(() => {
        if (this.accounts.get(id) !== state) return;
        if (state.syncing) state.newMailDuringSync = true;
        else this.schedule(id, 0);
      }, this.options.idleSettleMs);
    };
    this.deps
      .watch(id, onNewMail)
      .then((watch) => {
        state.watchStarting = false;
        if (!watch) {
          state.noIdle = true;
          return;
        }
        if (this.accounts.get(id) !== state || !this.running) {
          void watch.close();
          return;
        }
        state.watch = watch;
        void watch.ended.then(() => {
          if (state.watch === watch) state.watch = null;
          this.clock.clearTimeout(settle);
        });
      })
      .catch((error: unknown) => {
        // Could not connect now: the next successful sync tries again.
        state.watchStarting = false;
        this.deps.logger.warn('sync.idle_failed', { accountId: id, code: (error as { code?: string } | null)?.code ?? 'unknown' });
      });
  }
}

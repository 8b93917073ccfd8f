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

/** How long a lock waits for an IDLE watch still being opened (its login, a token renewal) before closing the database. */
const WATCH_START_WAIT_MS = 5000;

/** What the scheduler drives; createSyncService supplies it. */
export interface SchedulerDeps {
  accountIds(): Promise<number[]>;
  /**
   * Runs (or joins) a sync of the account; resolves once it has ended. Every sync of an account,
   * whoever starts it, reports its start to SyncScheduler.syncStarted before it first awaits
   * anything (the scheduler tells by that whether this call started a sync or joined one), and its
   * end through the function that returns. Resolves 'refused' when none could start: the
   * account's syncs are held while it is removed or pointed at another mailbox.
   */
  sync(accountId: number): Promise<'refused' | void>;
  /** Records when the account is tried next (shown as its health); null: not scheduled. */
  recordNextRun(accountId: number, at: string | null): Promise<void>;
  /** Starts an IDLE watch of the account's folders; null when the server offers no IDLE. */
  watch(accountId: number, onNewMail: () => void): Promise<MailWatch | null>;
  logger: Logger;
}

/** Called when a sync ends, with the account's consecutive failed syncs afterwards (0: it synced). */
export type SyncEnded = (failures: number) => void;

/** One account under the scheduler, for as long as its settings stay as they are (an edit starts a new one). */
interface AccountState {
  timer: unknown;
  nextRunAt: number | null;
  watch: MailWatch | null;
  /** A watch being opened (logging in, renewing a token, selecting the folders); null when none is. */
  watchStarting: Promise<void> | null;
  /** A watch was tried and the server offers no IDLE: polling only. */
  noIdle: boolean;
  /** A sync begun under these settings runs (the scheduler's own or staff's Sync now). */
  syncing: boolean;
  /** Syncs begun under these settings so far. */
  syncsStarted: number;
  /** The last sync failed: the account waits out its back-off, without IDLE. */
  failing: boolean;
  /** New mail was reported while a sync ran: sync again right after it. */
  newMailDuringSync: boolean;
  /** The pause between IDLE reporting new mail and the sync of it. */
  settle: unknown;
}

/**
 * Syncs every account in the background while Madoguchi is unlocked: each on its own schedule,
 * so one failing account never holds up the others. An account that syncs is synced again after
 * `pollMs`, and at once (after a short settle) when its IDLE connection reports new mail; one
 * that fails is retried after an exponential back-off (1, 2, 4... minutes, at most an hour).
 * The scheduler learns how every sync ends, Sync now's too, so a sync that staff start counts
 * like its own. While an account fails its IDLE connection is closed: each new mail would
 * otherwise be another failed login, past the back-off. IDLE is opened once a sync has logged in
 * (so during a long first import too), and again after the next successful sync (as after a
 * dropped connection). An edited account starts afresh, as a new one.
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

  /**
   * Picks up added and removed accounts (call after an account is saved or removed). An `edited`
   * account is treated as a new one: its back-off, its IDLE connection (logged in with the old
   * settings) and what was learnt about its server are dropped, and it is synced after
   * `firstSyncMs`, so a corrected password is tried at once rather than after the back-off.
   */
  async refresh(edited?: number): Promise<void> {
    if (!this.running) return;
    // Before the wait for the list: a Sync now pressed right after saving already counts for the new settings.
    const editedState = edited === undefined ? undefined : this.accounts.get(edited);
    if (edited !== undefined && editedState) {
      this.forget(edited, editedState);
      this.add(edited);
    }
    const ids = new Set(await this.deps.accountIds());
    if (!this.running) return;
    for (const [id, state] of this.accounts) {
      if (!ids.has(id)) this.forget(id, state);
    }
    for (const id of ids) {
      if (!this.accounts.has(id)) this.add(id);
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
        this.clock.clearTimeout(state.settle);
        // A watch still being opened may be renewing a token, which it stores: the database must
        // still be open for that (a rotated refresh token lost would mean signing in again). It
        // closes itself once open, seeing it is no longer wanted. A silent server is not waited on long.
        if (state.watchStarting) await this.atMost(state.watchStarting, WATCH_START_WAIT_MS);
        // Closing takes a moment at most (see watchFolder): a silent server is not waited on.
        await state.watch?.close().catch(() => undefined);
        await this.deps.recordNextRun(id, null).catch(() => undefined);
      }),
    );
  }

  /** Waits for `work`, or `ms` at most (on the scheduler's clock). */
  private async atMost(work: Promise<unknown>, ms: number): Promise<void> {
    let timer: unknown = null;
    await Promise.race([work.catch(() => undefined), new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, ms)))]);
    this.clock.clearTimeout(timer);
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

  /**
   * A sync of the account begins, whoever started it; call the returned function when it ends.
   * Its outcome sets the account's next run: a success the poll (at once if IDLE reported mail
   * meanwhile) and IDLE, a failure the back-off.
   */
  syncStarted(accountId: number): SyncEnded {
    if (!this.running) return () => undefined;
    let state = this.accounts.get(accountId);
    if (!state) {
      // Sync now on an account not listed yet (just added, or just after unlocking): its outcome
      // counts for it, rather than a first sync of its own following it at once. The list is
      // read again, so an id that is no account is forgotten.
      state = this.add(accountId, false);
      this.refresh().catch(() => undefined);
    }
    state.syncing = true;
    const sync = ++state.syncsStarted;
    state.newMailDuringSync = false;
    this.clock.clearTimeout(state.timer);
    state.timer = null;
    // The run it was waiting for is this one: no next run until this one ends (the health said a time now past).
    state.nextRunAt = null;
    const current = state;
    // Only the latest sync's end counts: an earlier one's late report must not end the sync that runs.
    return (failures) => {
      if (current.syncsStarted === sync) this.syncEnded(accountId, current, failures);
    };
  }

  /**
   * The account's running sync logged in: its server takes the login, so IDLE may watch it now,
   * while a long sync (a first import) runs, rather than only once it ends; new mail it reports
   * meanwhile is synced right after. A failing account's IDLE closes again if this sync fails.
   */
  loggedIn(accountId: number): void {
    const state = this.accounts.get(accountId);
    if (!state || !this.running || !state.syncing) return;
    state.failing = false;
    this.ensureWatch(accountId, state);
  }

  /**
   * Staff cancelled the account's running sync: mail IDLE reported until now waits for the poll,
   * or the cancel would be undone the moment the sync stops. Mail reported later is synced.
   */
  syncCancelled(accountId: number): void {
    const state = this.accounts.get(accountId);
    if (!state) return;
    state.newMailDuringSync = false;
    this.clock.clearTimeout(state.settle);
    state.settle = null;
  }

  /** Takes the account under the scheduler: its first sync after `firstSyncMs`, unless `scheduleFirst` is false (one runs already). */
  private add(id: number, scheduleFirst = true): AccountState {
    const state: AccountState = {
      timer: null,
      nextRunAt: null,
      watch: null,
      watchStarting: null,
      noIdle: false,
      syncing: false,
      syncsStarted: 0,
      failing: false,
      newMailDuringSync: false,
      settle: null,
    };
    this.accounts.set(id, state);
    if (scheduleFirst) this.schedule(id, this.options.firstSyncMs);
    return state;
  }

  private forget(id: number, state: AccountState): void {
    this.accounts.delete(id);
    this.clock.clearTimeout(state.timer);
    this.clock.clearTimeout(state.settle);
    this.closeWatch(state);
  }

  private closeWatch(state: AccountState): void {
    const watch = state.watch;
    state.watch = null;
    void watch?.close().catch(() => undefined);
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
    for (;;) {
      const state = this.accounts.get(id);
      // A sync under way ends with syncEnded, which schedules the next.
      if (!state || !this.running || state.syncing) return;
      state.timer = null;
      const started = state.syncsStarted;
      const ended = this.deps.sync(id).catch(() => undefined);
      if (state.syncsStarted !== started) return;
      // It joined a sync begun before the account was edited, on the old settings: sync anew once
      // that ends, unless a sync on the new settings has begun meanwhile.
      const outcome = await ended;
      if (this.accounts.get(id) !== state || state.syncsStarted !== started) return;
      // Held while the account is removed or edited: tried again in a while, not over and over at
      // once, nor never (an edit that lands refreshes the account sooner; one that fails does not).
      if (outcome === 'refused') {
        this.schedule(id, this.retryDelay(1));
        return;
      }
    }
  }

  private syncEnded(id: number, state: AccountState, failures: number): void {
    state.syncing = false;
    if (this.accounts.get(id) !== state || !this.running) return;
    const again = state.newMailDuringSync;
    state.newMailDuringSync = false;
    if (failures > 0) {
      state.failing = true;
      this.closeWatch(state);
      this.deps.logger.warn('sync.scheduled_retry', { accountId: id, failures });
      this.schedule(id, this.retryDelay(failures));
      return;
    }
    state.failing = false;
    this.schedule(id, again ? 0 : this.options.pollMs);
    this.ensureWatch(id, state);
  }

  private ensureWatch(id: number, state: AccountState): void {
    if (!this.options.idle || state.watch || state.watchStarting || state.noIdle) return;
    const current = () => this.accounts.get(id) === state && this.running && !state.failing;
    const onNewMail = () => {
      if (!current()) return;
      // A burst of new mail becomes one sync.
      this.clock.clearTimeout(state.settle);
      state.settle = this.clock.setTimeout(() => {
        state.settle = null;
        if (!current()) return;
        if (state.syncing) state.newMailDuringSync = true;
        else this.schedule(id, 0);
      }, this.options.idleSettleMs);
    };
    state.watchStarting = this.deps
      .watch(id, onNewMail)
      .then((watch) => {
        state.watchStarting = null;
        if (!watch) {
          state.noIdle = true;
          return;
        }
        // Removed, edited, locked or failing since the watch was asked for.
        if (!current()) {
          void watch.close().catch(() => undefined);
          return;
        }
        state.watch = watch;
        void watch.ended.then(() => {
          if (state.watch === watch) state.watch = null;
        });
      })
      .catch((error: unknown) => {
        // Could not connect now: the next successful sync tries again.
        state.watchStarting = null;
        this.deps.logger.warn('sync.idle_failed', { accountId: id, code: (error as { code?: string } | null)?.code ?? 'unknown' });
      });
  }
}

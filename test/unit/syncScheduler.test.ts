import { describe, expect, it } from 'vitest';
import type { MailWatch } from '../../electron/mail/imapIdle';
import { SyncScheduler, type SchedulerClock, type SchedulerDeps, type SchedulerOptions } from '../../electron/sync/syncScheduler';

/** A clock whose time moves only when the test says so. */
class FakeClock implements SchedulerClock {
  private time = Date.parse('2025-04-01T00:00:00.000Z');
  private timers: Array<{ at: number; run: () => void; id: number }> = [];
  private nextId = 1;

  now = () => this.time;
  setTimeout = (run: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, run, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((t) => t.id !== handle);
  };
  pending(): number {
    return this.timers.length;
  }
  /** Moves time forward, running each timer that falls due (and what it schedules) in order. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const next = [...this.timers].sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.time = next.at;
      next.run();
    }
    this.time = end;
    await flush();
  }
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

const MINUTE = 60_000;

/** A scheduler over fake accounts: each sync of account N ends with the next of `outcomes[N]` failures (0 once they run out). */
function fakeScheduler(outcomes: Record<number, number[]>, idle: Record<number, boolean>, options: Partial<SchedulerOptions>, isHeld: (id: number) => boolean = () => false, opening: () => Promise<void> = async () => undefined) {
  const syncs: Array<{ id: number; at: number }> = [];
  const nextRuns = new Map<number, string | null>();
  const watches = new Map<number, { onNewMail: () => void; end: () => void }>();
  let accountIds = Object.keys(outcomes).map(Number);
  const clock = new FakeClock();
  /** What a sync service does: one sync per account at a time, a second request joins it; each sync reports its start and end. */
  const runs = new Map<number, Promise<void>>();
  const runSync = (id: number, done: Promise<void> = flush()): Promise<void> => {
    const current = runs.get(id);
    if (current) return current;
    syncs.push({ id, at: clock.now() });
    const ended = scheduler.syncStarted(id);
    const run = done.then(() => {
      runs.delete(id);
      ended(outcomes[id]?.shift() ?? 0);
    });
    runs.set(id, run);
    return run;
  };
  const deps: SchedulerDeps = {
    accountIds: async () => accountIds,
    // An account being removed or edited: its syncs are refused meanwhile, and none starts.
    sync: async (id) => (isHeld(id) ? 'refused' : runSync(id)),
    recordNextRun: async (id, at) => void nextRuns.set(id, at),
    watch: async (id, onNewMail): Promise<MailWatch | null> => {
      await opening();
      if (!idle[id]) return null;
      let end = () => undefined as void;
      const ended = new Promise<void>((resolve) => (end = resolve));
      watches.set(id, { onNewMail, end });
      return { ended, close: async () => end() };
    },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
  };
  const scheduler = new SyncScheduler(deps, options, clock);
  return { scheduler, clock, syncs, nextRuns, watches, runSync, setAccounts: (ids: number[]) => (accountIds = ids) };
}

describe('SyncScheduler: background sync with back-off', () => {
  it('waits, when stopped (a lock), for an IDLE watch still being opened, which may be storing a renewed token, but not for ever', async () => {
    let opened = () => undefined as void;
    const opening = () => new Promise<void>((resolve) => (opened = resolve));
    const { scheduler, clock, watches } = fakeScheduler({ 1: [] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE }, () => false, opening);
    await scheduler.start();
    await clock.advance(0);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await clock.advance(1000);
    expect(stopped).toBe(false);
    opened();
    await stopping;
    // It closed itself once open, no longer wanted.
    expect(watches.size).toBe(1);
    expect(scheduler.status(1).idle).toBe(false);

    // A watch that never opens holds a stop up for five seconds at most.
    const second = fakeScheduler({ 1: [] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE }, () => false, () => new Promise<void>(() => undefined));
    await second.scheduler.start();
    await second.clock.advance(0);
    let secondStopped = false;
    const secondStopping = second.scheduler.stop().then(() => (secondStopped = true));
    await second.clock.advance(4999);
    expect(secondStopped).toBe(false);
    await second.clock.advance(1);
    await secondStopping;
    expect(secondStopped).toBe(true);
  });

  it('tries again in a while when a sync is refused while the account is being changed, neither at once over and over nor never', async () => {
    let holding = true;
    let refusals = 0;
    const isHeld = () => holding && ++refusals > 0;
    const { scheduler, clock, syncs } = fakeScheduler({ 1: [] }, {}, { firstSyncMs: 0, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, idle: false }, isHeld);
    await scheduler.start();
    await clock.advance(1000);
    expect(refusals).toBe(1);
    expect(syncs).toHaveLength(0);
    // The change failed: nothing refreshes the account, and its next try comes with the retry delay.
    holding = false;
    await clock.advance(MINUTE);
    expect(syncs).toHaveLength(1);
    expect(refusals).toBe(1);
  });

  it('syncs each account soon after start, then every poll interval', async () => {
    const { scheduler, clock, syncs, nextRuns } = fakeScheduler({ 1: [], 2: [] }, {}, { firstSyncMs: 3000, pollMs: 5 * MINUTE, idle: false });
    await scheduler.start();
    expect(nextRuns.get(1)).toBe('2025-04-01T00:00:03.000Z');
    await clock.advance(3000);
    expect(syncs.map((s) => s.id)).toEqual([1, 2]);
    expect(scheduler.status(1).nextRunAt).toBe('2025-04-01T00:05:03.000Z');
    await clock.advance(5 * MINUTE);
    expect(syncs).toHaveLength(4);
  });

  it('backs off exponentially after failures, at most an hour, and returns to polling after a success; one failing account never holds up another', async () => {
    // Account 1 fails 8 times (failure counts 1..8), then recovers; account 2 always syncs.
    const { scheduler, clock, syncs } = fakeScheduler({ 1: [1, 2, 3, 4, 5, 6, 7, 8, 0], 2: [] }, {}, { firstSyncMs: 0, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, retryMaxMs: 60 * MINUTE, idle: false });
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => scheduler.retryDelay(n) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60, 60]);
    await scheduler.start();
    await clock.advance(1 + 1 + 2 + 4 + 8 + 16 + 32 + 60 + 60);
    await clock.advance((1 + 2 + 4 + 8 + 16 + 32 + 60 + 60) * MINUTE);
    const account1 = syncs.filter((s) => s.id === 1).map((s) => (s.at - syncs[0]!.at) / MINUTE);
    expect(account1).toEqual([0, 1, 3, 7, 15, 31, 63, 123, 183]);
    expect(scheduler.status(1).nextRunAt).toBe(new Date(syncs[0]!.at + (183 + 5) * MINUTE).toISOString());
    // Account 2 kept its own five-minute rhythm the whole time.
    const account2 = syncs.filter((s) => s.id === 2);
    expect(account2.length).toBeGreaterThanOrEqual(183 / 5);
  });

  it('syncs soon after IDLE reports new mail (a burst is one sync), and opens IDLE again after it dropped', async () => {
    const { scheduler, clock, syncs, watches } = fakeScheduler({ 1: [] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE, idleSettleMs: 2000 });
    await scheduler.start();
    await clock.advance(0);
    expect(syncs).toHaveLength(1);
    expect(scheduler.status(1).idle).toBe(true);
    const watch = watches.get(1)!;
    watch.onNewMail();
    await clock.advance(500);
    watch.onNewMail();
    await clock.advance(1999);
    expect(syncs).toHaveLength(1);
    await clock.advance(1);
    expect(syncs).toHaveLength(2);
    // The IDLE connection drops: polling goes on, and the next successful sync watches again.
    watch.end();
    await clock.advance(0);
    expect(scheduler.status(1).idle).toBe(false);
    await clock.advance(5 * MINUTE);
    expect(syncs).toHaveLength(3);
    expect(scheduler.status(1).idle).toBe(true);
    expect(watches.get(1)).not.toBe(watch);
  });

  it('watches with IDLE once a long first sync has logged in, and syncs right after it the mail IDLE reported meanwhile', async () => {
    const { scheduler, clock, syncs, watches, runSync } = fakeScheduler({ 1: [] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE, idleSettleMs: 2000 });
    await scheduler.start();
    let finishImport = () => undefined as void;
    const importing = runSync(1, new Promise<void>((resolve) => (finishImport = resolve)));
    await flush();
    expect(scheduler.status(1).idle).toBe(false);

    scheduler.loggedIn(1);
    await flush();
    expect(scheduler.status(1).idle).toBe(true);
    watches.get(1)!.onNewMail();
    await clock.advance(10 * MINUTE);
    // Still importing: the new mail waits for it, not for the poll.
    expect(syncs).toHaveLength(1);
    finishImport();
    await importing;
    await clock.advance(0);
    expect(syncs).toHaveLength(2);
  });

  it('opens no IDLE for a sync that has not logged in, nor after a sync has ended', async () => {
    const { scheduler, clock, watches } = fakeScheduler({ 1: [1] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE, retryBaseMs: MINUTE });
    await scheduler.start();
    await clock.advance(0);
    // The first sync failed before logging in: no IDLE, and a late report of a login changes nothing.
    expect(scheduler.status(1).idle).toBe(false);
    scheduler.loggedIn(1);
    await flush();
    expect(watches.size).toBe(0);
  });

  it('follows added and removed accounts, and stops everything on stop()', async () => {
    const { scheduler, clock, syncs, nextRuns, setAccounts } = fakeScheduler({ 1: [] }, { 1: true, 2: true }, { firstSyncMs: 1000, pollMs: 5 * MINUTE });
    await scheduler.start();
    setAccounts([1, 2]);
    await scheduler.refresh();
    await clock.advance(1000);
    expect(syncs.map((s) => s.id).sort()).toEqual([1, 2]);
    setAccounts([2]);
    await scheduler.refresh();
    expect(scheduler.status(1)).toEqual({ nextRunAt: null, idle: false });
    await scheduler.stop();
    expect(clock.pending()).toBe(0);
    expect(nextRuns.get(2)).toBeNull();
    await clock.advance(60 * MINUTE);
    expect(syncs).toHaveLength(2);
  });

  it('syncs an account edited during a sync again once that sync ends, and does not back off for the old settings\' failure', async () => {
    const { scheduler, clock, syncs, runSync } = fakeScheduler({ 1: [1, 0] }, {}, { firstSyncMs: 3000, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, idle: false });
    await scheduler.start();
    // Staff press Sync now with the old (wrong) password; it takes a while.
    let finish = () => undefined as void;
    void runSync(1, new Promise<void>((resolve) => (finish = resolve)));
    await scheduler.refresh(1);
    await clock.advance(3000);
    // The edited account's first sync could only join the one on the old settings.
    expect(syncs).toHaveLength(1);
    finish();
    await clock.advance(0);
    // That one failed; the new settings are tried at once, and succeed: the poll, not the back-off.
    expect(syncs).toHaveLength(2);
    expect(scheduler.status(1).nextRunAt).toBe(new Date(clock.now() + 5 * MINUTE).toISOString());
  });

  it('a successful Sync now during a back-off ends it and opens IDLE again; a failure closes IDLE', async () => {
    const { scheduler, clock, syncs, watches, runSync } = fakeScheduler({ 1: [0, 1, 0] }, { 1: true }, { firstSyncMs: 0, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, idleSettleMs: 2000 });
    await scheduler.start();
    await clock.advance(0);
    expect(scheduler.status(1).idle).toBe(true);
    const watch = watches.get(1)!;
    // The next (poll) sync fails: IDLE is closed, so new mail does not log in again and again.
    await clock.advance(5 * MINUTE);
    expect(syncs).toHaveLength(2);
    expect(scheduler.status(1).idle).toBe(false);
    watch.onNewMail();
    await clock.advance(30_000);
    expect(syncs).toHaveLength(2);
    // Staff press Sync now before the retry; it succeeds: the poll follows, not the retry, and IDLE listens again.
    await runSync(1);
    await clock.advance(0);
    expect(scheduler.status(1)).toEqual({ nextRunAt: new Date(clock.now() + 5 * MINUTE).toISOString(), idle: true });
    await clock.advance(4 * MINUTE);
    expect(syncs).toHaveLength(3);
  });

  it('ignores the late end of an earlier sync while a later one runs', async () => {
    const { scheduler, clock, syncs } = fakeScheduler({ 1: [] }, {}, { firstSyncMs: 0, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, idle: false });
    await scheduler.start();
    await clock.advance(0);
    expect(syncs).toHaveLength(1);
    const first = scheduler.syncStarted(1);
    const second = scheduler.syncStarted(1);
    // The first one's failure arrives after the second began: no retry is armed under the running sync.
    first(1);
    await clock.advance(2 * MINUTE);
    expect(syncs).toHaveLength(1);
    second(0);
    expect(scheduler.status(1).nextRunAt).toBe(new Date(clock.now() + 5 * MINUTE).toISOString());
  });

  it('counts a Sync now on an account it has not listed yet as that account\'s sync, instead of syncing it again at once', async () => {
    const { scheduler, clock, syncs, setAccounts, runSync } = fakeScheduler({ 7: [1] }, {}, { firstSyncMs: 3000, pollMs: 5 * MINUTE, retryBaseMs: MINUTE, idle: false });
    setAccounts([]);
    await scheduler.start();
    // Staff add account 7 and press Sync now before the scheduler has read the list again; it fails (a wrong password).
    setAccounts([7]);
    let finish = () => undefined as void;
    void runSync(7, new Promise<void>((resolve) => (finish = resolve)));
    await scheduler.refresh();
    await clock.advance(5000);
    expect(syncs).toHaveLength(1);
    finish();
    await clock.advance(0);
    // The back-off of that failure, not a first sync right after it.
    expect(scheduler.status(7).nextRunAt).toBe(new Date(clock.now() + MINUTE).toISOString());
    await clock.advance(MINUTE - 1);
    expect(syncs).toHaveLength(1);
    await clock.advance(1);
    expect(syncs).toHaveLength(2);
  });

  it('forgets a Sync now of an id that is no account once the list is read', async () => {
    const { scheduler, clock, setAccounts } = fakeScheduler({ 1: [] }, {}, { firstSyncMs: 0, idle: false });
    await scheduler.start();
    setAccounts([1]);
    const ended = scheduler.syncStarted(99);
    await clock.advance(0);
    ended(1);
    expect(scheduler.status(99).nextRunAt).toBeNull();
  });
});

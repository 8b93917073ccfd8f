import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PushPayload } from '../../shared/pushes';
import { openImapSession } from '../../electron/mail/imapFetch';
import { abortableSleep, Reconnector, type ReconnectHooks, type ReconnectPolicy } from '../../electron/sync/reconnect';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { startTestApp, type TestApp } from '../support/testApp';
import { proxiedSyncAccount } from '../support/mailAccount';
import { storedMessageIds } from '../support/storedMail';
import { waitFor } from '../support/waitFor';

const SUPPORT = 'support@toot.example';
const INBOX_MAILS = 300;
const SALES_MAILS = 20;
const ALL_MAILS = INBOX_MAILS + SALES_MAILS;
/** Small batches: a drop lands between many stored batches, and what came before it is stored. */
const LIMITS = { batchMails: 5, batchMs: 1000 };
/** The app's policy (three attempts, each wait twice the last), quicker: the waits' lengths are tested on the policy itself. */
const QUICK_RECONNECT: ReconnectPolicy = { delaysMs: [250, 500, 1000], sleep: abortableSleep };
/** Generous: the app waits 1 s, 2 s and 4 s between attempts, and the machine may be busy. */
const TIMEOUT_MS = 180_000;

type Progress = PushPayload<'sync.progress'>;

function supportMail(i: number, folder: string): Buffer {
  return japaneseMail({
    from: `customer${i}@example.jp`,
    fromName: `顧客 ${i}`,
    to: SUPPORT,
    subject: `${folder} の問い合わせ ${i}`,
    text: `お世話になっております。注文番号 ${i} の件です。\n`.repeat(12),
    messageId: `<${folder.toLowerCase()}-${i}@example.jp>`,
  });
}

describe('a sync whose IMAP connection drops', () => {
  let dovecot: DovecotServer;
  let inboxUids: number[];
  /** Bytes of the INBOX mails: where in the sync a cut lands is chosen as a share of them. */
  let inboxBytes: number;
  const expectedMessageIds = [
    ...Array.from({ length: INBOX_MAILS }, (_, i) => `<inbox-${i}@example.jp>`),
    ...Array.from({ length: SALES_MAILS }, (_, i) => `<sales-${i}@example.jp>`),
  ].sort();

  let proxy: TcpProxy;
  let t: TestApp;
  let pushes: Progress[];

  beforeAll(async () => {
    // The server's mail is never changed by a sync, so every test reads the same mailbox.
    dovecot = await startDovecot();
    const inbox = Array.from({ length: INBOX_MAILS }, (_, i) => supportMail(i, 'INBOX'));
    inboxBytes = inbox.reduce((sum, raw) => sum + raw.length, 0);
    inboxUids = await dovecot.appendMails(inbox);
    await dovecot.appendMails(
      Array.from({ length: SALES_MAILS }, (_, i) => supportMail(i, 'Sales')),
      'Sales',
    );
  }, TIMEOUT_MS);
  afterAll(async () => dovecot?.stop());

  beforeEach(async () => {
    proxy = await startTcpProxy(dovecot);
    t = await startTestApp({ sync: { limits: LIMITS, reconnect: QUICK_RECONNECT } });
    pushes = [];
    t.app.router.onPush((frame) => {
      if (frame.push === 'sync.progress') pushes.push(frame.payload as Progress);
    });
  });
  afterEach(async () => {
    await t?.dispose();
    await proxy?.stop();
  });

  /** The support account, reaching Dovecot only through the proxy. */
  const addAccount = async (extra: { imapPassword?: string } = {}) => (await t.call('accounts.save', proxiedSyncAccount(dovecot, proxy, { folders: ['INBOX', 'Sales'], ...extra }))).id;


  async function cursors(): Promise<Record<string, number>> {
    const [status] = await t.call('sync.status', {});
    return Object.fromEntries((status?.folders ?? []).map((f) => [f.folder, f.lastUid]));
  }

  const reconnectingPushes = () => pushes.filter((p) => p.phase === 'reconnecting');
  const logText = () => readFileSync(join(t.dataDir, 'madoguchi.log'), 'utf8');

  async function expectEverythingStoredOnce(): Promise<void> {
    expect(await storedMessageIds(t)).toEqual(expectedMessageIds);
    expect(await cursors()).toEqual({ INBOX: inboxUids.at(-1), Sales: SALES_MAILS });
  }

  it(
    'reconnects after a connection reset mid-sync and resumes from the stored cursor: every mail once, then the next folder',
    async () => {
      const accountId = await addAccount();
      let cuts = 0;
      void proxy.cutAfter(inboxBytes * 0.4, 'reset').then(() => cuts++);

      const report = await t.call('sync.run', { accountId });

      expect(cuts).toBe(1);
      expect(report.cancelled).toBeUndefined();
      expect(report).toMatchObject({ fetched: ALL_MAILS, newInquiries: ALL_MAILS, addedToThreads: 0, skippedDuplicates: 0, quarantined: 0 });
      expect(report.folders).toEqual([
        { folder: 'INBOX', fetched: INBOX_MAILS, error: null },
        { folder: 'Sales', fetched: SALES_MAILS, error: null },
      ]);
      await expectEverythingStoredOnce();
      // One login, and one more after the drop.
      expect(proxy.connections).toBe(2);

      // Staff saw it reconnect, then the sync finish with the true totals (the resumed folder is not counted twice).
      expect(reconnectingPushes()).toEqual([expect.objectContaining({ accountId, phase: 'reconnecting', attempt: 1, attempts: 3 })]);
      expect(pushes.at(-1)).toMatchObject({ phase: 'done', done: ALL_MAILS, total: ALL_MAILS });
      expect(pushes.every((p) => p.done <= p.total)).toBe(true);
      const [account] = await t.call('accounts.list', {});
      expect(account).toMatchObject({ lastError: null, failureCount: 0 });

      // The log says what happened, in codes and counts only.
      const log = logText();
      expect(log).toContain('"event":"sync.connection_lost"');
      expect(log).toContain('"event":"sync.reconnecting"');
      expect(log).toContain('"event":"sync.reconnected"');
      for (const personal of [SUPPORT, 'example.jp', dovecot.password, '顧客']) expect(log).not.toContain(personal);
    },
    TIMEOUT_MS,
  );

  it(
    'gets over two drops in one sync (a reset, then a closed connection), each time going on from where it was',
    async () => {
      const accountId = await addAccount();
      let cuts = 0;
      void proxy
        .cutAfter(inboxBytes * 0.25, 'reset')
        .then(() => {
          cuts++;
          return proxy.cutAfter(inboxBytes * 0.3, 'close');
        })
        .then(() => cuts++);

      const report = await t.call('sync.run', { accountId });

      expect(cuts).toBe(2);
      expect(report).toMatchObject({ fetched: ALL_MAILS, newInquiries: ALL_MAILS, skippedDuplicates: 0, quarantined: 0 });
      expect(report.folders?.every((f) => f.error === null)).toBe(true);
      await expectEverythingStoredOnce();
      expect(proxy.connections).toBe(3);
      // Mail was stored between the drops, so the second drop starts again from the first, shortest wait.
      expect(reconnectingPushes().map((p) => p.attempt)).toEqual([1, 1]);
      expect(pushes.at(-1)).toMatchObject({ phase: 'done', done: ALL_MAILS, total: ALL_MAILS });

      // Nothing is left to fetch.
      expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 0, newInquiries: 0 });
    },
    TIMEOUT_MS,
  );

  it(
    'fails with a clear message after three attempts when the server stays away, keeping what it fetched; the next sync goes on from there',
    async () => {
      const accountId = await addAccount();
      let cuts = 0;
      void proxy.cutAfter(inboxBytes * 0.4, 'reset').then(() => {
        cuts++;
        proxy.refuse();
      });

      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({
        code: 'IMAP_UNREACHABLE',
        message: expect.stringMatching(/connection to IMAP server 127\.0\.0\.1:\d+ was lost during the sync, and 3 attempts to reconnect failed: the mail fetched until then is stored/),
      });
      expect(cuts).toBe(1);
      // The first login, then exactly three attempts.
      expect(proxy.connections).toBe(4);
      expect(reconnectingPushes().map((p) => [p.attempt, p.attempts])).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      expect(pushes.at(-1)?.phase).toBe('failed');

      // What was fetched before the drop is stored, up to the cursor and no further.
      const kept = (await cursors()).INBOX ?? 0;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThan(inboxUids.at(-1) as number);
      expect(await storedMessageIds(t)).toEqual(Array.from({ length: kept }, (_, i) => `<inbox-${i}@example.jp>`).sort());
      const [account] = await t.call('accounts.list', {});
      expect(account?.lastError).toContain('3 attempts to reconnect failed');
      expect(account?.failureCount).toBe(1);
      expect(logText()).toContain('"event":"sync.reconnect_gave_up"');

      // The server is back: the next sync fetches only the rest.
      proxy.forward();
      const report = await t.call('sync.run', { accountId });
      expect(report).toMatchObject({ fetched: ALL_MAILS - kept, newInquiries: ALL_MAILS - kept, skippedDuplicates: 0 });
      await expectEverythingStoredOnce();
      expect((await t.call('accounts.list', {}))[0]).toMatchObject({ lastError: null, failureCount: 0 });
    },
    TIMEOUT_MS,
  );

  it(
    'stops at once when cancelled while waiting to reconnect: reported as cancelled, not as a failure, with what it fetched kept',
    async () => {
      // Ten minutes between attempts: only a cancel that ends the wait lets the sync end within the test's time.
      await t.dispose();
      t = await startTestApp({ sync: { limits: LIMITS, reconnect: { delaysMs: [600_000, 600_000, 600_000], sleep: abortableSleep } } });
      t.app.router.onPush((frame) => {
        if (frame.push === 'sync.progress') pushes.push(frame.payload as Progress);
      });
      const accountId = await addAccount();
      void proxy.cutAfter(inboxBytes * 0.4, 'reset').then(() => proxy.refuse());
      let cancelled: Promise<{ cancelled: boolean }> | null = null;
      t.app.router.onPush((frame) => {
        const progress = frame.payload as Progress;
        if (frame.push === 'sync.progress' && progress.phase === 'reconnecting' && !cancelled) cancelled = t.call('sync.cancel', { accountId });
      });

      const report = await t.call('sync.run', { accountId });

      expect(await cancelled).toEqual({ cancelled: true });
      expect(report.cancelled).toBe(true);
      // It did not go on through the attempts: not all three were made, and the account is not marked as failing.
      expect(proxy.connections).toBeLessThan(4);
      const [account] = await t.call('accounts.list', {});
      expect(account).toMatchObject({ lastError: null, failureCount: 0 });
      expect(pushes.at(-1)?.phase).toBe('done');
      const kept = (await cursors()).INBOX ?? 0;
      expect(kept).toBeGreaterThan(0);
      expect((await t.call('inquiries.list', {})).length).toBe(kept);
    },
    TIMEOUT_MS,
  );

  it(
    'cancels the sync of an account removed while the sync hangs on a silent link: the removal waits for it, and no failure is reported for an account that is gone',
    async () => {
      const accountId = await addAccount();
      proxy.silence();
      const failedPushes = () => pushes.filter((p) => p.phase === 'failed');
      const run = t.call('sync.run', { accountId });
      await waitFor('the sync to run', async () => (await t.call('sync.status', {}))[0]?.running === true);

      expect(await t.call('accounts.remove', { id: accountId })).toEqual({ ok: true });

      // Ended by the removal, not by the link's timeout minutes later.
      expect(await run).toMatchObject({ cancelled: true, fetched: 0 });
      expect(await t.call('accounts.list', {})).toEqual([]);
      expect(failedPushes()).toEqual([]);
      expect(logText()).not.toContain('"event":"sync.failed"');
    },
    20_000,
  );

  it(
    'does not retry a wrong password: one login attempt, the login error as it is',
    async () => {
      const accountId = await addAccount({ imapPassword: 'not-the-password' });
      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_AUTH_FAILED', message: expect.stringContaining('check the user name and password') });
      expect(proxy.connections).toBe(1);
      expect(reconnectingPushes()).toEqual([]);
      expect(logText()).not.toContain('sync.reconnecting');
    },
    TIMEOUT_MS,
  );

  describe('the reconnect policy', () => {
    const config = () => ({ host: proxy.host, port: proxy.port, tls: false, user: dovecot.user, password: dovecot.password });
    const quietHooks: ReconnectHooks = { onWaiting: () => undefined, onReconnected: () => undefined, onGaveUp: () => undefined };

    it('backs off 1 s, 2 s, then 4 s between three attempts, then gives up with the clear message', async () => {
      proxy.refuse();
      const waits: number[] = [];
      const policy: ReconnectPolicy = { delaysMs: [1000, 2000, 4000], sleep: async (ms) => void waits.push(ms) };
      const reconnector = new Reconnector(() => openImapSession(config()), config(), policy, quietHooks);
      await expect(reconnector.reopen()).rejects.toMatchObject({ code: 'IMAP_UNREACHABLE', message: expect.stringContaining('3 attempts to reconnect failed') });
      expect(waits).toEqual([1000, 2000, 4000]);
      expect(proxy.connections).toBe(3);
    });

    it('counts a connection that drops again before anything was stored against the same attempts, so a server that always hangs up cannot keep a sync going', async () => {
      const waits: number[] = [];
      const policy: ReconnectPolicy = { delaysMs: [1000, 2000, 4000], sleep: async (ms) => void waits.push(ms) };
      const reconnector = new Reconnector(() => openImapSession(config()), config(), policy, quietHooks);
      // Each login works, and each connection is lost before any mail is stored.
      for (let i = 0; i < 3; i++) {
        const session = await reconnector.reopen();
        proxy.cut();
        await session.close();
      }
      await expect(reconnector.reopen()).rejects.toMatchObject({ code: 'IMAP_UNREACHABLE', message: expect.stringContaining('3 attempts to reconnect failed') });
      expect(waits).toEqual([1000, 2000, 4000]);
      expect(proxy.connections).toBe(3);

      // Once mail is stored again, a later drop gets the full set of attempts, from the shortest wait.
      reconnector.madeProgress();
      await (await reconnector.reopen()).close();
      expect(waits).toEqual([1000, 2000, 4000, 1000]);
    });

    it('stops a long back-off wait as soon as the sync is cancelled, without another login', async () => {
      proxy.refuse();
      const controller = new AbortController();
      const hooks: ReconnectHooks = { ...quietHooks, onWaiting: () => setImmediate(() => controller.abort()) };
      // A wait of ten minutes: only the cancel can end it within the test's time.
      const policy: ReconnectPolicy = { delaysMs: [600_000], sleep: abortableSleep };
      const reconnector = new Reconnector(() => openImapSession(config(), { signal: controller.signal }), config(), policy, hooks, controller.signal);
      await expect(reconnector.reopen()).rejects.toMatchObject({ name: 'AbortError' });
      expect(proxy.connections).toBe(0);
    });

    it('does not retry when the server refuses the login after a drop (a changed password is reported as such)', async () => {
      const waits: number[] = [];
      const policy: ReconnectPolicy = { delaysMs: [1000, 2000, 4000], sleep: async (ms) => void waits.push(ms) };
      const wrong = { ...config(), password: 'changed-meanwhile' };
      const reconnector = new Reconnector(() => openImapSession(wrong), wrong, policy, quietHooks);
      await expect(reconnector.reopen()).rejects.toMatchObject({ code: 'IMAP_AUTH_FAILED' });
      expect(waits).toEqual([1000]);
      expect(proxy.connections).toBe(1);
    });
  });
});

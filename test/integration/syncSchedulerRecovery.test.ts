import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulerOptions } from '../../electron/sync/syncScheduler';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { startTestApp, type TestApp } from '../support/testApp';
import { waitFor } from '../support/waitFor';

const SUPPORT = 'support@toot.example';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * How the background sync recovers, and stays quiet, around what staff do: edit an account, press
 * Sync now, cancel, lock. The retry back-off (30 s) and the poll (60 s) are longer than each test
 * waits, so whatever happens within a few seconds came from the behaviour under test, never from
 * a retry or poll timer.
 */
describe('the background sync around what staff do', () => {
  let dovecot: DovecotServer;
  let t: TestApp | null = null;
  let proxy: TcpProxy | null = null;
  let n = 100;

  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await dovecot?.stop();
  });
  afterEach(async () => {
    await t?.dispose();
    t = null;
    await proxy?.stop();
    proxy = null;
  });

  const background: Partial<SchedulerOptions> = { firstSyncMs: 0, pollMs: 60_000, retryBaseMs: 30_000, retryMaxMs: 60_000, idleSettleMs: 200 };
  const start = async (options: Parameters<typeof startTestApp>[0] = {}) => (t = await startTestApp({ sync: { background }, ...options }));
  const mail = (i: number, folder = 'INBOX') =>
    dovecot.appendMail(japaneseMail({ from: `c${i}@example.jp`, to: SUPPORT, subject: `件 ${i}`, text: `本文 ${i}`, messageId: `<recovery${i}@example.jp>` }), folder);
  /** Mails big enough that a throttled link takes seconds over them. */
  const bigMails = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, k) =>
      japaneseMail({ from: `${prefix}${k}@example.jp`, to: SUPPORT, subject: `${prefix} ${k}`, text: 'x'.repeat(4000), messageId: `<${prefix}${k}@example.jp>` }),
    );
  const account = (password: string, extra: Record<string, unknown> = {}) => ({
    label: 'サポート', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: password,
    smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: SUPPORT, fromName: 'TOOT', ...extra,
  });
  const viaProxy = (p: TcpProxy, extra: Record<string, unknown> = {}) => account(dovecot.password, { imapHost: p.host, imapPort: p.port, ...extra });
  const subjects = async () => (await t!.call('inquiries.list', {})).map((i) => i.subject);
  const status = async (id: number) => (await t!.call('sync.status', {})).find((s) => s.accountId === id)!;
  /** IDLE listens, and the sync that opened it has ended (IDLE opens as soon as a sync logs in). */
  const listening = async (id: number) => {
    const now = await status(id);
    return now.idle && !now.running;
  };
  /** Resolves once a sync is fetching `folder` (from the progress the UI is sent). */
  const fetching = (folder: string) => {
    let seen = false;
    t!.app.router.onPush((frame) => {
      if (frame.push === 'sync.progress' && (frame.payload as { folder?: string }).folder === folder) seen = true;
    });
    return () => waitFor(`a sync fetching ${folder}`, async () => seen, 15_000);
  };

  it('syncs within seconds once staff correct the password of a failing account, without waiting out the back-off', async () => {
    await start();
    const i = n++;
    await mail(i);
    const a = await t!.call('accounts.save', account('wrong-password'));
    await waitFor('the first failure', async () => (await status(a.id)).failureCount >= 1);
    await t!.call('accounts.save', { id: a.id, ...account(dovecot.password) });
    await waitFor('a sync with the corrected password', async () => (await subjects()).includes(`件 ${i}`), 8000);
    // The health shows it once the sync has ended.
    await waitFor('the account healthy again', async () => {
      const s = await status(a.id);
      return !s.running && s.failureCount === 0 && s.lastError === null;
    });
  });

  it('keeps listening with IDLE when an edit changes only the name or signature, and takes new mail within seconds', async () => {
    await start();
    const a = await t!.call('accounts.save', account(dovecot.password));
    await waitFor('IDLE', () => listening(a.id));
    const { imapPassword: _kept, ...unchanged } = account(dovecot.password);
    await t!.call('accounts.save', { id: a.id, ...unchanged, label: 'お客様窓口', signature: 'TOOT株式会社' });
    // Not logged in again: the connection that listened before still does.
    expect((await status(a.id)).idle).toBe(true);
    const i = n++;
    await mail(i);
    await waitFor('new mail over the same IDLE connection', async () => (await subjects()).includes(`件 ${i}`), 8000);
  });

  it('closes the IDLE connection of the old settings when an edit breaks the login, so new mail does not cause a failed login each', async () => {
    await start();
    const a = await t!.call('accounts.save', account(dovecot.password));
    await waitFor('IDLE', () => listening(a.id));
    await t!.call('accounts.save', { id: a.id, ...account('now-wrong-password') });
    for (let k = 0; k < 3; k++) {
      await mail(n++);
      await sleep(1500);
    }
    const s = await status(a.id);
    // The edit is tried once; then the account waits out its back-off.
    expect(s, `failures ${s.failureCount}, idle ${s.idle}, error ${s.lastError}`).toMatchObject({ failureCount: 1, idle: false });
  });

  it('while an account fails, mail reported over its open IDLE connection does not cause a failed login each', async () => {
    proxy = await startTcpProxy(dovecot);
    await start();
    const a = await t!.call('accounts.save', viaProxy(proxy));
    await waitFor('IDLE', () => listening(a.id));
    // The server stops taking new connections; the IDLE connections already open stay up and report new mail.
    proxy.refuse();
    for (let k = 0; k < 3; k++) {
      await mail(n++);
      await sleep(1500);
    }
    const s = await status(a.id);
    expect(s, `failures ${s.failureCount}, idle ${s.idle}, error ${s.lastError}`).toMatchObject({ failureCount: 1, idle: false });
  });

  it('a successful Sync now ends the back-off: IDLE listens again and new mail arrives within seconds', async () => {
    proxy = await startTcpProxy(dovecot);
    proxy.refuse();
    await start();
    const a = await t!.call('accounts.save', viaProxy(proxy));
    await waitFor('the first failure', async () => (await status(a.id)).failureCount >= 1);
    proxy.forward();
    await t!.call('sync.run', { accountId: a.id });
    const healthy = await waitFor('IDLE after Sync now', async () => {
      const s = await status(a.id);
      return s.idle && s;
    });
    expect(healthy).toMatchObject({ failureCount: 0, lastError: null });
    // The next run is the poll, not the retry that was armed 30 s after the failure.
    expect(Date.parse(healthy.nextRetryAt!)).toBeGreaterThan(Date.now() + 40_000);
    const i = n++;
    await mail(i);
    await waitFor('new mail after Sync now', async () => (await subjects()).includes(`件 ${i}`), 5000);
  });

  it('fetches mail that IDLE reported during a Sync now right after it, not at the next poll', async () => {
    proxy = await startTcpProxy(dovecot);
    await start({ sync: { background, limits: { batchMails: 5, batchMs: 1000 } } });
    await dovecot.appendMails(bigMails('big', 5), 'Big');
    await mail(n++, 'F2');
    await mail(n++, 'F3');
    // Big is the fourth folder: IDLE does not watch it (MAX_WATCHED_FOLDERS = 3), so mail added there starts no sync.
    const a = await t!.call('accounts.save', viaProxy(proxy, { folders: ['INBOX', 'F2', 'F3', 'Big'] }));
    await waitFor('the first sync and IDLE', () => listening(a.id), 15_000);
    await dovecot.appendMails(bigMails('big2-', 40), 'Big');
    proxy.throttle(40_000);
    const inBig = fetching('Big');
    const syncNow = t!.call('sync.run', { accountId: a.id });
    await inBig();
    // INBOX is behind this sync already: only a sync after it can fetch this mail.
    const i = n++;
    await mail(i);
    await syncNow;
    proxy.throttle(null);
    await waitFor('the mail IDLE reported during Sync now', async () => (await subjects()).includes(`件 ${i}`), 8000);
  });

  it('listens with IDLE during a long first import, and fetches the mail that arrived meanwhile right after it', async () => {
    proxy = await startTcpProxy(dovecot);
    await start({ sync: { background, limits: { batchMails: 5, batchMs: 1000 } } });
    await dovecot.appendMails(bigMails('import', 60), 'Import');
    proxy.throttle(30_000);
    const inImport = fetching('Import');
    const a = await t!.call('accounts.save', viaProxy(proxy, { folders: ['INBOX', 'Import'] }));
    await inImport();
    await waitFor('IDLE while the first import runs', async () => {
      const now = await status(a.id);
      return now.running && now.idle;
    }, 10_000);
    // INBOX is behind this sync already: only a sync after it can fetch this mail, and only IDLE tells of it before the poll.
    const i = n++;
    await mail(i);
    await sleep(1000);
    proxy.throttle(null);
    await waitFor('the mail that arrived during the import', async () => (await subjects()).includes(`件 ${i}`), 15_000);
  });

  it('a cancelled sync stays stopped until the next poll, even though IDLE reported mail while it ran', async () => {
    proxy = await startTcpProxy(dovecot);
    await start({ sync: { background, limits: { batchMails: 5, batchMs: 1000 } } });
    await mail(n++, 'G2');
    await mail(n++, 'G3');
    const a = await t!.call('accounts.save', viaProxy(proxy, { folders: ['INBOX', 'G2', 'G3', 'Huge'] }));
    await waitFor('the first sync and IDLE', () => listening(a.id), 15_000);
    await dovecot.appendMails(bigMails('huge', 60), 'Huge');
    const inHuge = fetching('Huge');
    proxy.throttle(30_000);
    await mail(n++); // IDLE: the background sync starts, and fetches Huge slowly
    await inHuge();
    await mail(n++); // IDLE again, while that sync runs
    await sleep(1000);
    expect(await t!.call('sync.cancel', { accountId: a.id })).toEqual({ cancelled: true });
    await waitFor('the cancelled sync to end', async () => !(await status(a.id)).running);
    await sleep(1500);
    expect((await status(a.id)).running).toBe(false);
  });

  // No clock is read: a lock that waited for the silent server (its socket times out after minutes) would outlast the test's timeout.
  it('locks when the server of an IDLE connection has gone silent, without waiting for it', async () => {
    proxy = await startTcpProxy(dovecot);
    await start({ sync: { background: { ...background, pollMs: 600_000 } } });
    const a = await t!.call('accounts.save', viaProxy(proxy));
    await waitFor('IDLE', () => listening(a.id));
    proxy.silence();
    await t!.call('session.lock', {});
    expect(await t!.call('session.status', {})).toMatchObject({ unlocked: false });
  }, 45_000);
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { inspectDatabase } from '../support/inspectDatabase';
import { japaneseMail } from '../support/mailFixtures';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';
import { waitFor } from '../support/waitFor';

const SUPPORT = 'support@toot.example';

describe('background sync while unlocked', () => {
  let dovecot: DovecotServer;
  let t: TestApp;

  beforeAll(async () => {
    dovecot = await startDovecot();
    t = await startTestApp({
      sync: { background: { firstSyncMs: 0, pollMs: 60_000, retryBaseMs: 300, retryMaxMs: 1200, idleSettleMs: 200 } },
    });
  });
  afterAll(async () => {
    await t?.dispose();
    await dovecot?.stop();
  });

  const mail = (i: number) => japaneseMail({ from: `customer${i}@example.jp`, to: SUPPORT, subject: `問い合わせ ${i}`, text: `本文 ${i}`, messageId: `<bg${i}@example.jp>` });
  const account = (label: string, password: string) => ({
    label, imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: password,
    smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: SUPPORT, fromName: 'TOOT',
  });
  const subjects = async () => (await t.call('inquiries.list', {})).map((i) => i.subject).sort();

  it('syncs new accounts, takes new mail as IDLE reports it, and retries a failing account with back-off without holding up the other', async () => {
    await dovecot.appendMail(mail(1));
    const good = await t.call('accounts.save', account('サポート', dovecot.password));
    const bad = await t.call('accounts.save', account('壊れた設定', 'wrong-password'));

    // No one pressed "sync": the background sync found the mail.
    await waitFor('the first background sync', async () => (await subjects()).includes('問い合わせ 1'));
    // IDLE listens from the first sync's login: its poll is scheduled once that sync has ended.
    const idle = await waitFor('the IDLE connection, after the first sync', async () => (await t.call('sync.status', {})).find((s) => s.accountId === good.id && s.idle && !s.running));
    expect(idle).toMatchObject({ failureCount: 0, lastError: null });
    expect(Date.parse(idle.nextRetryAt!)).toBeGreaterThan(Date.now() + 30_000);

    // New mail arrives: IDLE reports it and it is synced within seconds, long before the next poll.
    await dovecot.appendMail(mail(2));
    await waitFor('mail reported by IDLE', async () => (await subjects()).includes('問い合わせ 2'), 5000);

    // Meanwhile the misconfigured account fails again and again, each retry later than the one before.
    const failing = await waitFor('three failed syncs', async () => (await t.call('sync.status', {})).find((s) => s.accountId === bad.id && s.failureCount >= 3 && !s.running));
    expect(failing.lastError).toMatch(/password/i);
    expect(failing.idle).toBe(false);
    expect(Date.parse(failing.nextRetryAt!)).toBeGreaterThan(Date.now());
    const [listed] = (await t.call('accounts.list', {})).filter((a) => a.id === bad.id);
    expect(listed?.nextRetryAt).not.toBeNull();
    expect(listed?.failureCount).toBeGreaterThanOrEqual(3);
  });

  it('listens with IDLE in every folder of the account, not only the first', async () => {
    await dovecot.appendMail(mail(10), 'Support');
    const several = await t.call('accounts.save', { ...account('複数フォルダ', dovecot.password), folders: ['INBOX', 'Support'] });
    await waitFor('the first sync of both folders', async () => (await subjects()).includes('問い合わせ 10'));
    await waitFor('the IDLE connections', async () => (await t.call('sync.status', {})).find((s) => s.accountId === several.id && s.idle));

    // Mail arriving in the second folder is synced within seconds, long before the next poll.
    await dovecot.appendMail(mail(11), 'Support');
    await waitFor('mail reported by IDLE in the second folder', async () => (await subjects()).includes('問い合わせ 11'), 5000);
  });

  it('keeps listening in the folders it can open when another one is gone from the server', async () => {
    const gone = await t.call('accounts.save', { ...account('消えたフォルダ', dovecot.password), folders: ['Gone-from-server', 'Support'] });
    await waitFor('the IDLE connection of the folder that exists', async () => (await t.call('sync.status', {})).find((s) => s.accountId === gone.id && s.idle));
    await dovecot.appendMail(mail(12), 'Support');
    await waitFor('mail reported by IDLE beside a missing folder', async () => (await subjects()).includes('問い合わせ 12'), 5000);
  });

  it('stops on lock and syncs again after unlock', async () => {
    await t.call('session.lock', {});
    await dovecot.appendMail(mail(3));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // Locked: nothing was fetched, and nothing is scheduled.
    const locked = await inspectDatabase(t.dataDir, (raw) => ({
      stored: raw.prepare("SELECT count(*) FROM messages WHERE message_key = '<bg3@example.jp>'").pluck().get() as number,
      scheduled: raw.prepare('SELECT count(*) FROM mail_accounts WHERE next_retry_at IS NOT NULL').pluck().get() as number,
    }));
    expect(locked).toEqual({ stored: 0, scheduled: 0 });

    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    await waitFor('the sync after unlocking', async () => (await subjects()).includes('問い合わせ 3'));
  });
});

describe('background sync with a server that offers no IDLE', () => {
  it('polls it: new mail arrives at the next poll, and the health says it does not listen', async () => {
    const dovecot = await startDovecot({ without: ['IDLE'] });
    const t = await startTestApp({ sync: { background: { firstSyncMs: 0, pollMs: 1500, idleSettleMs: 200 } } });
    try {
      await dovecot.appendMail(japaneseMail({ from: 'c1@example.jp', to: SUPPORT, subject: 'ポーリング 1', text: '本文', messageId: '<poll1@example.jp>' }));
      const account = await t.call('accounts.save', {
        label: 'IDLEなし', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: dovecot.password,
        smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: SUPPORT, fromName: 'TOOT',
      });
      const subjects = async () => (await t.call('inquiries.list', {})).map((i) => i.subject);
      await waitFor('the first background sync', async () => (await subjects()).includes('ポーリング 1'));
      await dovecot.appendMail(japaneseMail({ from: 'c2@example.jp', to: SUPPORT, subject: 'ポーリング 2', text: '本文', messageId: '<poll2@example.jp>' }));
      await waitFor('the next poll', async () => (await subjects()).includes('ポーリング 2'), 8000);
      const status = (await t.call('sync.status', {})).find((s) => s.accountId === account.id);
      expect(status).toMatchObject({ idle: false, failureCount: 0, lastError: null });
    } finally {
      await t.dispose();
      await dovecot.stop();
    }
  });
});

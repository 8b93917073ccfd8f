import { testMailAccount } from '../support/mailAccount';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { inspectDatabase } from '../support/inspectDatabase';
import { startTcpProxy } from '../support/tcpProxy';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await sleep(50);
  }
}

describe('the reply outbox: undo window, retries with back-off and the reason shown', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let accountId: number;
  let inquiryId: number;

  const account = (smtpPort: number) => testMailAccount(dovecot, smtp, { smtpPort });

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ requireAuth: true, user: 'support', password: 'smtp-pass' });
  });
  afterAll(async () => smtp.stop());
  beforeEach(async () => {
    dovecot = await startDovecot();
    // Back-off from 1 s: each state a test looks at (retrying after one attempt) lasts long enough to be seen on a busy machine.
    t = await startTestApp({ operator: '佐藤', outbox: { undoMs: 1500, retryBaseMs: 1000, tickMs: 50 } });
    accountId = (await t.call('accounts.save', account(smtp.port))).id;
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '返品について', text: '返品できますか' }));
    await t.call('sync.run', { accountId });
    inquiryId = (await t.call('inquiries.list', {}))[0]!.id;
    smtp.received.length = 0;
  });
  afterEach(async () => {
    try {
      await t.dispose();
    } finally {
      await dovecot.stop();
    }
  });

  it('holds a reply for the undo window: taken back, nothing is sent and the text comes back', async () => {
    const queued = await t.call('outbox.queue', { inquiryId, body: 'カード 4111 1111 1111 1111 で返金します', quoteOriginal: false });
    expect(queued).toMatchObject({ status: 'queued', attempts: 0, queuedBy: '佐藤', body: 'カード **** **** **** 1111 で返金します' });
    expect(await t.call('outbox.list', { inquiryId })).toHaveLength(1);
    const cancelled = await t.call('outbox.cancel', { id: queued.id });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.body).toBe(queued.body);
    // Undo pressed twice (or in two windows): still taken back, and not called "being sent".
    expect(await t.call('outbox.cancel', { id: queued.id })).toEqual(cancelled);
    await sleep(2000);
    expect(smtp.received).toHaveLength(0);
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);
    expect((await t.call('inquiries.get', { id: inquiryId })).messages).toHaveLength(1);
  });

  it('sends after the undo window, stores the reply in the thread, and then cannot be taken back', async () => {
    const queued = await t.call('outbox.queue', { inquiryId, body: '返品を承ります。' });
    await sleep(500);
    expect(smtp.received).toHaveLength(0);
    await smtp.waitFor(1, 5000);
    const detail = await until(() => t.call('inquiries.get', { id: inquiryId }), (d) => d.messages.length === 2);
    expect(detail.messages[1]!.body).toContain('返品を承ります。\n\n');
    expect(detail.messages[1]!.body).toContain('> 返品できますか');
    expect(detail.inquiry.status).toBe('answered');
    expect(await until(() => t.call('outbox.list', { inquiryId }), (l) => l.length === 0)).toEqual([]);
    await expect(t.call('outbox.cancel', { id: queued.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already been sent/) });
  });

  it('gives a reply queued just before Madoguchi closed its undo window again at the next start, rather than sending it unseen at once', async () => {
    const queued = await t.call('outbox.queue', { inquiryId, body: '閉じる直前の返信です。', quoteOriginal: false });
    await t.app.close();
    // Closed for longer than the window: it would be due at the first tick.
    await sleep(2000);
    await t.restart();
    const [waiting] = await t.call('outbox.list', { inquiryId });
    expect(waiting).toMatchObject({ id: queued.id, status: 'queued' });
    expect(Date.parse(waiting!.sendAt) - Date.now()).toBeGreaterThan(1000);
    await sleep(500);
    expect(smtp.received).toHaveLength(0);
    // Still to be taken back; left alone, it goes.
    await smtp.waitFor(1, 5000);
  });

  it('sends a reply at once (inquiries.reply) through the outbox: checked like a queued one, and kept there to retry when the send fails', async () => {
    await expect(t.call('inquiries.reply', { inquiryId, body: '{{customername}}様\nありがとうございます。' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/\{\{customername\}\}/),
    });
    expect(smtp.received).toHaveLength(0);

    await t.call('accounts.save', { id: accountId, ...account(1) });
    await expect(t.call('inquiries.reply', { inquiryId, body: 'カード 4111 1111 1111 1111 の件です', quoteOriginal: false })).rejects.toMatchObject({
      message: expect.stringMatching(/SMTP server 127\.0\.0\.1:1.* The reply is kept in the outbox and will be sent again by itself: do not send it again\.$/),
    });
    // Not lost: the outbox holds it, masked, and retries it.
    const [kept] = await t.call('outbox.list', { inquiryId });
    expect(kept).toMatchObject({ status: 'retrying', attempts: 1, body: 'カード **** **** **** 1111 の件です', queuedBy: '佐藤' });

    await t.call('accounts.save', { id: accountId, ...account(smtp.port) });
    await smtp.waitFor(1, 10_000);
    expect(await until(() => t.call('outbox.list', { inquiryId }), (l) => l.length === 0)).toEqual([]);
    const sent = await t.call('inquiries.reply', { inquiryId, body: '追加のご案内です。', quoteOriginal: false });
    expect(sent).toMatchObject({ direction: 'out' });
    expect(smtp.received).toHaveLength(2);
    expect((await t.call('inquiries.get', { id: inquiryId })).messages.map((m) => m.direction)).toEqual(['in', 'out', 'out']);
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);
  });

  it('lets a reply being sent at once finish before locking closes the database: it is recorded as sent, once', async () => {
    const slow = await startTcpProxy({ host: smtp.host, port: smtp.port });
    try {
      await t.call('accounts.save', { id: accountId, ...account(slow.port) });
      // About two seconds on the wire for the mail.
      slow.throttle(1500);
      const replying = t.call('inquiries.reply', { inquiryId, body: 'ロックの直前に送る回答です。', quoteOriginal: false });
      // It is answered (LOCKED) while the lock is under way, before the expectation below looks.
      replying.catch(() => undefined);
      await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'sending');
      await t.call('session.lock', {});
      // The screens locked before the answer: it says so, and that the reply may have gone (it has, as the thread shows).
      await expect(replying).rejects.toMatchObject({ code: 'LOCKED', message: expect.stringContaining('may have been done') });
      await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
      expect((await t.call('inquiries.get', { id: inquiryId })).messages.map((m) => m.direction)).toEqual(['in', 'out']);
      expect(await t.call('outbox.list', { inquiryId })).toEqual([]);
      expect(smtp.received).toHaveLength(1);
    } finally {
      await slow.stop();
    }
  });

  it('sends no reply to a customer who asked that their data no longer be used to answer them, and takes back what waits; answers again once they ask', async () => {
    const customerId = (await t.call('inquiries.get', { id: inquiryId })).customer.id;
    const waiting = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
    const stop = { customerId, purposes: ['inquiry_response' as const], channels: ['any' as const], source: 'phone' as const, sourceInquiryId: inquiryId, evidence: '電話で「もう連絡しないでほしい」' };

    await t.call('consent.record', { ...stop, action: 'withdraw' });

    // What waited is taken back, and nothing new goes: queued or at once.
    expect((await t.call('outbox.list', { inquiryId })).find((i) => i.id === waiting.id)).toBeUndefined();
    const detail = await t.call('inquiries.get', { id: inquiryId });
    expect(detail.inquiryResponseWithdrawnAt).toEqual(expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/));
    const refused = expect.stringMatching(new RegExp(`^Customer ${customerId} asked on \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} that their data no longer be used to respond to their inquiries: no reply is sent`));
    await expect(t.call('outbox.queue', { inquiryId, body: '回答です' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: refused });
    await expect(t.call('inquiries.reply', { inquiryId, body: '回答です' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: refused });
    await sleep(2000);
    expect(smtp.received).toHaveLength(0);
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);

    // They ask for an answer after all: recorded, replies go again.
    await t.call('consent.record', { ...stop, action: 'grant', evidence: '電話で回答を希望' });
    expect((await t.call('inquiries.get', { id: inquiryId })).inquiryResponseWithdrawnAt).toBeNull();
    await t.call('inquiries.reply', { inquiryId, body: '改めて回答します。', quoteOriginal: false });
    expect(smtp.received).toHaveLength(1);
  });

  it('fills in placeholders typed or pasted by hand, as a template\'s are, rather than sending them in braces', async () => {
    const queued = await t.call('outbox.queue', { inquiryId, body: '{{customerName}}様\nお問い合わせ番号 {{ inquiryNumber }} について、担当の{{operator}}です。', quoteOriginal: false });
    expect(queued.body).toBe(`山田花子様\nお問い合わせ番号 ${inquiryId} について、担当の佐藤です。`);
    await t.call('outbox.cancel', { id: queued.id });
  });

  it('retries a failed send with back-off, keeping the reason, and sends once the server is back', async () => {
    await t.call('accounts.save', { id: accountId, ...account(1) });
    const queued = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
    await t.call('outbox.sendNow', { id: queued.id });
    const [failing] = await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'retrying');
    expect(failing).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(failing!.lastError).toMatch(/SMTP|127\.0\.0\.1/);
    expect(Date.parse(failing!.sendAt)).toBeGreaterThan(Date.now());
    const [again] = await until(() => t.call('outbox.list', { inquiryId }), (l) => (l[0]?.attempts ?? 0) >= 2);
    expect(again!.attempts).toBeGreaterThanOrEqual(2);
    // Back-off doubles: the second wait (2 s) is longer than the first (1 s).
    expect(Date.parse(again!.sendAt) - Date.now()).toBeGreaterThan(1000);

    await t.call('accounts.save', { id: accountId, ...account(smtp.port) });
    await smtp.waitFor(1, 10_000);
    expect(await until(() => t.call('outbox.list', { inquiryId }), (l) => l.length === 0)).toEqual([]);
    expect((await t.call('inquiries.get', { id: inquiryId })).messages.map((m) => m.direction)).toEqual(['in', 'out']);
  });

  it('answers and quotes the mail staff saw when they wrote the reply, not one the customer sent while it waited to be retried', async () => {
    await t.call('accounts.save', { id: accountId, ...account(1) });
    const [first] = (await t.call('inquiries.get', { id: inquiryId })).messages;
    const queued = await t.call('outbox.queue', { inquiryId, body: '返品を承ります。' });
    await t.call('outbox.sendNow', { id: queued.id });
    await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'retrying');
    // While it waits, the customer writes again, in the thread.
    await dovecot.appendMail(
      japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: 'Re: 返品について', text: 'やはりキャンセルします', messageId: '<later@example.jp>', inReplyTo: first!.messageId! }),
    );
    expect(await t.call('sync.run', { accountId })).toMatchObject({ addedToThreads: 1 });

    await t.call('accounts.save', { id: accountId, ...account(smtp.port) });
    await smtp.waitFor(1, 10_000);
    const sent = smtp.received[0]!.raw.toString('latin1');
    expect(sent).toContain(`In-Reply-To: ${first!.messageId}`);
    expect(sent).not.toContain('<later@example.jp>');
    const detail = await until(() => t.call('inquiries.get', { id: inquiryId }), (d) => d.messages.length === 3);
    const reply = detail.messages.find((m) => m.direction === 'out');
    expect(reply?.body).toContain('> 返品できますか');
    expect(reply?.body).not.toContain('キャンセル');
  });

  it('gives a reply that used up its attempts a fresh round when staff send it again', async () => {
    await t.dispose();
    t = await startTestApp({ operator: '佐藤', outbox: { undoMs: 1500, retryBaseMs: 1500, tickMs: 50, maxAttempts: 2 } });
    accountId = (await t.call('accounts.save', account(smtp.port))).id;
    await t.call('sync.run', { accountId });
    inquiryId = (await t.call('inquiries.list', {}))[0]!.id;
    await t.call('accounts.save', { id: accountId, ...account(1) });
    const queued = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
    await t.call('outbox.sendNow', { id: queued.id });
    const [failed] = await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'failed');
    expect(failed).toMatchObject({ status: 'failed', attempts: 2 });

    // Sent again by hand, one more refusal is the first of a new round: it is retried, not failed at once.
    await t.call('outbox.sendNow', { id: queued.id });
    const [retrying] = await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status !== 'queued' && l[0]?.status !== 'sending');
    expect(retrying).toMatchObject({ status: 'retrying', attempts: 1 });

    await t.call('accounts.save', { id: accountId, ...account(smtp.port) });
    await smtp.waitFor(1, 10_000);
    expect(await until(() => t.call('outbox.list', { inquiryId }), (l) => l.length === 0)).toEqual([]);
  });

  it('does not send again a reply the server refused for good (550: no such recipient), and retries one refused for now (450)', async () => {
    const refusing = await startSmtpReceiver({ requireAuth: true, user: 'support', password: 'smtp-pass', refuseRecipients: { 'hanako@example.jp': 550 } });
    const busy = await startSmtpReceiver({ requireAuth: true, user: 'support', password: 'smtp-pass', refuseRecipients: { 'hanako@example.jp': 450 } });
    try {
      await t.call('accounts.save', { id: accountId, ...account(refusing.port) });
      const refused = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
      await t.call('outbox.sendNow', { id: refused.id });
      const [failed] = await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'failed');
      expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('refused the recipient') });
      // "5.1.1 User unknown": the address does not exist, so it is marked as bouncing (and is off the mailing list).
      const customerId = (await t.call('inquiries.get', { id: inquiryId })).customer.id;
      expect((await t.call('customers.get', { id: customerId })).customer.emailUndeliverable).toBe(true);
      await sleep(1500);
      expect((await t.call('outbox.list', { inquiryId }))[0]).toMatchObject({ status: 'failed', attempts: 1 });
      // The server was asked once, and not again.
      expect(refusing.attempted).toEqual(['hanako@example.jp']);
      // The inbox marks the inquiry, so staff working elsewhere learn of it.
      expect((await t.call('inquiries.list', {}))[0]).toMatchObject({ id: inquiryId, replyFailed: true });
      await t.call('outbox.cancel', { id: refused.id });
      expect((await t.call('inquiries.list', {}))[0]).toMatchObject({ id: inquiryId, replyFailed: false });

      await t.call('accounts.save', { id: accountId, ...account(busy.port) });
      const later = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
      await t.call('outbox.sendNow', { id: later.id });
      const retried = await until(() => t.call('outbox.list', { inquiryId }), (l) => l.some((i) => i.id === later.id && i.status === 'retrying' && i.attempts >= 2));
      expect(retried.find((i) => i.id === later.id)).toMatchObject({ status: 'retrying', lastError: expect.stringContaining('try again in a few minutes') });
      expect(refusing.received).toHaveLength(0);
      expect((await t.call('inquiries.get', { id: inquiryId })).inquiry.status).toBe('open');
    } finally {
      await refusing.stop();
      await busy.stop();
    }
  });

  it('says so on the reply when its copy could not be stored in the Sent folder', async () => {
    await dovecot.stop();
    const queued = await t.call('outbox.queue', { inquiryId, body: '回答です', quoteOriginal: false });
    await t.call('outbox.sendNow', { id: queued.id });
    await smtp.waitFor(1, 10_000);
    const [item] = await until(() => t.call('outbox.list', { inquiryId }), (l) => l[0]?.status === 'sent');
    expect(item).toMatchObject({ id: queued.id, status: 'sent' });
    expect(item!.lastError).toBeTruthy();
    expect(item!.messageId).not.toBeNull();
  });

  it('keeps a sent reply sent, never to be sent again, when even the note about its Sent copy cannot be written', async () => {
    await t.call('session.lock', {});
    // Only the note on a sent reply fails (as a full disk would fail it); every other write goes through.
    await inspectDatabase(t.dataDir, (raw) =>
      raw.exec(`CREATE TRIGGER note_fails BEFORE UPDATE OF last_error ON outbox
                WHEN OLD.status = 'sent' AND NEW.status = 'sent' AND NEW.last_error IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`),
    );
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    await dovecot.stop();
    const queued = await t.call('outbox.queue', { inquiryId, body: '一度だけ届く回答', quoteOriginal: false });
    await t.call('outbox.sendNow', { id: queued.id });
    await smtp.waitFor(1, 10_000);
    // Several retry periods (400 ms, doubling): a reply taken for unsent would have gone again by now.
    await sleep(2500);
    expect(smtp.received).toHaveLength(1);
    expect((await t.call('inquiries.get', { id: inquiryId })).messages).toHaveLength(2);
    await t.call('session.lock', {});
    const row = await inspectDatabase(t.dataDir, (raw) => raw.prepare('SELECT status, message_id IS NOT NULL AS recorded FROM outbox WHERE id = ?').get(queued.id));
    expect(row).toEqual({ status: 'sent', recorded: 1 });
  });
});

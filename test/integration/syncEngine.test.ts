import { mailAccountInput, type MailAccount, type MailAccountInput } from '../../shared/mailAccounts';
import { localizeUserMessage } from '../../shared/userMessages';
import { testMailAccount } from '../support/mailAccount';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { inspectDatabase } from '../support/inspectDatabase';
import { autoReplyMail, bounceMail, japaneseMail, mailWithAttachment, noMessageIdMail, replyMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { startTestApp, type TestApp } from '../support/testApp';
import { waitFor } from '../support/waitFor';

const SUPPORT = 'support@toot.example';

describe('the sync engine against a real Dovecot and a real encrypted database', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => smtp.stop());
  beforeEach(async () => {
    dovecot = await startDovecot();
    t = await startTestApp();
    smtp.received.length = 0;
  });
  afterEach(async () => {
    await t.dispose();
    await dovecot.stop();
  });

  const addAccount = (server: DovecotServer, extra: { folders?: string[]; importSince?: string | null; label?: string; fromAddress?: string } = {}) =>
    t.call(
      'accounts.save',
      testMailAccount(server, smtp, {
        smtpUser: '',
        smtpPassword: undefined,
        label: extra.label ?? 'サポート窓口',
        fromAddress: extra.fromAddress ?? SUPPORT,
        ...(extra.folders ? { folders: extra.folders } : {}),
        ...(extra.importSince !== undefined ? { importSince: extra.importSince } : {}),
      }),
    );

  const mail = (i: number, extra: Partial<Parameters<typeof japaneseMail>[0]> = {}) =>
    japaneseMail({ from: `customer${i}@example.jp`, fromName: `顧客${i}`, to: SUPPORT, subject: `問い合わせ ${i}`, text: `本文 ${i}`, messageId: `<m${i}@example.jp>`, ...extra });

  async function everyMessageKey(): Promise<string[]> {
    const keys: string[] = [];
    for (const inquiry of await t.call('inquiries.list', {})) {
      for (const message of (await t.call('inquiries.get', { id: inquiry.id })).messages) keys.push(message.messageId ?? '');
    }
    return keys.sort();
  }

  describe('a Message-ID that two different mails came with (a program that gives every mail the same)', () => {
    const FORM_ID = '<1@localhost>';
    const alice = japaneseMail({ from: 'alice@example.jp', fromName: '有栖', to: SUPPORT, subject: 'フォームから', text: '注文について', messageId: FORM_ID, date: 'Mon, 30 Nov 2026 10:00:00 +0900' });
    const bob = japaneseMail({ from: 'bob@example.jp', fromName: '坊', to: SUPPORT, subject: 'フォームから', text: '返品について', messageId: FORM_ID, date: 'Tue, 01 Dec 2026 09:30:00 +0900' });

    it('keeps both, each in its own inquiry, and a copy of either is still a copy: also after the folder is renumbered', async () => {
      await dovecot.appendMails([alice, bob], 'Support');
      const account = await addAccount(dovecot, { folders: ['Support', 'INBOX'] });
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 2, newInquiries: 2, skippedDuplicates: 0 });
      const bodies = async () => (await Promise.all((await t.call('inquiries.list', {})).map(async (i) => (await t.call('inquiries.get', { id: i.id })).messages.map((m) => m.body)))).flat().sort();
      expect(await bodies()).toEqual(['注文について', '返品について']);

      // A copy of each in another folder, and the first folder renumbered with both in it again.
      await dovecot.appendMails([bob, alice], 'INBOX');
      await dovecot.withClient(async (client) => {
        await client.mailboxDelete('Support');
        await client.mailboxCreate('Support');
      });
      await dovecot.appendMails([bob, alice], 'Support');
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ newInquiries: 0, skippedDuplicates: 4 });
      expect(await bodies()).toEqual(['注文について', '返品について']);
      expect(await t.call('sync.quarantine', {})).toEqual([]);
    });

    it('tells a copy from another mail by its sender and time, however the Date is written, also of mail stored before Date headers were kept', async () => {
      await dovecot.appendMails([alice], 'Support');
      const account = await addAccount(dovecot, { folders: ['Support', 'INBOX'] });
      await t.call('sync.run', { accountId: account.id });
      // As a Madoguchi before Date headers were kept stored it.
      await t.app.close();
      await inspectDatabase(t.dataDir, (raw) => raw.prepare('UPDATE messages SET origin_date = NULL').run());
      await t.restart();
      const copyOf = (date: string | null, from = 'alice@example.jp', fromName = '有栖') =>
        japaneseMail({ from, fromName, to: SUPPORT, subject: 'フォームから', text: '注文について', messageId: FORM_ID, date });
      await dovecot.appendMails(
        [
          // Copies: the same time written in another zone or with a comment, or with no Date at all.
          copyOf('Mon, 30 Nov 2026 01:00:00 +0000'),
          copyOf('Mon, 30 Nov 2026 10:00:00 +0900 (JST)'),
          copyOf(null),
          // Other mails: another time, or the same second from another sender.
          bob,
          copyOf('Mon, 30 Nov 2026 10:00:00 +0900', 'carol@example.jp', 'キャロル'),
        ],
        'INBOX',
      );
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 5, newInquiries: 2, skippedDuplicates: 3 });
      expect((await t.call('inquiries.list', {})).map((i) => i.customerName).sort()).toEqual(['キャロル', '坊', '有栖']);
    });

    it('threads mail that names the Message-ID only into the inquiry of its own customer', async () => {
      await dovecot.appendMails([alice, bob], 'Support');
      const account = await addAccount(dovecot, { folders: ['Support'] });
      await t.call('sync.run', { accountId: account.id });
      const aliceInquiry = (await t.call('inquiries.list', {})).find((i) => i.customerName === '有栖')!;
      const reply = (from: string, messageId: string) =>
        japaneseMail({ from, to: SUPPORT, subject: 'Re: フォームから', text: `${from} の続き`, messageId, inReplyTo: FORM_ID, references: [FORM_ID], date: 'Wed, 02 Dec 2026 09:00:00 +0900' });
      await dovecot.appendMails([reply('alice@example.jp', '<a2@example.jp>'), reply('bob@example.jp', '<b2@example.jp>')], 'Support');
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 2, addedToThreads: 1, newInquiries: 1 });
      const thread = (await t.call('inquiries.get', { id: aliceInquiry.id })).messages.map((m) => m.body);
      expect(thread).toEqual(['注文について', 'alice@example.jp の続き']);
    });
  });

  describe('UIDVALIDITY change', () => {
    it('re-syncs a recreated folder by Message-ID (and content hash): no duplicates, no losses, only unknown mail downloaded', async () => {
      const originals = [mail(1), mail(2), mail(3), noMessageIdMail({ from: 'noid@example.jp', to: SUPPORT, subject: 'IDなし', text: 'Message-IDのないメール' })];
      await dovecot.appendMails(originals, 'Support');
      const account = await addAccount(dovecot, { folders: ['Support'] });
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 4, newInquiries: 4 });
      const [before] = await t.call('sync.status', {});
      const firstValidity = before?.folders[0]?.uidValidity;
      expect(before?.folders[0]).toMatchObject({ folder: 'Support', lastUid: 4 });

      // The server loses its numbering: the folder is deleted and created again, and the same mails come back (plus one new).
      await dovecot.withClient(async (client) => {
        await client.mailboxDelete('Support');
        await client.mailboxCreate('Support');
      });
      await dovecot.appendMails([originals[2] as Buffer, originals[0] as Buffer, originals[3] as Buffer, mail(4), originals[1] as Buffer], 'Support');

      const report = await t.call('sync.run', { accountId: account.id });
      // Known Message-IDs are recognised from the header alone; the mail without one is fetched and matched by its content hash.
      expect(report).toMatchObject({ fetched: 2, newInquiries: 1, skippedDuplicates: 4, addedToThreads: 0 });
      const [after] = await t.call('sync.status', {});
      expect(after?.folders[0]?.uidValidity).not.toBe(firstValidity);
      expect(after?.folders[0]?.lastUid).toBe(5);

      const inquiries = await t.call('inquiries.list', {});
      expect(inquiries).toHaveLength(5);
      expect(inquiries.every((i) => i.messageCount === 1)).toBe(true);
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 0, skippedDuplicates: 0 });
    });
    it('lists a set-aside mail once after its folder is renumbered, under its new UID', async () => {
      const away = autoReplyMail('auto-submitted', { from: 'away@example.jp', to: SUPPORT, subject: '不在のお知らせ' });
      await dovecot.appendMails([mail(1), away], 'Support');
      const account = await addAccount(dovecot, { folders: ['Support'] });
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 2, automatic: 1 });
      expect((await t.call('sync.quarantine', {})).map((q) => q.uid)).toEqual([2]);

      await dovecot.withClient(async (client) => {
        await client.mailboxDelete('Support');
        await client.mailboxCreate('Support');
      });
      await dovecot.appendMails([away, mail(1)], 'Support');
      await t.call('sync.run', { accountId: account.id });
      const listed = await t.call('sync.quarantine', {});
      expect(listed.map((q) => [q.uid, q.subject])).toEqual([[1, '不在のお知らせ']]);
      // Read again from where it is now: still an auto-reply, and still listed once.
      expect(await t.call('sync.retryQuarantined', { id: listed[0]!.id })).toMatchObject({ outcome: 'setAside' });
      expect(await t.call('sync.quarantine', {})).toHaveLength(1);
    });
  });

  describe('several folders and accounts', () => {
    it('syncs each folder with its own cursor, and a mail found in several folders or accounts is one message', async () => {
      const shared = mail(7, { subject: '二つのフォルダに届いたメール' });
      const sharedNoId = noMessageIdMail({ from: 'noid@example.jp', to: SUPPORT, subject: 'IDなし共有', text: '同じメール' });
      await dovecot.appendMails([mail(1), shared, sharedNoId]);
      // The copy in the other folder went through other servers: other trace headers, the same mail.
      const traced = (raw: Buffer) => Buffer.concat([Buffer.from('Received: from mx2.toot.example by imap.toot.example; Tue, 1 Apr 2025 10:00:09 +0900\r\nDelivered-To: sales@toot.example\r\n'), raw]);
      await dovecot.appendMails([mail(2), traced(shared), traced(sharedNoId)], 'Sales');
      const account = await addAccount(dovecot, { folders: ['INBOX', 'Sales'] });
      expect(account.folders).toEqual(['INBOX', 'Sales']);

      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 6, newInquiries: 4, skippedDuplicates: 2 });
      expect(report.folders).toEqual([
        { folder: 'INBOX', fetched: 3, error: null },
        { folder: 'Sales', fetched: 3, error: null },
      ]);
      const [status] = await t.call('sync.status', {});
      expect(status?.folders.map((f) => [f.folder, f.lastUid])).toEqual([['INBOX', 3], ['Sales', 3]]);

      // New mail in one folder only moves that folder's cursor.
      await dovecot.appendMail(mail(3), 'Sales');
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 1, newInquiries: 1 });

      // A second account (another server) that received the same mail: still one message.
      const other = await startDovecot({ user: 'sales@toot.example', password: 'other-password' });
      try {
        await other.appendMails([shared, traced(sharedNoId), mail(9)]);
        const second = await addAccount(other, { label: '営業', fromAddress: 'sales@toot.example' });
        expect(await t.call('sync.run', { accountId: second.id })).toMatchObject({ fetched: 3, newInquiries: 1, skippedDuplicates: 2 });
      } finally {
        await other.stop();
      }
      const keys = await everyMessageKey();
      expect(keys).toHaveLength(new Set(keys).size);
      expect(keys).toHaveLength(6);
    });

    it('goes on with the other folders when one fails, and says which one on the account', async () => {
      await dovecot.appendMails([mail(1), mail(2)]);
      const account = await addAccount(dovecot, { folders: ['INBOX', 'NoSuchFolder'] });
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report.newInquiries).toBe(2);
      expect(report.folders?.[0]).toEqual({ folder: 'INBOX', fetched: 2, error: null });
      expect(report.folders?.[1]?.error).toContain('NoSuchFolder');
      const [saved] = await t.call('accounts.list', {});
      expect(saved?.lastError).toContain('NoSuchFolder');
      expect(saved?.lastSyncAt).not.toBeNull();
      expect(saved?.failureCount).toBe(0);

      // When no folder can be synced, the sync fails and counts as a failure.
      await t.call('accounts.save', { ...withoutStatus(saved!), folders: ['NoSuchFolder'] });
      await expect(t.call('sync.run', { accountId: account.id })).rejects.toMatchObject({ code: 'IMAP_ERROR', message: expect.stringContaining('NoSuchFolder') });
      expect((await t.call('accounts.list', {}))[0]?.failureCount).toBe(1);
    });

    it('removes an account whose mail only joined another account\'s thread: the mail stays in that thread, and is not stored twice if the account comes back', async () => {
      await dovecot.appendMail(mail(1, { from: 'k@example.jp', subject: '最初', messageId: '<first@example.jp>' }));
      await dovecot.appendMail(replyMail({ from: 'k@example.jp', to: 'sales@toot.example', subject: 'Re: 最初', text: '追伸', messageId: '<second@example.jp>', parentMessageId: '<first@example.jp>' }), 'Sales');
      const support = await addAccount(dovecot, { folders: ['INBOX'] });
      const sales = await addAccount(dovecot, { label: '営業', fromAddress: 'sales@toot.example', folders: ['Sales'] });
      await t.call('sync.run', { accountId: support.id });
      expect(await t.call('sync.run', { accountId: sales.id })).toMatchObject({ addedToThreads: 1 });

      // The account that opened the inquiry replies for it: that one cannot go, and nothing of it is lost by trying.
      await expect(t.call('accounts.remove', { id: support.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('Stop syncing') });
      expect(await t.call('accounts.remove', { id: sales.id })).toEqual({ ok: true });
      expect((await t.call('accounts.list', {})).map((a) => a.label)).toEqual(['サポート窓口']);
      expect((await t.call('sync.status', {})).map((s) => [s.accountId, s.folders.map((f) => f.lastUid)])).toEqual([[support.id, [1]]]);
      const [inquiry] = await t.call('inquiries.list', {});
      expect((await t.call('inquiries.get', { id: inquiry!.id })).messages.map((m) => m.body.trim())).toEqual(['本文 1', '追伸']);

      const again = await addAccount(dovecot, { label: '営業', fromAddress: 'sales@toot.example', folders: ['Sales'] });
      expect(await t.call('sync.run', { accountId: again.id })).toMatchObject({ fetched: 1, skippedDuplicates: 1, addedToThreads: 0 });
    });

    it('keeps the stored folders and import date when an edit leaves them out, and validates folder names', async () => {
      const account = await addAccount(dovecot, { folders: ['inbox', 'Support/Japan', 'INBOX'], importSince: '2025-04-01' });
      expect(account.folders).toEqual(['INBOX', 'Support/Japan']);
      const edited = await t.call('accounts.save', { ...withoutStatus(account), label: '新しい名前' });
      expect(edited).toMatchObject({ label: '新しい名前', folders: ['INBOX', 'Support/Japan'], importSince: '2025-04-01' });
      expect((await t.call('accounts.save', { ...withoutStatus(account), importSince: null })).importSince).toBeNull();
      await expect(t.call('accounts.save', { ...withoutStatus(account), folders: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(t.call('accounts.save', { ...withoutStatus(account), folders: ['Bad*Folder'] })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      await expect(t.call('accounts.save', { ...withoutStatus(account), importSince: '2025/04/01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      // A new account without folders syncs INBOX.
      expect((await addAccount(dovecot, { label: '既定' })).folders).toEqual(['INBOX']);
    });
  });

  describe('importing only mail newer than a date', () => {
    it('stores older mail as archived, closed history that opens no work, and reopens it when the customer writes again', async () => {
      // 2025-04-01 in Tokyo starts at 2025-03-31T15:00Z.
      await dovecot.appendMail(mail(1, { subject: '古い問い合わせ' }), 'INBOX', { internalDate: new Date('2025-03-31T14:59:00Z') });
      await dovecot.appendMail(mail(2, { subject: '新しい問い合わせ' }), 'INBOX', { internalDate: new Date('2025-03-31T15:01:00Z') });
      await dovecot.appendMail(replyMail({ from: 'customer1@example.jp', to: SUPPORT, subject: 'Re: 古い問い合わせ', text: '古いやりとりの続き', messageId: '<old-reply@example.jp>', parentMessageId: '<m1@example.jp>' }), 'INBOX', {
        internalDate: new Date('2025-03-20T00:00:00Z'),
      });
      const account = await addAccount(dovecot, { importSince: '2025-04-01' });
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 3, newInquiries: 1, addedToThreads: 0, archived: 2 });

      expect((await t.call('inquiries.list', { status: 'open' })).map((i) => i.subject)).toEqual(['新しい問い合わせ']);
      const [old] = await t.call('inquiries.list', { status: 'closed' });
      expect(old).toMatchObject({ subject: '古い問い合わせ', archived: true, messageCount: 2 });
      // History is not work: it is left out of the response-time report.
      const rows = (await t.call('reports.responseTimes', { from: '2025-03-01', to: '2099-12-31' })).rows;
      expect(rows.find((r) => r.channel === 'all')?.received).toBe(1);

      // Staff had answered the history from Madoguchi: that answered the history, not what the customer writes next.
      const reply = await t.call('outbox.queue', { inquiryId: old!.id, body: '顧客1様\nお問い合わせの件、対応いたしました。' });
      await t.call('outbox.sendNow', { id: reply.id });
      await waitFor('the reply to the history to be sent', async () => (await t.call('inquiries.get', { id: old!.id })).messages.some((m) => m.direction === 'out'));
      // The customer writes again today: the archived inquiry becomes open work.
      // (Seconds after the reply: a Date header counts whole seconds.)
      const writtenAt = new Date(Date.now() + 3000);
      await dovecot.appendMail(
        replyMail({ from: 'customer1@example.jp', to: SUPPORT, subject: 'Re: 古い問い合わせ', text: 'その後どうなりましたか', parentMessageId: '<old-reply@example.jp>', date: writtenAt.toUTCString() }),
        'INBOX',
        { internalDate: writtenAt },
      );
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ addedToThreads: 1, archived: 0 });
      const reopened = (await t.call('inquiries.get', { id: old!.id })).inquiry;
      expect(reopened).toMatchObject({ status: 'open', archived: false, messageCount: 4, firstResponseAt: null });
      // Received now, as new work: the old months' reports stay as they were, and the wait counts from today.
      expect(Date.now() - Date.parse(reopened.receivedAt)).toBeLessThan(10 * 60_000);
      const before = (await t.call('reports.responseTimes', { from: '2025-03-01', to: '2025-04-30' })).rows;
      expect(before.find((r) => r.channel === 'all')?.received).toBe(1);
      // Marked answered by mistake and undone: no first response, not the reply to the history, which came before the customer wrote again.
      const marked = await t.call('inquiries.setStatus', { inquiryId: old!.id, status: 'answered' });
      expect(await t.call('inquiries.setStatus', { inquiryId: old!.id, status: 'open', undoFirstResponseAt: marked.firstResponseAt! })).toMatchObject({ status: 'open', firstResponseAt: null });
    });
  });

  describe('when an inquiry was received', () => {
    it('takes the Date header for when the customer wrote, unless it is after the mail arrived or more than a day before', async () => {
      const arrived = new Date('2026-11-24T03:00:00Z');
      await dovecot.appendMail(mail(1, { subject: '二時間前に書いた', date: new Date('2026-11-24T01:00:00Z').toUTCString() }), 'INBOX', { internalDate: arrived });
      await dovecot.appendMail(mail(2, { subject: '時計が遅れている', date: new Date('2019-05-01T00:00:00Z').toUTCString() }), 'INBOX', { internalDate: arrived });
      await dovecot.appendMail(mail(3, { subject: '時計が進んでいる', date: new Date('2026-11-24T05:00:00Z').toUTCString() }), 'INBOX', { internalDate: arrived });
      const account = await addAccount(dovecot);
      await t.call('sync.run', { accountId: account.id });

      const received = Object.fromEntries((await t.call('inquiries.list', {})).map((i) => [i.subject, i.receivedAt]));
      expect(received).toEqual({ 二時間前に書いた: '2026-11-24T01:00:00.000Z', 時計が遅れている: '2026-11-24T03:00:00.000Z', 時計が進んでいる: '2026-11-24T03:00:00.000Z' });
    });
  });

  describe('bounces and auto-replies', () => {
    it('marks the customer of a failed recipient undeliverable, keeps them off the mailing list, and opens no inquiry', async () => {
      await dovecot.appendMail(mail(1, { from: 'Hanako@Example.jp', subject: 'カタログ希望' }));
      const account = await addAccount(dovecot);
      await t.call('sync.run', { accountId: account.id });
      const [inquiry] = await t.call('inquiries.list', {});
      const customerId = inquiry!.customerId;
      await t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'email', evidence: 'メールで希望' });
      expect((await t.call('marketing.preview', {})).count).toBe(1);

      const delayed = Buffer.from(bounceMail({ failedRecipient: 'hanako@example.jp' }).toString('latin1').replace('Action: failed', 'Action: delayed').replace('<bounce-1@', '<delay-1@'), 'latin1');
      await dovecot.appendMails([delayed, bounceMail({ failedRecipient: 'hanako@example.jp' }), bounceMail({ failedRecipient: 'stranger@example.jp' }).toString('latin1').replace('<bounce-1@', '<bounce-2@')]);
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 3, newInquiries: 0, addedToThreads: 0, automatic: 3, undeliverable: 1 });
      expect((await t.call('customers.get', { id: customerId })).customer.emailUndeliverable).toBe(true);
      expect(await t.call('inquiries.list', {})).toHaveLength(1);
      expect((await t.call('marketing.preview', {})).count).toBe(0);
      // No customer is made up for an address only a bounce named.
      expect((await t.call('customers.search', { query: 'stranger' }))).toHaveLength(0);
    });

    it('marks no one undeliverable for a bounce from before the import date: it is history, and the address may have been fixed since', async () => {
      await dovecot.appendMail(mail(1, { from: 'hanako@example.jp', subject: 'カタログ希望' }));
      // 2025-04-01 in Tokyo starts at 2025-03-31T15:00Z.
      await dovecot.appendMail(bounceMail({ failedRecipient: 'hanako@example.jp' }), 'INBOX', { internalDate: new Date('2025-03-31T14:59:00Z') });
      const account = await addAccount(dovecot, { importSince: '2025-04-01' });

      const report = await t.call('sync.run', { accountId: account.id });

      expect(report).toMatchObject({ fetched: 2, newInquiries: 1, automatic: 1, undeliverable: 0 });
      const [inquiry] = await t.call('inquiries.list', {});
      expect((await t.call('customers.get', { id: inquiry!.customerId })).customer.emailUndeliverable).toBe(false);
      const [setAside] = await t.call('sync.quarantine', { accountId: account.id });
      expect(setAside?.reason).toBe('Bounce from before the import date: delivery failed for 1 address(es) then; no customer marked undeliverable. No inquiry opened.');
      expect(localizeUserMessage(setAside?.reason ?? '', 'ja')).toBe('取り込み開始日より前の配信エラー: 当時 1 件のアドレスに届きませんでした。顧客は配信不能にしていません。問い合わせにはしていません。');

      // The same bounce arriving after the import date marks the address.
      await dovecot.appendMail(Buffer.from(bounceMail({ failedRecipient: 'hanako@example.jp' }).toString('latin1').replace('<bounce-1@', '<bounce-2@'), 'latin1'));
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ automatic: 1, undeliverable: 1 });
      expect((await t.call('customers.get', { id: inquiry!.customerId })).customer.emailUndeliverable).toBe(true);
    });

    it('never answers or opens an inquiry for an auto-reply to our reply, nor for mail from our own address: no loop', async () => {
      await dovecot.appendMail(mail(1, { from: 'hanako@example.jp', subject: '返品について' }));
      const account = await addAccount(dovecot);
      await t.call('sync.run', { accountId: account.id });
      const [inquiry] = await t.call('inquiries.list', {});
      const reply = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '返品を承ります。' });
      await smtp.waitFor(1);

      // The customer is away: the out-of-office answers our reply, in its thread; and our own reply comes back in a copy.
      await dovecot.appendMails([
        autoReplyMail('auto-submitted', { from: 'hanako@example.jp', to: SUPPORT, subject: '自動応答: Re: 返品について', inReplyTo: reply.messageId!, references: [reply.messageId!], messageId: '<ooo-1@example.jp>' }),
        autoReplyMail('precedence-auto_reply', { from: 'hanako@example.jp', to: SUPPORT, messageId: '<ooo-2@example.jp>' }),
        japaneseMail({ from: SUPPORT, to: 'hanako@example.jp', subject: 'Re: 返品について', text: '返品を承ります。', messageId: '<copy-from-another-client@toot.example>' }),
      ]);
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 3, newInquiries: 0, addedToThreads: 0, automatic: 3 });
      const after = await t.call('inquiries.get', { id: inquiry!.id });
      expect(after.inquiry.status).toBe('answered');
      expect(after.messages).toHaveLength(2);
      expect(await t.call('inquiries.list', {})).toHaveLength(1);
      // Madoguchi sent nothing on its own.
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(smtp.received).toHaveLength(1);
    });
  });

  describe('cancelling and refused mail', () => {
    it('cancels a running sync: what was stored stays, and the next sync goes on from there', async () => {
      await dovecot.appendMails(Array.from({ length: 200 }, (_, i) => mail(i)));
      const small = await startTestApp({ sync: { limits: { batchMails: 10 } } });
      try {
        const account = await small.call('accounts.save', {
          label: 'a', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: dovecot.password,
          smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: SUPPORT, fromName: 'T',
        });
        let cancelled: Promise<unknown> | null = null;
        const stop = small.app.router.onPush((frame) => {
          const progress = frame.payload as { phase: string; done: number };
          if (frame.push === 'sync.progress' && progress.phase === 'fetching' && progress.done >= 30 && !cancelled) {
            cancelled = small.call('sync.cancel', { accountId: account.id });
          }
        });
        const report = await small.call('sync.run', { accountId: account.id });
        stop();
        expect(await cancelled).toEqual({ cancelled: true });
        expect(report.cancelled).toBe(true);
        expect(report.fetched).toBeGreaterThanOrEqual(30);
        expect(report.fetched).toBeLessThan(200);
        expect(await small.call('inquiries.list', {})).toHaveLength(report.newInquiries);
        expect((await small.call('accounts.list', {}))[0]?.lastError).toBeNull();

        const rest = await small.call('sync.run', { accountId: account.id });
        expect(rest.fetched + report.fetched).toBe(200);
        const inquiries = await small.call('inquiries.list', {});
        expect(new Set(inquiries.map((i) => i.subject)).size).toBe(200);
        expect(await small.call('sync.cancel', { accountId: account.id })).toEqual({ cancelled: false });
      } finally {
        await small.dispose();
      }
    });

    it('quarantines a mail the database refuses and stores the rest of its batch', async () => {
      await dovecot.appendMails([mail(1), mail(2, { subject: 'poison' }), mail(3)]);
      const account = await addAccount(dovecot);
      // A rule the database enforces, standing in for any data it could refuse.
      await t.app.close();
      await inspectDatabase(t.dataDir, (raw) =>
        raw.exec("CREATE TRIGGER refuse_poison BEFORE INSERT ON inquiries WHEN NEW.subject = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END"),
      );
      await t.restart();
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 3, newInquiries: 2, quarantined: 1 });
      expect((await t.call('inquiries.list', {})).map((i) => i.subject).sort()).toEqual(['問い合わせ 1', '問い合わせ 3']);
      expect((await t.call('sync.status', {}))[0]?.folders[0]?.lastUid).toBe(3);
    });
  });

  describe('card numbers', () => {
    it('masks card numbers, half- and full-width, in subjects, bodies and attachment file names before storing them', async () => {
      await dovecot.appendMail(
        mailWithAttachment({
          from: 'hanako@example.jp',
          to: SUPPORT,
          subject: 'カード４１１１　１１１１　１１１１　１１１１の件',
          text: 'カード番号は 4111-1111-1111-1111 です。\n全角では ５５００－００００－００００－０００４ です。\n注文番号 1234-5678 はそのまま。',
          attachment: Buffer.from('%PDF-1.4 card statement'),
          fileName: 'カード明細-４１１１１１１１１１１１１１１１.pdf',
        }),
      );
      const account = await addAccount(dovecot);
      await t.call('sync.run', { accountId: account.id });
      const [inquiry] = await t.call('inquiries.list', {});
      expect(inquiry?.subject).toBe('カード＊＊＊＊　＊＊＊＊　＊＊＊＊　１１１１の件'.replace(/＊/g, '*'));
      const detail = await t.call('inquiries.get', { id: inquiry!.id });
      const [message] = detail.messages;
      expect(message?.subject).toBe(inquiry?.subject);
      expect(message?.body).toContain('****-****-****-1111');
      expect(message?.body).toContain('****－****－****－０００４');
      expect(message?.body).toContain('1234-5678');
      expect(message?.attachments?.[0]?.fileName).toBe('カード明細-************１１１１.pdf');

      // Nothing readable is left anywhere in the database file's tables either.
      await t.app.close();
      const leaks = await inspectDatabase(t.dataDir, (raw) => {
        const texts = [
          ...(raw.prepare('SELECT subject FROM inquiries').pluck().all() as string[]),
          ...(raw.prepare('SELECT subject || body FROM messages').pluck().all() as string[]),
          ...(raw.prepare('SELECT file_name FROM attachments').pluck().all() as string[]),
        ];
        return texts.filter((text) => /4111.?1111.?1111|４１１１.?１１１１|５５００/.test(text));
      });
      await t.restart();
      expect(leaks).toEqual([]);
    });
  });
});

/** The account as the form sends it back on edit: its settings without the status fields (zod drops unknown keys). */
function withoutStatus(account: MailAccount): MailAccountInput {
  return mailAccountInput.parse(account);
}

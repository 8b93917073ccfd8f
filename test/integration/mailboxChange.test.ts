import { proxiedSyncAccount, testMailAccount } from '../support/mailAccount';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { autoReplyMail, japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { storedMessageIds } from '../support/storedMail';
import { startTcpProxy } from '../support/tcpProxy';
import { startTestApp, type TestApp } from '../support/testApp';
import { waitFor } from '../support/waitFor';

const SUPPORT = 'support@toot.example';

/**
 * An account edited to read another mailbox (another IMAP server or user): the new mailbox is read
 * from its start, even where its folder was numbered like the old one, and no mail is stored twice.
 */
describe('the sync of an account pointed at another mailbox, against real Dovecot servers', () => {
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
  });
  afterEach(async () => {
    await t.dispose();
    await dovecot.stop();
  });

  const addAccount = (server: DovecotServer) =>
    t.call('accounts.save', testMailAccount(server, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }));

  const mail = (i: number, extra: Partial<Parameters<typeof japaneseMail>[0]> = {}) =>
    japaneseMail({ from: `customer${i}@example.jp`, fromName: `顧客${i}`, to: SUPPORT, subject: `問い合わせ ${i}`, text: `本文 ${i}`, messageId: `<m${i}@example.jp>`, ...extra });

  it('reads the new mailbox from its start, even where its folder happens to have the old one\'s UIDVALIDITY, storing no mail twice', async () => {
    await dovecot.appendMails([mail(1), mail(2), mail(3)]);
    const account = await addAccount(dovecot);
    expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ fetched: 3, newInquiries: 3 });
    const oldValidity = (await t.call('sync.status', {}))[0]!.folders[0]!.uidValidity;

    // Another user's mailbox (info@ instead of support@), numbered alike: the same UIDVALIDITY, UIDs 1 to 5 again.
    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      await other.appendMails([mail(11), mail(2), mail(12), mail(13), mail(14)]);
      other.setUidValidity('INBOX', Number(oldValidity));
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      const report = await t.call('sync.run', { accountId: account.id });
      // Every mail of the new mailbox is read; the one already stored (from the old) is not stored again.
      expect(report).toMatchObject({ newInquiries: 4, skippedDuplicates: 1 });
      expect((await t.call('sync.status', {}))[0]!.folders[0]).toMatchObject({ uidValidity: oldValidity, lastUid: 5 });
      expect((await storedMessageIds(t)).filter((key) => key.startsWith('<m'))).toEqual([1, 2, 3, 11, 12, 13, 14].map((n) => `<m${n}@example.jp>`).sort());
      // The old mailbox's mails are not taken for gone from the new one.
      for (const inquiry of await t.call('inquiries.list', {})) {
        for (const message of (await t.call('inquiries.get', { id: inquiry.id })).messages) expect(message.removedOnServerAt).toBeNull();
      }
    } finally {
      await other.stop();
    }
  });

  it('stops a sync still reading the old mailbox before forgetting its positions, so that it cannot store them again', async () => {
    await dovecot.appendMails(Array.from({ length: 40 }, (_, i) => mail(100 + i, { text: `本文 ${i}\n`.repeat(200) })));
    const proxy = await startTcpProxy(dovecot);
    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      const account = await t.call('accounts.save', proxiedSyncAccount(dovecot, proxy));
      const validity = await dovecot.withClient(async (client) => (await client.mailboxOpen('INBOX')).uidValidity);
      await other.appendMails([mail(11), mail(12), mail(13)]);
      other.setUidValidity('INBOX', Number(validity));
      // The old mailbox is read slowly: the sync is still at it when the account is saved.
      proxy.throttle(20_000);
      const reading = t.call('sync.run', { accountId: account.id }).catch((error: unknown) => error);
      await waitFor('the sync to be fetching', async () => (await t.call('sync.status', {}))[0]?.running === true);
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      expect(await reading).toMatchObject({ cancelled: true });
      const report = await t.call('sync.run', { accountId: account.id });
      expect(report).toMatchObject({ fetched: 3, newInquiries: 3 });
      expect((await t.call('sync.status', {}))[0]!.folders[0]).toMatchObject({ lastUid: 3 });
    } finally {
      await other.stop();
      await proxy.stop();
    }
  });

  it('keeps listing the mails set aside from the old mailbox beside those of the new one, where the same UID names another mail', async () => {
    await dovecot.appendMails([mail(1), autoReplyMail('auto-submitted', { subject: '自動応答: 旧メールボックス', messageId: '<auto-old@example.jp>' }), mail(3)]);
    const account = await addAccount(dovecot);
    await t.call('sync.run', { accountId: account.id });
    const [oldSetAside] = await t.call('sync.quarantine', {});
    expect(oldSetAside).toMatchObject({ uid: 2, subject: '自動応答: 旧メールボックス' });
    const oldValidity = (await t.call('sync.status', {}))[0]!.folders[0]!.uidValidity;

    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      // Numbered alike, UID 2 is another automatic mail.
      await other.appendMails([mail(11), autoReplyMail('x-autoreply', { subject: '自動応答: 新メールボックス', messageId: '<auto-new@example.jp>' }), mail(12)]);
      other.setUidValidity('INBOX', Number(oldValidity));
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ newInquiries: 2 });
      await t.call('sync.run', { accountId: account.id });
      const listed = await t.call('sync.quarantine', {});
      expect(listed.map((x) => [x.uid, x.subject])).toEqual(
        expect.arrayContaining([
          [2, '自動応答: 旧メールボックス'],
          [2, '自動応答: 新メールボックス'],
        ]),
      );
      expect(listed).toHaveLength(2);
      expect(listed.find((x) => x.subject === '自動応答: 旧メールボックス')?.id).toBe(oldSetAside!.id);
      // The old one cannot be fetched from the mailbox read now, and says where to look instead.
      await expect(t.call('sync.retryQuarantined', { id: oldSetAside!.id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('the mailbox the account read before') });
      const newSetAside = listed.find((x) => x.subject === '自動応答: 新メールボックス')!;
      expect([oldSetAside!.id, newSetAside.id].map((id) => listed.find((x) => x.id === id)?.fromOldMailbox)).toEqual([true, false]);
      expect(listed.find((x) => x.id === oldSetAside!.id)?.fileable).toBe(false);
      // Only the old mailbox's can be taken off the list: the other can still be fetched.
      await expect(t.call('sync.dismissQuarantined', { id: newSetAside.id })).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await t.call('sync.retryQuarantined', { id: newSetAside.id, asInquiry: true })).toMatchObject({ outcome: 'new' });
      expect((await t.call('sync.quarantine', {})).map((x) => x.id)).toEqual([oldSetAside!.id]);
      await t.call('sync.dismissQuarantined', { id: oldSetAside!.id });
      expect(await t.call('sync.quarantine', {})).toEqual([]);
      await expect(t.call('sync.dismissQuarantined', { id: oldSetAside!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      await other.stop();
    }
  });
  it('lists a mail set aside in a mailbox read again (A, then B, then A) once, where it can be fetched; one filed from it leaves the list', async () => {
    await dovecot.appendMails([mail(1), autoReplyMail('auto-submitted', { subject: '自動応答: A', messageId: '<auto-a@example.jp>' })]);
    const account = await addAccount(dovecot);
    await t.call('sync.run', { accountId: account.id });
    expect(await t.call('sync.quarantine', {})).toHaveLength(1);

    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      await other.appendMails([mail(11)]);
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      await t.call('sync.run', { accountId: account.id });
      expect((await t.call('sync.quarantine', {})).map((x) => [x.subject, x.fromOldMailbox])).toEqual([['自動応答: A', true]]);
    } finally {
      await other.stop();
    }

    // Back to A: its automatic mail is set aside anew, and listed once, as A's.
    await t.call('accounts.save', { ...testMailAccount(dovecot, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
    await t.call('sync.run', { accountId: account.id });
    const listed = await t.call('sync.quarantine', {});
    expect(listed.map((x) => [x.subject, x.fromOldMailbox])).toEqual([['自動応答: A', false]]);
    // Filed from A on staff's word, nothing of it is left on the list.
    expect(await t.call('sync.retryQuarantined', { id: listed[0]!.id, asInquiry: true })).toMatchObject({ outcome: 'new' });
    expect(await t.call('sync.quarantine', {})).toEqual([]);
    expect(await storedMessageIds(t)).toEqual(expect.arrayContaining(['<m1@example.jp>', '<auto-a@example.jp>', '<m11@example.jp>']));
  });

  it('lists a mail that could not be read at all once when its mailbox is read again (A, then B, then A), though it has no key to know it by', async () => {
    // No header at all: nothing of it can be read, not even a Message-ID.
    await dovecot.appendMails([Buffer.from('ただのバイト列です。\r\n\r\nヘッダーがありません。\r\n')]);
    const account = await addAccount(dovecot);
    await t.call('sync.run', { accountId: account.id });
    const first = await t.call('sync.quarantine', {});
    expect(first.map((x) => [x.uid, x.fromOldMailbox])).toEqual([[1, false]]);

    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      await other.appendMails([mail(11)]);
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      await t.call('sync.run', { accountId: account.id });
      expect((await t.call('sync.quarantine', {})).map((x) => [x.uid, x.fromOldMailbox])).toEqual([[1, true]]);
    } finally {
      await other.stop();
    }

    // Back to A: the same UID of the same numbering is the same mail, listed once, as A's.
    await t.call('accounts.save', { ...testMailAccount(dovecot, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
    await t.call('sync.run', { accountId: account.id });
    const listed = await t.call('sync.quarantine', {});
    expect(listed.map((x) => [x.uid, x.fromOldMailbox, x.reason])).toEqual([[1, false, first[0]!.reason]]);
  });

  it('takes a mail set aside in the mailbox read before off the list once the mailbox read now has it filed', async () => {
    await dovecot.appendMails([japaneseMail({ from: SUPPORT, to: 'customer2@example.jp', subject: '自分の送信', text: '本文', messageId: '<own@toot.example>' })]);
    const account = await addAccount(dovecot);
    await t.call('sync.run', { accountId: account.id });
    expect(await t.call('sync.quarantine', {})).toHaveLength(1);

    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      // The same mail is in the new mailbox, which the account reads sending from another address: there it is an inquiry.
      await other.appendMails([japaneseMail({ from: SUPPORT, to: 'customer2@example.jp', subject: '自分の送信', text: '本文', messageId: '<own@toot.example>' })]);
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: 'info@toot.example' }), id: account.id });
      expect(await t.call('sync.run', { accountId: account.id })).toMatchObject({ newInquiries: 1 });
      expect(await t.call('sync.quarantine', {})).toEqual([]);
    } finally {
      await other.stop();
    }
  });

  it('keeps listing a mail set aside in the mailbox read before when the one read now has another mail with its Message-ID', async () => {
    // A form's program gives every mail it sends the same Message-ID.
    const formMail = (from: string, subject: string, date: string) => autoReplyMail('auto-submitted', { from, fromName: '', subject, messageId: '<form@shop.example>', date });
    await dovecot.appendMails([formMail('form@shop.example', '受付: 旧メールボックス', 'Fri, 20 Nov 2026 01:00:00 +0000')]);
    const account = await addAccount(dovecot);
    await t.call('sync.run', { accountId: account.id });
    const [oldSetAside] = await t.call('sync.quarantine', {});

    const other = await startDovecot({ user: 'info@toot.example' });
    try {
      // The same program later, and another sender at the same time: two other mails.
      await other.appendMails([
        formMail('form@shop.example', '受付: 新メールボックス', 'Sat, 21 Nov 2026 01:00:00 +0000'),
        formMail('other@shop.example', '受付: 別の送信元', 'Fri, 20 Nov 2026 01:00:00 +0000'),
      ]);
      await t.call('accounts.save', { ...testMailAccount(other, smtp, { smtpUser: '', smtpPassword: undefined, label: 'サポート窓口', fromAddress: SUPPORT }), id: account.id });
      await t.call('sync.run', { accountId: account.id });
      const listed = await t.call('sync.quarantine', {});
      expect(listed.map((x) => x.subject).sort()).toEqual(['受付: 別の送信元', '受付: 新メールボックス', '受付: 旧メールボックス'].sort());
      expect(listed.find((x) => x.subject === '受付: 旧メールボックス')).toMatchObject({ id: oldSetAside!.id, fromOldMailbox: true });

      // The old mailbox's own mail found in the new one, its Date written in another zone: listed once, where it can be fetched.
      await other.appendMail(formMail('form@shop.example', '受付: 旧メールボックス', 'Fri, 20 Nov 2026 10:00:00 +0900'));
      await t.call('sync.run', { accountId: account.id });
      const again = await t.call('sync.quarantine', {});
      expect(again.filter((x) => x.subject === '受付: 旧メールボックス').map((x) => x.fromOldMailbox)).toEqual([false]);
      expect(again).toHaveLength(3);
    } finally {
      await other.stop();
    }
  });
});

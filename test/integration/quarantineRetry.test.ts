import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { testMailAccount } from '../support/mailAccount';
import { autoReplyMail, japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { inspectDatabase } from '../support/inspectDatabase';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';

/** Mails the sync set aside, fetched again from a real Dovecot when staff ask. */
describe('reading a set-aside mail again', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;

  beforeEach(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.dispose();
    await smtp.stop();
    await dovecot.stop();
  });

  it('files the mail as an inquiry when what set it aside has changed, and it leaves the list', async () => {
    // Sent from the address the account used to send from: not a customer's inquiry, then.
    await dovecot.appendMail(japaneseMail({ from: 'info@toot.example', to: 'support@toot.example', subject: '転送された顧客の声', text: 'お客様からの声です。', messageId: '<voice@toot.example>' }));
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp, { fromAddress: 'info@toot.example' }));
    await t.call('sync.run', { accountId: account.id });
    const [setAside] = await t.call('sync.quarantine', {});
    expect(setAside?.reason).toMatch(/own addresses/);

    // Still so: it stays, once, with its reason.
    expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'setAside', reason: expect.stringMatching(/own addresses/) });
    expect(await t.call('sync.quarantine', {})).toHaveLength(1);

    // The account sends from another address now: the mail is an inquiry.
    await t.call('accounts.save', { ...testMailAccount(dovecot, smtp), id: account.id, fromAddress: 'support@toot.example' });
    const retried = await t.call('sync.retryQuarantined', { id: setAside!.id });
    expect(retried).toMatchObject({ outcome: 'new', reason: null });
    expect(await t.call('sync.quarantine', {})).toHaveLength(0);
    const [inquiry] = await t.call('inquiries.list', {});
    expect(inquiry).toMatchObject({ id: retried.inquiryId, subject: '転送された顧客の声' });

    // The mail on the server is unchanged, and a sync does not file it twice.
    const report = await t.call('sync.run', { accountId: account.id });
    expect(report.fetched).toBe(0);
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
  });

  it('files a mail that looks automatic as an inquiry when staff say it is one (a web form sending as bulk); its own-address rule still holds', async () => {
    await dovecot.appendMail(autoReplyMail('precedence-bulk', { from: 'form@shop.example', to: 'support@toot.example', subject: 'お問い合わせフォーム: 返品の相談', text: '返品したいです', messageId: '<form-1@shop.example>' }));
    await dovecot.appendMail(japaneseMail({ from: 'support@toot.example', to: 'support@toot.example', subject: '自分宛て', text: 'テスト', messageId: '<own@toot.example>' }));
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp));
    await t.call('sync.run', { accountId: account.id });
    const [own, form] = (await t.call('sync.quarantine', {})).sort((a, b) => b.uid - a.uid);
    expect(form).toMatchObject({ subject: 'お問い合わせフォーム: 返品の相談', reason: expect.stringMatching(/Automatic/), fileable: true });
    expect(own).toMatchObject({ fileable: false });

    // Which mails may be filed is stored with them, not read from their English: a later version may reword it.
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => raw.prepare("UPDATE quarantine SET reason = 'Auto-reply, reworded in a later version' WHERE id = ?").run(form!.id));
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect((await t.call('sync.quarantine', {})).find((q) => q.id === form!.id)).toMatchObject({ reason: 'Auto-reply, reworded in a later version', fileable: true });

    // Read again as the sync would: still automatic.
    expect(await t.call('sync.retryQuarantined', { id: form!.id })).toMatchObject({ outcome: 'setAside' });
    // Filed as an inquiry on staff's word.
    const filed = await t.call('sync.retryQuarantined', { id: form!.id, asInquiry: true });
    expect(filed).toMatchObject({ outcome: 'new', reason: null });
    const [inquiry] = await t.call('inquiries.list', {});
    expect(inquiry).toMatchObject({ id: filed.inquiryId, subject: 'お問い合わせフォーム: 返品の相談', status: 'open' });
    // Mail from Madoguchi's own address is never a customer's inquiry.
    expect(await t.call('sync.retryQuarantined', { id: own!.id, asInquiry: true })).toMatchObject({ outcome: 'setAside', reason: expect.stringMatching(/own addresses/) });
    expect((await t.call('sync.quarantine', {})).map((q) => q.id)).toEqual([own!.id]);
  });

  it('gives a mail set aside before numberings were kept the folder\'s numbering when read again: it stays listed once', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'info@toot.example', to: 'support@toot.example', subject: '転送された顧客の声', text: 'お客様からの声です。', messageId: '<voice@toot.example>' }));
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp, { fromAddress: 'info@toot.example' }));
    await t.call('sync.run', { accountId: account.id });
    const [setAside] = await t.call('sync.quarantine', {});
    // As a row of a version before migration 0009 left it: no numbering.
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => raw.prepare('UPDATE quarantine SET uid_validity = NULL WHERE id = ?').run(setAside!.id));
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });

    expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'setAside', reason: expect.stringMatching(/own addresses/) });
    expect((await t.call('sync.quarantine', {})).map((q) => q.id)).toEqual([setAside!.id]);
    // Numbered now, it is the row the sync finds: filed after all, it leaves the list.
    await t.call('accounts.save', { ...testMailAccount(dovecot, smtp), id: account.id, fromAddress: 'support@toot.example' });
    expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'new' });
    expect(await t.call('sync.quarantine', {})).toHaveLength(0);
  });

  it('keeps one row when a mail without a numbering is also listed under its numbering', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'info@toot.example', to: 'support@toot.example', subject: '転送された顧客の声', text: 'お客様からの声です。', messageId: '<voice@toot.example>' }));
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp, { fromAddress: 'info@toot.example' }));
    await t.call('sync.run', { accountId: account.id });
    const [setAside] = await t.call('sync.quarantine', {});
    // The row an older version left, beside the one set aside since under the folder's numbering.
    await t.call('session.lock', {});
    const legacyId = await inspectDatabase(t.dataDir, (raw) =>
      Number(
        raw
          .prepare(
            `INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, reason_key, at, uid_validity)
             SELECT mail_account_id, folder, imap_uid, reason, reason_key, at, NULL FROM quarantine WHERE id = ?`,
          )
          .run(setAside!.id).lastInsertRowid,
      ),
    );
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect(await t.call('sync.quarantine', {})).toHaveLength(2);

    expect(await t.call('sync.retryQuarantined', { id: legacyId })).toMatchObject({ outcome: 'setAside', reason: expect.stringMatching(/own addresses/) });
    expect((await t.call('sync.quarantine', {})).map((q) => q.id)).toEqual([setAside!.id]);
  });

  it('does not fetch by a UID of an older numbering of the folder', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'support@toot.example', to: 'x@example.jp', subject: '自分の送信', text: '本文', messageId: '<own-1@toot.example>' }), 'Support');
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp, { folders: ['Support'] }));
    await t.call('sync.run', { accountId: account.id });
    const [setAside] = await t.call('sync.quarantine', {});
    // The server loses its numbering; UID 1 is now a customer's mail.
    await dovecot.withClient(async (client) => {
      await client.mailboxDelete('Support');
      await client.mailboxCreate('Support');
    });
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '別のメール', text: '本文' }), 'Support');
    await expect(t.call('sync.retryQuarantined', { id: setAside!.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/renumbered the folder Support/),
    });
    expect(await t.call('inquiries.list', {})).toHaveLength(0);
  });

  it('says so when the mail is no longer on the server, and keeps it in the list', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'support@toot.example', to: 'x@example.jp', subject: '自分の送信', text: '本文', messageId: '<own@toot.example>' }));
    const account = await t.call('accounts.save', testMailAccount(dovecot, smtp));
    await t.call('sync.run', { accountId: account.id });
    const [setAside] = await t.call('sync.quarantine', {});
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageDelete(String(setAside!.uid), { uid: true });
    });
    await expect(t.call('sync.retryQuarantined', { id: setAside!.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/no longer on the server/),
    });
    expect(await t.call('sync.quarantine', {})).toHaveLength(1);
  });
});

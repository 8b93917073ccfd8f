import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { testMailAccount } from '../support/mailAccount';
import { japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { startTestApp, type TestApp } from '../support/testApp';

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

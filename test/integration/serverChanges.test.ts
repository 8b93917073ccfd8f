import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { testMailAccount } from '../support/mailAccount';
import { japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { startTestApp, type TestApp } from '../support/testApp';

/** A sync learns, with QRESYNC on a real Dovecot, what happened on the server to mails already imported. */
describe('mails answered or deleted on the server after import', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let clock: Date;
  let accountId: number;

  beforeEach(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    clock = new Date('2026-11-24T01:00:00Z');
    t = await startTestApp({ now: () => clock.toISOString() });
    accountId = (await t.call('accounts.save', testMailAccount(dovecot, smtp))).id;
  });
  afterEach(async () => {
    await t.dispose();
    await smtp.stop();
    await dovecot.stop();
  });

  const mail = (i: number) =>
    japaneseMail({ from: `customer${i}@example.jp`, fromName: `お客様${i}`, to: 'support@toot.example', subject: `お問い合わせ${i}`, text: `本文${i}`, messageId: `<changes-${i}@example.jp>` });
  const messageOf = async (subject: string) => {
    const inquiry = (await t.call('inquiries.list', {})).find((i) => i.subject === subject);
    return (await t.call('inquiries.get', { id: inquiry!.id })).messages[0]!;
  };

  it('marks a mail answered from another client and one deleted on the server, keeping both inquiries, first-seen times kept', async () => {
    await dovecot.appendMails([mail(1), mail(2), mail(3)]);
    await t.call('sync.run', { accountId });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: null, removedOnServerAt: null });

    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('1', ['\\Answered'], { uid: true });
      await client.messageDelete('2', { uid: true });
    });
    await dovecot.appendMail(mail(4));
    clock = new Date('2026-11-24T02:00:00Z');
    const report = await t.call('sync.run', { accountId });
    expect(report).toMatchObject({ fetched: 1, newInquiries: 1 });

    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T02:00:00.000Z', removedOnServerAt: null });
    expect(await messageOf('お問い合わせ2')).toMatchObject({ answeredElsewhereAt: null, removedOnServerAt: '2026-11-24T02:00:00.000Z' });
    expect(await messageOf('お問い合わせ3')).toMatchObject({ answeredElsewhereAt: null, removedOnServerAt: null });
    expect(await t.call('inquiries.list', {})).toHaveLength(4);

    // Nothing new: the marks keep the time they were first seen; the server was never changed by the sync.
    clock = new Date('2026-11-24T03:00:00Z');
    await t.call('sync.run', { accountId });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T02:00:00.000Z' });
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const unseen = await client.search({ seen: false }, { uid: true });
      expect(unseen).toEqual([1, 3, 4]);
    });
  });
});

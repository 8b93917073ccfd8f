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

  it('follows a mail moved to another folder the sync reads: no longer marked gone, and changes to it there are learned', async () => {
    await dovecot.appendMail(mail(9), 'Support');
    const both = (await t.call('accounts.save', { ...testMailAccount(dovecot, smtp), id: accountId, folders: ['INBOX', 'Support'] })).id;
    await dovecot.appendMails([mail(1), mail(2)]);
    await t.call('sync.run', { accountId: both });
    // Filed into Support from another mail client: INBOX no longer has it.
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageMove('1', 'Support', { uid: true });
      await client.messageDelete('2', { uid: true });
    });
    clock = new Date('2026-11-24T02:00:00Z');
    expect(await t.call('sync.run', { accountId: both })).toMatchObject({ fetched: 1, newInquiries: 0 });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ removedOnServerAt: null });
    expect(await messageOf('お問い合わせ2')).toMatchObject({ removedOnServerAt: '2026-11-24T02:00:00.000Z' });
    expect(await t.call('inquiries.list', {})).toHaveLength(3);

    // Where it is now, it is answered from another client, then deleted.
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('Support');
      const [moved] = (await client.search({ header: { 'message-id': '<changes-1@example.jp>' } }, { uid: true })) || [];
      await client.messageFlagsAdd(String(moved), ['\\Answered'], { uid: true });
    });
    clock = new Date('2026-11-24T03:00:00Z');
    await t.call('sync.run', { accountId: both });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T03:00:00.000Z', removedOnServerAt: null });
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('Support');
      await client.messageDelete({ header: { 'message-id': '<changes-1@example.jp>' } });
    });
    clock = new Date('2026-11-24T04:00:00Z');
    await t.call('sync.run', { accountId: both });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ removedOnServerAt: '2026-11-24T04:00:00.000Z' });
  });

  it('marks a mail answered from another client before it was imported at all', async () => {
    await dovecot.appendMail(mail(1), 'INBOX', { flags: ['\\Answered', '\\Seen'] });
    await dovecot.appendMail(mail(2), 'INBOX', { flags: ['\\Seen'] });
    await t.call('sync.run', { accountId });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T01:00:00.000Z', removedOnServerAt: null });
    expect(await messageOf('お問い合わせ2')).toMatchObject({ answeredElsewhereAt: null });
    // Known from the start, it stays marked with that time through later syncs.
    clock = new Date('2026-11-24T02:00:00Z');
    await t.call('sync.run', { accountId });
    expect(await messageOf('お問い合わせ1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T01:00:00.000Z' });
  });
});

/** The same on a server that cannot list deleted mails itself (Gmail offers CONDSTORE but not QRESYNC). */
describe('mails deleted on a server without QRESYNC', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let clock: Date;

  beforeEach(async () => {
    dovecot = await startDovecot({ without: ['QRESYNC'] });
    smtp = await startSmtpReceiver();
    clock = new Date('2026-11-24T01:00:00Z');
    t = await startTestApp({ now: () => clock.toISOString() });
  });
  afterEach(async () => {
    await t.dispose();
    await smtp.stop();
    await dovecot.stop();
  });

  const mail = (id: string) =>
    japaneseMail({ from: `${id}@example.jp`, to: 'support@toot.example', subject: `件名 ${id}`, text: '本文', messageId: `<${id}@example.jp>` });
  const removedOnServerAt = async () => {
    const marks = new Map<string, string | null | undefined>();
    for (const inquiry of await t.call('inquiries.list', {})) {
      marks.set(inquiry.subject, (await t.call('inquiries.get', { id: inquiry.id })).messages[0]!.removedOnServerAt);
    }
    return Object.fromEntries([...marks].sort());
  };
  const deleteOnServer = (uid: string) =>
    dovecot.withClient(async (client) => {
      await client.mailboxOpen('Support');
      await client.messageDelete(uid, { uid: true });
    });

  it('learns deletions from the list of mails still there, and marks no mail by a UID of an older numbering', async () => {
    await dovecot.appendMails([mail('old-1'), mail('old-2'), mail('old-3')], 'Support');
    const accountId = (await t.call('accounts.save', testMailAccount(dovecot, smtp, { folders: ['Support'] }))).id;
    await t.call('sync.run', { accountId });

    await deleteOnServer('2');
    clock = new Date('2026-11-24T02:00:00Z');
    await t.call('sync.run', { accountId });
    expect(await removedOnServerAt()).toEqual({ '件名 old-1': null, '件名 old-2': '2026-11-24T02:00:00.000Z', '件名 old-3': null });

    // The server loses its numbering (a new UIDVALIDITY): the folder now holds old-1 again and
    // two other mails, under UIDs 1 to 3, and not old-3, stored as UID 3 of the old numbering.
    await dovecot.withClient(async (client) => {
      await client.mailboxDelete('Support');
      await client.mailboxCreate('Support');
    });
    await dovecot.appendMails([mail('old-1'), mail('new-1'), mail('new-2')], 'Support');
    clock = new Date('2026-11-24T03:00:00Z');
    expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 2, newInquiries: 2, skippedDuplicates: 1 });

    // Deleting UIDs 1 and 3 of the new numbering marks old-1 (found again as UID 1) and new-2,
    // never old-3 for the new UID 3.
    await deleteOnServer('1,3');
    clock = new Date('2026-11-24T04:00:00Z');
    await t.call('sync.run', { accountId });
    expect(await removedOnServerAt()).toEqual({
      '件名 new-1': null,
      '件名 new-2': '2026-11-24T04:00:00.000Z',
      '件名 old-1': '2026-11-24T04:00:00.000Z',
      '件名 old-2': '2026-11-24T02:00:00.000Z',
      '件名 old-3': null,
    });
  });
});

/** A server whose folders live under a namespace prefix (cPanel's "INBOX."), with the folder named as staff type it. */
describe('mails answered or deleted in a folder under a namespace prefix', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  beforeEach(async () => {
    dovecot = await startDovecot({ namespacePrefix: 'INBOX.' });
    smtp = await startSmtpReceiver();
    t = await startTestApp({ now: () => '2026-11-24T01:00:00.000Z' });
  });
  afterEach(async () => {
    await t.dispose();
    await smtp.stop();
    await dovecot.stop();
  });

  it('learns them from QRESYNC though the server names the folder "INBOX.Support"', async () => {
    const mail = (i: number) => japaneseMail({ from: `c${i}@example.jp`, to: 'support@toot.example', subject: `接頭辞${i}`, text: `本文${i}`, messageId: `<prefix-${i}@example.jp>` });
    const [first, second] = await dovecot.appendMails([mail(1), mail(2), mail(3)], 'Support');
    const folders = await dovecot.withClient(async (client) => (await client.list()).map((f) => f.path));
    expect(folders).toContain('INBOX.Support');
    const { id: accountId } = await t.call('accounts.save', testMailAccount(dovecot, smtp, { folders: ['Support'] }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 3 });

    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('Support');
      await client.messageFlagsAdd(String(first), ['\\Answered'], { uid: true });
      await client.messageDelete(String(second), { uid: true });
    });
    await t.call('sync.run', { accountId });
    const messageOf = async (subject: string) => {
      const inquiry = (await t.call('inquiries.list', {})).find((i) => i.subject === subject);
      return (await t.call('inquiries.get', { id: inquiry!.id })).messages[0]!;
    };
    expect(await messageOf('接頭辞1')).toMatchObject({ answeredElsewhereAt: '2026-11-24T01:00:00.000Z', removedOnServerAt: null });
    expect(await messageOf('接頭辞2')).toMatchObject({ removedOnServerAt: '2026-11-24T01:00:00.000Z' });
    expect(await messageOf('接頭辞3')).toMatchObject({ answeredElsewhereAt: null, removedOnServerAt: null });
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { abortableSleep, type ReconnectPolicy } from '../../electron/sync/reconnect';
import { inspectDatabase } from '../support/inspectDatabase';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startRefusingImapProxy, type RefusingImapProxy } from '../support/refusingImapProxy';
import { startTestApp, type TestApp } from '../support/testApp';
import { proxiedSyncAccount } from '../support/mailAccount';
import { storedMessageIds } from '../support/storedMail';
import { localizeUserMessage } from '../../shared/userMessages';

const SUPPORT = 'support@toot.example';
const MAILS = 8;
const TIMEOUT_MS = 120_000;
/** The app's policy (three attempts), quicker. */
const QUICK_RECONNECT: ReconnectPolicy = { delaysMs: [100, 200, 400], sleep: abortableSleep };

function customerMail(i: number): Buffer {
  return japaneseMail({
    from: `customer${i}@example.jp`,
    fromName: `顧客 ${i}`,
    to: SUPPORT,
    subject: `お問い合わせ ${i}`,
    text: `注文番号 ${i} の件です。\n`,
    messageId: `<refusal-${i}@example.jp>`,
  });
}

/**
 * A server that will not hand over one mail (Gmail answers `NO Some messages could not be
 * FETCHed` for a mail it cannot read) must not hold up the folder for good: the mail is set aside
 * with the server's words, and every other mail comes in once. A server whose storage is down
 * refuses everything: then nothing is set aside, and the folder is fetched again later.
 */
describe('a sync against a server that refuses to hand over mail', () => {
  let dovecot: DovecotServer;
  let uids: number[];
  let proxy: RefusingImapProxy;
  let t: TestApp;

  beforeAll(async () => {
    dovecot = await startDovecot();
    uids = await dovecot.appendMails(Array.from({ length: MAILS }, (_, i) => customerMail(i)));
  }, TIMEOUT_MS);
  afterAll(async () => dovecot?.stop());
  beforeEach(async () => {
    proxy = await startRefusingImapProxy(dovecot);
    t = await startTestApp();
  });
  afterEach(async () => {
    await t?.dispose();
    await proxy?.stop();
  });

  const addAccount = async (folders?: string[]) => (await t.call('accounts.save', proxiedSyncAccount(dovecot, proxy, folders ? { folders } : {}))).id;

  const messageIdsExcept = (...skipped: number[]) =>
    Array.from({ length: MAILS }, (_, i) => i)
      .filter((i) => !skipped.includes(i))
      .map((i) => `<refusal-${i}@example.jp>`)
      .sort();
  /** The app again, its reconnect waits short: tests of dropped connections. */
  const restartReconnectingQuickly = async () => {
    await t.dispose();
    t = await startTestApp({ sync: { reconnect: QUICK_RECONNECT } });
  };
  /** The server hands over everything now: the next sync files what was set aside, and every mail is stored once. */
  const everyMailComesInOnceTheServerHandsItOver = async (accountId: number) => {
    proxy.forward();
    await t.call('sync.run', { accountId });
    expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
    expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
  };
  const inboxCursor = async () => (await t.call('sync.status', {}))[0]?.folders.find((f) => f.folder === 'INBOX')?.lastUid;

  it(
    'sets aside the mails the server refuses, with its words, stores every other one once, and files them when staff retry later',
    async () => {
      const accountId = await addAccount();
      // One in the middle of the FETCH, and the folder's last mail (nothing after it shows the server still answers).
      const refused = [uids[2] as number, uids[MAILS - 1] as number];
      proxy.refuseContent(refused);

      const report = await t.call('sync.run', { accountId });

      expect(report).toMatchObject({ newInquiries: MAILS - 2, quarantined: 2, skippedDuplicates: 0 });
      expect(report.folders).toEqual([{ folder: 'INBOX', fetched: MAILS, error: null }]);
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept(2, MAILS - 1));
      // The cursor is past both: the next sync does not stop at them again.
      expect(await inboxCursor()).toBe(uids.at(-1));
      const setAside = await t.call('sync.quarantine', { accountId });
      expect(setAside.map((m) => m.uid).sort((a, b) => a - b)).toEqual(refused);
      for (const mail of setAside) {
        expect(mail.reason).toBe('The IMAP server would not hand over this mail (the server said: Some messages could not be FETCHed (Failure)): retry later, or open it in webmail');
      }
      const [status] = await t.call('sync.status', {});
      expect(status?.lastError).toBeNull();

      // Nothing new and nothing twice on the next sync, though the server still refuses them.
      const again = await t.call('sync.run', { accountId });
      expect(again).toMatchObject({ fetched: 0, newInquiries: 0, quarantined: 0 });

      // While the server still refuses, a retry says so and keeps the mail set aside.
      await expect(t.call('sync.retryQuarantined', { id: (setAside[0] as { id: number }).id })).rejects.toMatchObject({
        code: 'IMAP_ERROR',
        message: expect.stringMatching(/Some messages could not be FETCHed/),
      });
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(2);

      // Once the server hands them over, staff's retry files them: every mail once.
      proxy.forward();
      for (const mail of setAside) expect(await t.call('sync.retryQuarantined', { id: mail.id })).toMatchObject({ outcome: 'new', reason: null });
      expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
    },
    TIMEOUT_MS,
  );

  it.each([
    // Refused in the FETCH of all, then alone; the third ask brings it.
    ['refused in the FETCH of many, and once more on its own', (p: RefusingImapProxy, uid: number) => p.refuseContent([uid], { times: 2 }), { asked: 2, refusals: 2 }],
    // Not taken for deleted: asked for alone, it comes.
    ['left out of a FETCH of many that still ended OK', (p: RefusingImapProxy, uid: number) => p.omitContent([uid], { times: 1 }), { asked: 1, refusals: 0 }],
  ])(
    'sets nothing aside, and loses nothing, for a mail withheld for a moment: %s, it comes in when asked for again',
    async (_how, withhold, expected) => {
      const accountId = await addAccount();
      const flaky = uids[3] as number;
      withhold(proxy, flaky);

      const report = await t.call('sync.run', { accountId });

      expect(report).toMatchObject({ fetched: MAILS, newInquiries: MAILS, quarantined: 0 });
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
      expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
      expect(proxy.contentAsked.get(flaky)).toBe(expected.asked);
      expect(proxy.refusals).toBe(expected.refusals);
    },
    TIMEOUT_MS,
  );

  it.each([
    ['leaves it out of its answers', {}],
    ['answers for it alone with its flags but no content', { flagsWithoutContent: true }],
  ])(
    'sets aside a mail the server always withholds (it %s), saying so, and files it once the server hands it over',
    async (_how, how) => {
      const accountId = await addAccount();
      const left = uids[4] as number;
      proxy.omitContent([left], how);

      const report = await t.call('sync.run', { accountId });

      expect(report).toMatchObject({ newInquiries: MAILS - 1, quarantined: 1 });
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept(4));
      expect(await inboxCursor()).toBe(uids.at(-1));
      const [setAside] = await t.call('sync.quarantine', { accountId });
      expect(setAside).toMatchObject({ uid: left });
      expect(setAside?.reason).toBe("The IMAP server would not hand over this mail (the server said: OK, but without the mail's content): retry later, or open it in webmail");
      expect(localizeUserMessage(setAside?.reason ?? '', 'ja')).toBe(
        'IMAP サーバーがこのメールを渡しませんでした（サーバーの応答: OK（メールの内容なし））。後でもう一度試すか、Web メールで開いてください。',
      );
      // Staff's retry while the server still withholds it says so, and does not call it gone.
      await expect(t.call('sync.retryQuarantined', { id: setAside!.id })).rejects.toMatchObject({
        code: 'IMAP_ERROR',
        message: expect.stringMatching(/without the mail's content/),
      });
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(1);

      await everyMailComesInOnceTheServerHandsItOver(accountId);
    },
    TIMEOUT_MS,
  );

  it(
    'sets aside a mail the server hangs up on each time it is fetched, and syncs every other mail: the account does not fail for good',
    async () => {
      await restartReconnectingQuickly();
      const accountId = await addAccount();
      const poison = uids[2] as number;
      proxy.hangUpOn([poison]);

      const report = await t.call('sync.run', { accountId });

      expect(report).toMatchObject({ newInquiries: MAILS - 1, quarantined: 1 });
      expect(report.folders).toEqual([{ folder: 'INBOX', fetched: MAILS, error: null }]);
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept(2));
      expect(await inboxCursor()).toBe(uids.at(-1));
      const [setAside, ...others] = await t.call('sync.quarantine', { accountId });
      expect(others).toEqual([]);
      expect(setAside).toMatchObject({ uid: poison, reason: 'The connection to the IMAP server dropped each time this mail was fetched: retry later, or open it in webmail' });
      expect((await t.call('sync.status', {}))[0]?.lastError).toBeNull();

      // A later sync asks for it once, is hung up on, and goes on: the account does not fail for it.
      const asked = proxy.contentAsked.get(poison) ?? 0;
      expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 0, quarantined: 0 });
      expect(proxy.contentAsked.get(poison)).toBe(asked + 1);
      expect((await t.call('sync.status', {}))[0]?.lastError).toBeNull();
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(1);

      // Staff's retry says the connection was lost, and keeps it; once the server hands it over, it is filed.
      await expect(t.call('sync.retryQuarantined', { id: setAside!.id })).rejects.toMatchObject({ code: 'IMAP_UNREACHABLE' });
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(1);
      proxy.forward();
      expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'new' });
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
    },
    TIMEOUT_MS,
  );

  it(
    'keeps a set-aside mail set aside when the server hangs up on it as the sync asks for it again, and goes on with the new mail',
    async () => {
      await restartReconnectingQuickly();
      const folder = 'AskedAgain';
      const [, mail] = await dovecot.appendMails([customerMail(200), customerMail(201), customerMail(202)], folder);
      const accountId = await addAccount([folder]);
      proxy.refuseContent([mail as number]);
      expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: 2, quarantined: 1 });

      proxy.hangUpOn([mail as number]);
      const [later] = await dovecot.appendMails([customerMail(203)], folder);
      expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: 1, quarantined: 0 });

      expect(proxy.contentAsked.get(mail as number)).toBe(1);
      expect(await t.call('sync.quarantine', { accountId })).toMatchObject([{ uid: mail, reason: expect.stringMatching(/^The IMAP server would not hand over/) }]);
      const [status] = await t.call('sync.status', {});
      expect(status?.lastError).toBeNull();
      expect(status?.folders.find((f) => f.folder === folder)?.lastUid).toBe(later);
    },
    TIMEOUT_MS,
  );

  it(
    'sets aside no more than one mail per sync when the connection drops whatever is fetched: the account fails as unreachable, and every mail comes in once the server recovers',
    async () => {
      await restartReconnectingQuickly();
      const accountId = await addAccount();
      proxy.hangUpOn(uids);

      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_UNREACHABLE' });
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(1);
      expect(await storedMessageIds(t)).toEqual([]);

      await everyMailComesInOnceTheServerHandsItOver(accountId);
    },
    TIMEOUT_MS,
  );

  it(
    'does not take a mail left out of the answer for deleted when the server cannot say whether it is still there: the folder fails, and the mail comes in later',
    async () => {
      const accountId = await addAccount();
      proxy.omitContent([uids[4] as number], { flagsRefused: true });

      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_ERROR', message: expect.stringMatching(/Internal error occurred/) });
      expect(await inboxCursor()).toBeLessThan(uids[4] as number);

      await everyMailComesInOnceTheServerHandsItOver(accountId);
    },
    TIMEOUT_MS,
  );

  it(
    'keeps a mail set aside, saying why, when the server hands it over at last but the database refuses its data: neither the sync nor staff’s retry fails for it',
    async () => {
      const accountId = await addAccount();
      proxy.refuseContent([uids[5] as number]);
      expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: MAILS - 1, quarantined: 1 });
      // A rule the database enforces, standing in for any data it could refuse.
      await t.app.close();
      await inspectDatabase(t.dataDir, (raw) =>
        raw.exec("CREATE TRIGGER refuse_mail BEFORE INSERT ON inquiries WHEN NEW.subject = 'お問い合わせ 5' BEGIN SELECT RAISE(ABORT, 'refused'); END"),
      );
      await t.restart();
      proxy.forward();

      expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 0 });
      expect((await t.call('sync.status', {}))[0]?.lastError).toBeNull();
      const [setAside, ...others] = await t.call('sync.quarantine', { accountId });
      expect(others).toEqual([]);
      expect(setAside).toMatchObject({ uid: uids[5], reason: 'The mail could not be stored (SQLITE_CONSTRAINT_TRIGGER)', subject: 'お問い合わせ 5' });

      expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'setAside', reason: 'The mail could not be stored (SQLITE_CONSTRAINT_TRIGGER)' });
      expect(await t.call('sync.quarantine', { accountId })).toHaveLength(1);
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept(5));
    },
    TIMEOUT_MS,
  );

  it(
    'files a mail it set aside for a refusal on a later sync, once the server hands it over, with no one asking',
    async () => {
      const accountId = await addAccount();
      proxy.refuseContent([uids[5] as number]);
      expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: MAILS - 1, quarantined: 1 });

      proxy.forward();
      await t.call('sync.run', { accountId });

      expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
      // Once: a further sync fetches nothing more.
      expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 0, newInquiries: 0 });
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
    },
    TIMEOUT_MS,
  );

  it(
    'sets nothing aside when the server says the fault is its own (NO [UNAVAILABLE]), though it still answers for flags: the folder fails and comes in whole later',
    async () => {
      const accountId = await addAccount();
      proxy.refuseContent('all', { code: 'UNAVAILABLE' });

      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_ERROR', message: expect.stringMatching(/Internal error occurred/) });

      expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
      expect(await storedMessageIds(t)).toEqual([]);
      expect(await inboxCursor()).toBe(0);
      proxy.forward();
      expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: MAILS, newInquiries: MAILS, quarantined: 0 });
    },
    TIMEOUT_MS,
  );

  it(
    'goes on after a renumbered folder when the server refuses a mail while its Message-IDs are compared: nothing stored twice, the folder not stuck',
    async () => {
      const folder = 'Renumbered';
      const raws = Array.from({ length: 4 }, (_, i) => customerMail(100 + i));
      await dovecot.appendMails(raws, folder);
      const accountId = await addAccount([folder]);
      expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: 4 });
      await dovecot.withClient(async (client) => {
        await client.mailboxDelete(folder);
        await client.mailboxCreate(folder);
      });
      const renumbered = await dovecot.appendMails(raws, folder);
      proxy.refuseContent([renumbered[1] as number]);

      const report = await t.call('sync.run', { accountId });

      expect(report).toMatchObject({ newInquiries: 0, skippedDuplicates: 3, quarantined: 1 });
      expect(report.folders).toEqual([{ folder, fetched: 1, error: null }]);
      expect((await t.call('inquiries.list', {})).length).toBe(4);
      const [status] = await t.call('sync.status', {});
      expect(status?.folders.find((f) => f.folder === folder)?.lastUid).toBe(renumbered.at(-1));
      // Handed over at last, it is the mail already stored: filed as that, not twice.
      proxy.forward();
      const [setAside] = await t.call('sync.quarantine', { accountId });
      expect(await t.call('sync.retryQuarantined', { id: setAside!.id })).toMatchObject({ outcome: 'duplicate' });
      expect((await t.call('inquiries.list', {})).length).toBe(4);
    },
    TIMEOUT_MS,
  );

  it(
    'sets nothing aside when the server refuses every fetch: the folder fails with the server’s words and comes in whole once the server recovers',
    async () => {
      const accountId = await addAccount();
      proxy.refuseAllFetches();

      await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_ERROR', message: expect.stringMatching(/Internal error occurred/) });
      expect(proxy.refusals).toBeGreaterThan(0);
      expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
      expect(await storedMessageIds(t)).toEqual([]);
      expect(await inboxCursor()).toBe(0);

      proxy.forward();
      const report = await t.call('sync.run', { accountId });
      expect(report).toMatchObject({ fetched: MAILS, newInquiries: MAILS, quarantined: 0 });
      expect(await storedMessageIds(t)).toEqual(messageIdsExcept());
    },
    TIMEOUT_MS,
  );
});

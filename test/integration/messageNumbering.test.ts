import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRefusedByServer, SERVER_REFUSED, syncCursorStatements } from '../../electron/accounts/syncStateRepository';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';
import { openDatabase, type OpenedDatabase } from '../../electron/db/openDatabase';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { ingestMail, ingestStore, type IngestContext } from '../../electron/sync/ingestMail';
import { japaneseMail } from '../support/mailFixtures';

const ACCOUNT_SQL = `INSERT INTO mail_accounts (id, label, imap_host, imap_port, imap_tls, imap_user, smtp_host, smtp_port, smtp_tls, smtp_user, from_address, from_name)
  VALUES (1, 'support', '127.0.0.1', 143, 0, 'u', '127.0.0.1', 25, 0, '', 'support@toot.example', 'TOOT')`;

/** Which numbering (UIDVALIDITY) of its folder a stored mail's UID belongs to, kept as the folder is renumbered. */
describe('the numbering of a stored mail’s UID', () => {
  it('is filled in for mail stored before it was recorded, from the folder as last synced', () => {
    const db = new BetterSqlite3(':memory:');
    migrate(db, MIGRATIONS.slice(0, 9));
    db.prepare(ACCOUNT_SQL).run();
    db.prepare("INSERT INTO customers (id, name, email, created_at) VALUES (1, '山田', 'y@example.jp', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO inquiries (id, customer_id, channel, status, subject, received_at) VALUES (1, 1, 'email', 'open', '件名', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO sync_state (mail_account_id, folder, uid_validity, last_uid) VALUES (1, 'INBOX', '777', 3)").run();
    const message = db.prepare(
      "INSERT INTO messages (inquiry_id, direction, message_key, subject, body, at, mail_account_id, imap_folder, imap_uid) VALUES (1, 'in', ?, '件名', '本文', '2026-01-01T00:00:00Z', 1, ?, ?)",
    );
    message.run('<a@example.jp>', 'INBOX', 3);
    message.run('<b@example.jp>', 'Never synced', 4);
    db.prepare("INSERT INTO messages (inquiry_id, direction, subject, body, at) VALUES (1, 'out', '返信', '本文', '2026-01-02T00:00:00Z')").run();
    // Another customer's mail in the thread (migration 0023 gives it its sender; others are the inquiry's customer's).
    db.prepare("INSERT INTO customers (id, name, email, created_at) VALUES (2, '佐藤', 'b@example.jp', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO messages (inquiry_id, direction, message_key, from_address, subject, body, at) VALUES (1, 'in', '<c@example.jp>', 'B@example.jp', 'Re: 件名', '本文', '2026-01-03T00:00:00Z')").run();
    db.prepare("INSERT INTO messages (inquiry_id, direction, message_key, from_address, subject, body, at) VALUES (1, 'in', '<d@example.jp>', 'nobody@example.jp', 'Re: 件名', '本文', '2026-01-04T00:00:00Z')").run();
    // Mails set aside then: they take the same numbering (migration 0022 keys them by it).
    const setAside = db.prepare("INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, at) VALUES (1, ?, ?, '読めないメール', '2026-01-01T00:00:00Z')");
    setAside.run('INBOX', 2);
    setAside.run('Never synced', 2);

    migrate(db, MIGRATIONS);
    const numbering = db.prepare('SELECT coalesce(message_key, direction) AS mail, imap_uid_validity AS v FROM messages ORDER BY id').all();
    expect(numbering).toEqual([
      { mail: '<a@example.jp>', v: '777' },
      { mail: '<b@example.jp>', v: null },
      { mail: 'out', v: null },
      { mail: '<c@example.jp>', v: null },
      { mail: '<d@example.jp>', v: null },
    ]);
    // From an address no customer has: presumed the inquiry's customer's.
    expect(db.prepare('SELECT sender_customer_id AS sender, sender_presumed AS presumed FROM messages ORDER BY id').all()).toEqual([
      { sender: 1, presumed: 0 },
      { sender: 1, presumed: 0 },
      { sender: null, presumed: 0 },
      { sender: 2, presumed: 0 },
      { sender: 1, presumed: 1 },
    ]);
    expect(db.prepare('SELECT folder, imap_uid AS uid, reason, uid_validity AS v FROM quarantine ORDER BY id').all()).toEqual([
      { folder: 'INBOX', uid: 2, reason: '読めないメール', v: '777' },
      { folder: 'Never synced', uid: 2, reason: '読めないメール', v: null },
    ]);
    db.close();
  });

  describe('in the encrypted database', () => {
    let dir: string;
    let opened: OpenedDatabase;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'madoguchi-numbering-'));
      opened = openDatabase({ file: join(dir, 'madoguchi.db'), key: randomBytes(32) });
      opened.raw.prepare(ACCOUNT_SQL).run();
    });
    afterEach(async () => {
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const context = (folder: string, uidValidity: string): IngestContext => ({
      accountId: 1,
      folder,
      uidValidity,
      archiveBefore: null,
      ownAddresses: new Set(['support@toot.example']),
      now: '2026-11-25T00:00:00.000Z',
    });
    const located = () => opened.raw.prepare('SELECT imap_folder AS folder, imap_uid AS uid, imap_uid_validity AS v FROM messages').get();

    it('follows a mail fetched again after a renumbering (a sync cut short before it could skip it), keeps the first of two copies, and ignores other folders', async () => {
      const mail = await parseInboundMail(japaneseMail({ from: 'y@example.jp', to: 'support@toot.example', subject: '件名', text: '本文', messageId: '<once@example.jp>' }), '2026-11-25T00:00:00Z');
      const store = ingestStore(opened.raw);
      const arrive = (uid: number, ctx: IngestContext) => ingestMail(store, { uid, internalDate: '2026-11-25T00:00:00.000Z', mail }, ctx).kind;

      expect(arrive(5, context('INBOX', '100'))).toBe('new');
      expect(arrive(9, context('INBOX', '200'))).toBe('duplicate');
      expect(located()).toEqual({ folder: 'INBOX', uid: 9, v: '200' });
      // A second copy in the same numbering, and a copy in another folder: the stored mail stays where it was found first.
      expect(arrive(12, context('INBOX', '200'))).toBe('duplicate');
      expect(arrive(3, context('Support', '300'))).toBe('duplicate');
      expect(located()).toEqual({ folder: 'INBOX', uid: 9, v: '200' });
    });

    it('forgets the old numbering’s HIGHESTMODSEQ when the cursor moves to a new numbering', () => {
      const cursor = syncCursorStatements(opened.raw);
      const modseq = () => opened.raw.prepare("SELECT highest_modseq FROM sync_state WHERE folder = 'INBOX'").pluck().get();
      cursor.save(1, 'INBOX', '100', 10);
      opened.raw.prepare("UPDATE sync_state SET highest_modseq = '42'").run();
      cursor.save(1, 'INBOX', '100', 20);
      expect(modseq()).toBe('42');
      cursor.save(1, 'INBOX', '200', 1);
      expect(modseq()).toBeNull();
    });

    it('asks the server again only for refused mails of the folder’s numbering: those of a mailbox read before do not use up the limit', async () => {
      const insert = opened.raw.prepare("INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, reason_key, at, uid_validity) VALUES (1, 'INBOX', ?, 'refused', ?, '2026-11-25T00:00:00.000Z', ?)");
      for (let uid = 1; uid <= 60; uid++) insert.run(uid, SERVER_REFUSED, 'old-mailbox:2026-11-24T00:00:00.000Z:100');
      insert.run(5, SERVER_REFUSED, '200');
      insert.run(6, 'automaticMail', '200');
      insert.run(7, SERVER_REFUSED, '300');
      const refused = await listRefusedByServer(opened.db, 1, 'INBOX', '200', 50);
      expect(refused.map((row) => row.uid)).toEqual([5]);
    });

    it('gives a mail set aside under a new numbering none of the summary of the mail its UID named before', () => {
      const cursor = syncCursorStatements(opened.raw);
      const summary = () => opened.raw.prepare("SELECT from_text AS sender, subject, sent_at AS date, message_key AS messageKey, uid_validity AS v FROM quarantine WHERE imap_uid = 7").get();
      const place = (uidValidity: string) => ({ accountId: 1, folder: 'INBOX', uidValidity, uid: 7 });
      cursor.quarantine(place('100'), 'first try', '2026-11-25T00:00:00.000Z', { from: 'old@example.jp', subject: '古い件名', date: '2026-11-24T00:00:00.000Z', messageKey: '<old@example.jp>' });
      // Tried again in the same numbering without a summary (it could not be read this time): still that mail.
      cursor.quarantine(place('100'), 'second try', '2026-11-25T01:00:00.000Z', null);
      expect(summary()).toEqual({ sender: 'old@example.jp', subject: '古い件名', date: '2026-11-24T00:00:00.000Z', messageKey: '<old@example.jp>', v: '100' });
      // The folder was renumbered: UID 7 is another, unreadable mail, set aside before the cursor moves.
      cursor.quarantine(place('200'), 'unreadable', '2026-11-26T00:00:00.000Z', null);
      cursor.save(1, 'INBOX', '200', 7);
      expect(summary()).toEqual({ sender: null, subject: null, date: null, messageKey: null, v: '200' });
    });
  });
});

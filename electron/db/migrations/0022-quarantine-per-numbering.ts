import type { Migration } from '../migrate';

/**
 * A set-aside mail is known by its UID within one numbering of the folder (UIDVALIDITY), no longer
 * by its UID alone: the mails set aside from a mailbox the account read before (their numbering
 * marked 'old-mailbox:') stay listed beside those of the mailbox it reads now, where the same UID
 * names another mail, instead of being overwritten by them or dropped at the new mailbox's first sync.
 * Rows set aside before migration 0009 take the numbering of their folder as last saved.
 */
export const quarantinePerNumbering: Migration = {
  version: 22,
  name: 'quarantine-per-numbering',
  sql: `
    UPDATE quarantine SET uid_validity = (
      SELECT s.uid_validity FROM sync_state s WHERE s.mail_account_id = quarantine.mail_account_id AND s.folder = quarantine.folder
    ) WHERE uid_validity IS NULL;
    CREATE TABLE quarantine_new (
      id INTEGER PRIMARY KEY,
      mail_account_id INTEGER NOT NULL,
      folder TEXT NOT NULL,
      imap_uid INTEGER NOT NULL,
      reason TEXT NOT NULL,
      at TEXT NOT NULL,
      uid_validity TEXT,
      from_text TEXT,
      subject TEXT,
      sent_at TEXT,
      reason_key TEXT,
      message_key TEXT,
      UNIQUE (mail_account_id, folder, uid_validity, imap_uid)
    );
    INSERT INTO quarantine_new (id, mail_account_id, folder, imap_uid, reason, at, uid_validity, from_text, subject, sent_at, reason_key, message_key)
      SELECT id, mail_account_id, folder, imap_uid, reason, at, uid_validity, from_text, subject, sent_at, reason_key, message_key FROM quarantine;
    DROP TABLE quarantine;
    ALTER TABLE quarantine_new RENAME TO quarantine;
  `,
};

import type { Migration } from '../migrate';

/**
 * Which numbering of its folder a stored mail's UID belongs to (UIDVALIDITY). After the server
 * renumbers a folder, an old UID may name another mail, or none: a mail is taken to be deleted on
 * the server, when the server cannot say so itself, only by a UID of the folder's current numbering.
 * Null for mail stored before, and for mail that did not come from a folder. The index finds a
 * folder's mails by UID without reading every stored message (and decrypting its pages).
 */
export const messageUidValidity: Migration = {
  version: 10,
  name: 'message-uid-validity',
  sql: `
    ALTER TABLE messages ADD COLUMN imap_uid_validity TEXT;
    CREATE INDEX messages_folder_uid ON messages(mail_account_id, imap_folder, imap_uid);
  `,
};

import type { Migration } from '../migrate';

/**
 * Which numbering of its folder a stored mail's UID belongs to (UIDVALIDITY). After the server
 * renumbers a folder, an old UID may name another mail, or none: a stored mail is matched to a
 * server's report (deleted, answered) only by a UID of the numbering it was recorded in.
 *
 * Mail already stored is taken to be of its folder's numbering as last synced: a mail stored
 * under an earlier one and not found again since (which kept its old UID) is the one case this
 * gets wrong, as the app always did before. Mail that did not come from a folder stays null.
 * The index finds a folder's mails of one numbering by UID from the index alone.
 */
export const messageUidValidity: Migration = {
  version: 10,
  name: 'message-uid-validity',
  sql: `
    ALTER TABLE messages ADD COLUMN imap_uid_validity TEXT;
    UPDATE messages SET imap_uid_validity = (
      SELECT s.uid_validity FROM sync_state s WHERE s.mail_account_id = messages.mail_account_id AND s.folder = messages.imap_folder
    ) WHERE imap_uid IS NOT NULL;
    CREATE INDEX messages_folder_uid ON messages(mail_account_id, imap_folder, imap_uid_validity, imap_uid);
  `,
};

import type { Migration } from '../migrate';

/**
 * What happened on the mail server to mails already synced, learned with CONDSTORE/QRESYNC:
 * each folder remembers its HIGHESTMODSEQ, and a mail deleted on the server or answered from
 * another mail client is marked so (never deleted here: the inquiry and its history stay).
 * A table of its own, filled rarely, keeps the hot insert path of messages as it is; it is
 * looked up by account, folder and UID without an index, since changes are few and rare.
 */
export const serverChanges: Migration = {
  version: 7,
  name: 'server-changes',
  sql: `
    ALTER TABLE sync_state ADD COLUMN highest_modseq TEXT;  -- decimal; NULL: the server has no mod-sequences
    CREATE TABLE message_server_state (
      message_id INTEGER PRIMARY KEY REFERENCES messages(id),
      removed_at TEXT,            -- ISO UTC: first seen deleted (expunged) from its folder on the server
      answered_elsewhere_at TEXT  -- ISO UTC: first seen with the \\Answered flag set by another mail client
    );
  `,
};

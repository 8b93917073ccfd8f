import type { Migration } from '../migrate';

/**
 * A set-aside mail keeps its Message-ID (or content hash), as a stored message does. When the
 * registration of its sender is cancelled with their mail's contents, the mail's sender and
 * subject are deleted and its key is remembered in `forgotten_mail`, as a SHA-256 hash only (a
 * Message-ID can carry the sender's domain): should the folder be renumbered and the mail fetched
 * again, it is set aside without them once more.
 */
export const forgottenSetAsideMail: Migration = {
  version: 17,
  name: 'forgotten-set-aside-mail',
  sql: `
    ALTER TABLE quarantine ADD COLUMN message_key TEXT;
    CREATE TABLE forgotten_mail (key_hash TEXT PRIMARY KEY) WITHOUT ROWID;
  `,
};

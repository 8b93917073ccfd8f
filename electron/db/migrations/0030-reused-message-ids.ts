import type { Migration } from '../migrate';

/**
 * Some programs give every mail they send the same Message-ID (a web form, a printer, a script).
 * A received message keeps its Date header as written (`origin_date`, see originDateOf), so that a
 * different mail under a stored Message-ID (from another sender, or dated another time: see
 * isAnotherMail) is told from a copy of the stored one, and kept under a key of its own instead of
 * being skipped as a duplicate. Messages stored before have none: their time (`at`) is their Date
 * header's where they had one. `key_reused` marks a message whose Message-ID another mail came
 * with: mail that names it joins its thread only from its customer.
 */
export const reusedMessageIds: Migration = {
  version: 30,
  name: 'reused-message-ids',
  sql: `
    ALTER TABLE messages ADD COLUMN origin_date TEXT;
    ALTER TABLE messages ADD COLUMN key_reused INTEGER NOT NULL DEFAULT 0;
  `,
};

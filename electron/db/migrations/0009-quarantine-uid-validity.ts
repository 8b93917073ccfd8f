import type { Migration } from '../migrate';

/**
 * Which numbering of the folder a set-aside mail's UID belongs to: after the server renumbers a
 * folder (UIDVALIDITY), the old UID may name another mail. Null for mail set aside before.
 */
export const quarantineUidValidity: Migration = {
  version: 9,
  name: 'quarantine-uid-validity',
  sql: `ALTER TABLE quarantine ADD COLUMN uid_validity TEXT;`,
};

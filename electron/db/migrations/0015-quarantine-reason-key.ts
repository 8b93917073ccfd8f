import type { Migration } from '../migrate';

/**
 * Which message of the catalog (shared/userMessages.ts) a set-aside mail's reason is, stored with
 * it, so that what staff may do with the mail (file it as an inquiry) never depends on reading its
 * English wording back, which a later version may reword. Null for rows set aside before: those are
 * read back from their wording.
 */
export const quarantineReasonKey: Migration = {
  version: 15,
  name: 'quarantine-reason-key',
  sql: `
    ALTER TABLE quarantine ADD COLUMN reason_key TEXT;
  `,
};

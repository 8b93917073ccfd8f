import type { Migration } from '../migrate';

/**
 * Who sent a set-aside mail, its subject and its date, so that staff can tell which mail it is
 * (a web form's inquiry sent as "bulk" looks like any auto-reply by its reason alone). Card
 * numbers are masked before they are written. Null where the mail could not be read, and for
 * mail set aside before.
 */
export const quarantineSummary: Migration = {
  version: 11,
  name: 'quarantine-summary',
  sql: `
    ALTER TABLE quarantine ADD COLUMN from_text TEXT;
    ALTER TABLE quarantine ADD COLUMN subject TEXT;
    ALTER TABLE quarantine ADD COLUMN sent_at TEXT;
  `,
};

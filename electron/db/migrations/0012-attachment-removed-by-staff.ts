import type { Migration } from '../migrate';

/**
 * Staff can delete an attachment's content that holds card data the app could not read (a photo
 * of a card, a scanned form): the policy keeps no card data. Who did it and when are kept on the
 * row, which stays listed by name and size. Null for attachments withheld automatically (a card
 * number found in a text, office or PDF file when the mail was read) and for all others.
 */
export const attachmentRemovedByStaff: Migration = {
  version: 12,
  name: 'attachment-removed-by-staff',
  sql: `
    ALTER TABLE attachments ADD COLUMN removed_by TEXT;
    ALTER TABLE attachments ADD COLUMN removed_at TEXT;
  `,
};

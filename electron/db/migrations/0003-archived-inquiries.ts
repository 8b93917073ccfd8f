import type { Migration } from '../migrate';

/**
 * Mail older than an account's import date is kept as history, not as work: such an inquiry is
 * stored 'closed' (so no status filter shows it as needing attention) and flagged archived, which
 * tells it apart from an inquiry staff closed, keeps it out of the response-time report (it was
 * never handled in Madoguchi), and is cleared when the customer writes again in that thread.
 */
export const archivedInquiries: Migration = {
  version: 3,
  name: 'archived-inquiries',
  sql: `
    ALTER TABLE inquiries ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
  `,
};

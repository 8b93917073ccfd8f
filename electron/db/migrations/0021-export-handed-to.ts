import type { Migration } from '../migrate';

/**
 * The policy may entrust a task (sending the new-product mail) to an outsourcing company, and
 * manages that: each mailing-list export now names to whom the list is handed (the contractor or
 * department that sends it). Null for exports made before this was asked.
 */
export const exportHandedTo: Migration = {
  version: 21,
  name: 'export-handed-to',
  sql: `ALTER TABLE export_log ADD COLUMN handed_to TEXT;`,
};

import type { Migration } from '../migrate';

/**
 * The append-only records refuse UPDATE and DELETE by trigger, but `INSERT OR REPLACE` (and
 * `REPLACE INTO`) got past that: SQLite deletes the row in the way without firing delete triggers
 * (unless a connection turns recursive_triggers on), so a withdrawal could be rewritten as a
 * grant. An insert that would meet a row already there, on any of the table's unique keys, is now
 * refused before it can replace it.
 */
const refuseReplacing = (table: string, existing: string) => `
    CREATE TRIGGER ${table}_no_replace BEFORE INSERT ON ${table}
      WHEN EXISTS (SELECT 1 FROM ${table} WHERE ${existing})
      BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;

export const appendOnlyNoReplace: Migration = {
  version: 26,
  name: 'append-only-no-replace',
  sql: [
    refuseReplacing('consent_events', 'id = NEW.id'),
    refuseReplacing('export_log', 'id = NEW.id'),
    refuseReplacing('customer_amendments', 'id = NEW.id'),
    refuseReplacing('disclosure_log', 'id = NEW.id'),
    refuseReplacing('registration_cancellations', 'id = NEW.id OR customer_id = NEW.customer_id'),
    refuseReplacing('export_recipients', 'export_id = NEW.export_id AND customer_id = NEW.customer_id'),
    refuseReplacing('third_party_provisions', 'id = NEW.id'),
  ].join('\n'),
};

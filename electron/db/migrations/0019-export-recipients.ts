import type { Migration } from '../migrate';

/**
 * Who each mailing-list export held, so that an export can be traced back to the customers in it:
 * a customer who withdraws after an export was handed to a mailer can be named to that mailer,
 * and a disclosure says when the customer's address was exported. Append-only, like the export log.
 * Exports made before this was kept have no recipients recorded.
 */
export const exportRecipients: Migration = {
  version: 19,
  name: 'export-recipients',
  sql: `
    CREATE TABLE export_recipients (
      export_id INTEGER NOT NULL REFERENCES export_log(id),
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      PRIMARY KEY (export_id, customer_id)
    ) WITHOUT ROWID;
    CREATE INDEX export_recipients_customer ON export_recipients(customer_id, export_id);
    CREATE TRIGGER export_recipients_no_update BEFORE UPDATE ON export_recipients
      BEGIN SELECT RAISE(ABORT, 'export_recipients is append-only'); END;
    CREATE TRIGGER export_recipients_no_delete BEFORE DELETE ON export_recipients
      BEGIN SELECT RAISE(ABORT, 'export_recipients is append-only'); END;
  `,
};

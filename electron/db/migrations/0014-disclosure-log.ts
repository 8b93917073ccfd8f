import type { Migration } from '../migrate';

/**
 * The policy discloses a customer's personal information to them at their request, after
 * verifying who they are. Each disclosure is logged append-only: who prepared it, when, how the
 * request came (source, the inquiry it came in) and the evidence, including how the customer was
 * identified. The disclosed data itself is not copied into the log.
 */
export const disclosureLog: Migration = {
  version: 14,
  name: 'disclosure-log',
  sql: `
    CREATE TABLE disclosure_log (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      disclosed_by TEXT NOT NULL,
      disclosed_at TEXT NOT NULL,
      source TEXT NOT NULL,
      source_inquiry_id INTEGER REFERENCES inquiries(id),
      evidence TEXT NOT NULL              -- card numbers masked
    );
    CREATE INDEX disclosure_log_customer ON disclosure_log(customer_id, id);
    CREATE TRIGGER disclosure_log_no_update BEFORE UPDATE ON disclosure_log
      BEGIN SELECT RAISE(ABORT, 'disclosure_log is append-only'); END;
    CREATE TRIGGER disclosure_log_no_delete BEFORE DELETE ON disclosure_log
      BEGIN SELECT RAISE(ABORT, 'disclosure_log is append-only'); END;
  `,
};

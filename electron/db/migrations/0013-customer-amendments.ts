import type { Migration } from '../migrate';

/**
 * The policy has customers amend their registration details through the point of contact. Each
 * amendment is an append-only record, like a consent: who recorded it, when, how the request came
 * (source, the inquiry it came in), the evidence, and which fields changed. Not the values before
 * the change: what the customer asked to correct is not kept.
 */
export const customerAmendments: Migration = {
  version: 13,
  name: 'customer-amendments',
  sql: `
    CREATE TABLE customer_amendments (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      fields TEXT NOT NULL,               -- JSON array: "name", "email", "phone", "postalAddress"
      recorded_by TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      source TEXT NOT NULL,
      source_inquiry_id INTEGER REFERENCES inquiries(id),
      evidence TEXT NOT NULL              -- card numbers masked
    );
    CREATE INDEX customer_amendments_customer ON customer_amendments(customer_id, id);
    CREATE TRIGGER customer_amendments_no_update BEFORE UPDATE ON customer_amendments
      BEGIN SELECT RAISE(ABORT, 'customer_amendments is append-only'); END;
    CREATE TRIGGER customer_amendments_no_delete BEFORE DELETE ON customer_amendments
      BEGIN SELECT RAISE(ABORT, 'customer_amendments is append-only'); END;
  `,
};

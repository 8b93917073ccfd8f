import type { Migration } from '../migrate';

/**
 * The policy lets customers cancel their registration through the point of contact. A cancelled
 * customer keeps their number (their consent records, amendments and disclosures refer to it, and
 * stay as the evidence that the request was honoured) but not their details; `registration_cancelled_at`
 * says when. Each cancellation is an append-only record: who, when, how the request came, the
 * evidence, and whether the contents of their inquiries were deleted too.
 */
export const registrationCancellations: Migration = {
  version: 16,
  name: 'registration-cancellations',
  sql: `
    ALTER TABLE customers ADD COLUMN registration_cancelled_at TEXT;
    CREATE TABLE registration_cancellations (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      cancelled_by TEXT NOT NULL,
      cancelled_at TEXT NOT NULL,
      source TEXT NOT NULL,
      source_inquiry_id INTEGER REFERENCES inquiries(id),
      evidence TEXT NOT NULL,             -- card numbers masked
      contents_deleted INTEGER NOT NULL   -- 1: the messages of their inquiries were deleted too
    );
    CREATE UNIQUE INDEX registration_cancellations_customer ON registration_cancellations(customer_id);
    CREATE TRIGGER registration_cancellations_no_update BEFORE UPDATE ON registration_cancellations
      BEGIN SELECT RAISE(ABORT, 'registration_cancellations is append-only'); END;
    CREATE TRIGGER registration_cancellations_no_delete BEFORE DELETE ON registration_cancellations
      BEGIN SELECT RAISE(ABORT, 'registration_cancellations is append-only'); END;
  `,
};

import type { Migration } from '../migrate';

/**
 * The policy provides a customer's personal information to a third party only with their consent,
 * to protect someone's life, health or property when consent cannot be had, or when a law requires
 * it. Each such provision is an append-only record (the law asks for one, kept for years, which the
 * customer may ask to see): to whom, what, on which of those grounds, the evidence, when it was
 * provided, and who recorded it when. Kept after a cancelled registration, like the other records.
 */
export const thirdPartyProvisions: Migration = {
  version: 20,
  name: 'third-party-provisions',
  sql: `
    CREATE TABLE third_party_provisions (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      recipient TEXT NOT NULL,             -- who received it (an organisation, its department)
      items TEXT NOT NULL,                 -- what was provided (card numbers masked)
      basis TEXT NOT NULL CHECK (basis IN ('consent', 'protection_of_life', 'legal_request')),
      evidence TEXT NOT NULL,              -- card numbers masked
      provided_on TEXT NOT NULL,           -- the Tokyo calendar day it was provided
      recorded_by TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      source_inquiry_id INTEGER REFERENCES inquiries(id)
    );
    CREATE INDEX third_party_provisions_customer ON third_party_provisions(customer_id, id);
    CREATE TRIGGER third_party_provisions_no_update BEFORE UPDATE ON third_party_provisions
      BEGIN SELECT RAISE(ABORT, 'third_party_provisions is append-only'); END;
    CREATE TRIGGER third_party_provisions_no_delete BEFORE DELETE ON third_party_provisions
      BEGIN SELECT RAISE(ABORT, 'third_party_provisions is append-only'); END;
  `,
};

import type { Migration } from '../migrate';

/** The first schema: customers, inquiries and their messages, mail accounts, consent and audit logs. */
export const initial: Migration = {
  version: 1,
  name: 'initial',
  sql: `
    -- Keys for field-level sealing (mail passwords), readable only inside the unlocked database.
    CREATE TABLE app_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);

    CREATE TABLE customers (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT,                         -- lower-cased, used to match incoming mail
      phone TEXT,
      postal_address TEXT,
      email_undeliverable INTEGER NOT NULL DEFAULT 0,
      created_at TEXT NOT NULL
    );
    CREATE UNIQUE INDEX customers_email ON customers(email) WHERE email IS NOT NULL;

    CREATE TABLE mail_accounts (
      id INTEGER PRIMARY KEY,
      label TEXT NOT NULL,
      imap_host TEXT NOT NULL,
      imap_port INTEGER NOT NULL,
      imap_tls INTEGER NOT NULL,
      imap_user TEXT NOT NULL,
      imap_password TEXT,
      smtp_host TEXT NOT NULL,
      smtp_port INTEGER NOT NULL,
      smtp_tls INTEGER NOT NULL,
      smtp_user TEXT NOT NULL,
      smtp_password TEXT,
      from_address TEXT NOT NULL,
      from_name TEXT NOT NULL,
      last_sync_at TEXT,
      last_error TEXT
    );

    CREATE TABLE inquiries (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      channel TEXT NOT NULL CHECK (channel IN ('email','post','fax','phone')),
      status TEXT NOT NULL CHECK (status IN ('open','answered','closed')),
      subject TEXT NOT NULL,
      received_at TEXT NOT NULL,
      first_response_at TEXT,
      mail_account_id INTEGER REFERENCES mail_accounts(id),
      logged_by TEXT
    );
    CREATE INDEX inquiries_received ON inquiries(received_at);
    CREATE INDEX inquiries_customer ON inquiries(customer_id);

    CREATE TABLE messages (
      id INTEGER PRIMARY KEY,
      inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),
      direction TEXT NOT NULL CHECK (direction IN ('in','out')),
      message_key TEXT,                  -- RFC 5322 Message-ID, or a content hash when missing
      in_reply_to TEXT,
      reference_ids TEXT,                -- space-separated Message-IDs
      from_address TEXT,
      to_address TEXT,
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      at TEXT NOT NULL,
      author TEXT,
      mail_account_id INTEGER REFERENCES mail_accounts(id),
      imap_folder TEXT,
      imap_uid INTEGER
    );
    CREATE UNIQUE INDEX messages_key ON messages(message_key) WHERE message_key IS NOT NULL;
    CREATE INDEX messages_inquiry ON messages(inquiry_id);

    CREATE TABLE sync_state (
      mail_account_id INTEGER NOT NULL REFERENCES mail_accounts(id) ON DELETE CASCADE,
      folder TEXT NOT NULL,
      uid_validity TEXT NOT NULL,
      last_uid INTEGER NOT NULL,
      PRIMARY KEY (mail_account_id, folder)
    );

    CREATE TABLE quarantine (
      id INTEGER PRIMARY KEY,
      mail_account_id INTEGER NOT NULL,
      folder TEXT NOT NULL,
      imap_uid INTEGER NOT NULL,
      reason TEXT NOT NULL,
      at TEXT NOT NULL,
      UNIQUE (mail_account_id, folder, imap_uid)
    );

    -- Consent is append-only: every change is a new row with who, when, source and evidence.
    CREATE TABLE consent_events (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      purpose TEXT NOT NULL,
      channel TEXT NOT NULL,
      action TEXT NOT NULL CHECK (action IN ('grant','withdraw')),
      recorded_by TEXT NOT NULL,
      recorded_at TEXT NOT NULL,
      source TEXT NOT NULL,
      source_inquiry_id INTEGER REFERENCES inquiries(id),
      evidence TEXT NOT NULL
    );
    CREATE INDEX consent_events_customer ON consent_events(customer_id, purpose, channel, id);
    CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
      BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;
    CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
      BEGIN SELECT RAISE(ABORT, 'consent_events is append-only'); END;

    -- Every export of a mailing list is logged (who, when, how many); append-only too.
    CREATE TABLE export_log (
      id INTEGER PRIMARY KEY,
      list_key TEXT NOT NULL,
      exported_by TEXT NOT NULL,
      exported_at TEXT NOT NULL,
      row_count INTEGER NOT NULL
    );
    CREATE TRIGGER export_log_no_update BEFORE UPDATE ON export_log
      BEGIN SELECT RAISE(ABORT, 'export_log is append-only'); END;
    CREATE TRIGGER export_log_no_delete BEFORE DELETE ON export_log
      BEGIN SELECT RAISE(ABORT, 'export_log is append-only'); END;
  `,
};

import type { Migration } from '../migrate';

/**
 * What reading and answering mail needs beyond the text: the HTML part of a message (shown
 * sanitised by the renderer), attachments kept inside the encrypted database (content only up to
 * the size limit; larger ones are named and sized), canned replies, and a signature per account
 * (its own table, so the account form's columns stay the sync engine's), and the outbox of
 * replies waiting for their undo window or a retry.
 */
export const mailReading: Migration = {
  version: 4,
  name: 'mail-reading',
  sql: `
    CREATE TABLE message_html (
      message_id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
      html TEXT NOT NULL
    );

    CREATE TABLE attachments (
      id INTEGER PRIMARY KEY,
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      file_name TEXT NOT NULL,            -- card numbers masked
      content_type TEXT NOT NULL,
      size INTEGER NOT NULL,              -- decoded bytes
      content_id TEXT,                    -- cid: of inline images, without brackets
      content BLOB                        -- NULL when larger than the limit (not kept)
    );
    CREATE INDEX attachments_message ON attachments(message_id);

    CREATE TABLE reply_templates (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      language TEXT NOT NULL CHECK (language IN ('ja','en')),
      body TEXT NOT NULL,
      updated_by TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );

    -- Replies wait here for the undo window, then are sent; failed sends retry with back-off.
    CREATE TABLE outbox (
      id INTEGER PRIMARY KEY,
      inquiry_id INTEGER NOT NULL REFERENCES inquiries(id),
      body TEXT NOT NULL,                 -- what staff typed (card numbers masked)
      quote_original INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued','sending','retrying','sent','failed','cancelled')),
      send_at TEXT NOT NULL,              -- next attempt: end of the undo window, then back-off
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      message_id INTEGER REFERENCES messages(id),
      queued_by TEXT NOT NULL,
      queued_at TEXT NOT NULL
    );
    CREATE INDEX outbox_due ON outbox(status, send_at);

    CREATE TABLE account_signatures (
      mail_account_id INTEGER PRIMARY KEY REFERENCES mail_accounts(id) ON DELETE CASCADE,
      signature TEXT NOT NULL
    );
  `,
};

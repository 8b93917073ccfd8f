import type { Migration } from '../migrate';

/**
 * A reply whose sending ended without knowing whether it went (the connection broke after the
 * whole mail was handed over; Madoguchi stopped mid-send) is marked `may_have_gone`: it is sent
 * again, or taken back, only once staff say they checked. `mail_message_id` is the Message-ID's
 * own part, chosen when the reply is queued, so that every attempt sends the same one: a mail
 * that went twice is then one mail to the customer's mail program and to threading.
 */
export const outboxMayHaveGone: Migration = {
  version: 28,
  name: 'outbox-may-have-gone',
  sql: `
    ALTER TABLE outbox ADD COLUMN may_have_gone INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE outbox ADD COLUMN mail_message_id TEXT;
    -- Replies that failed so before: their reasons, as they were worded then.
    UPDATE outbox SET may_have_gone = 1
     WHERE status = 'failed'
       AND (last_error LIKE 'Madoguchi stopped while this reply was being sent%' OR last_error LIKE 'The connection to SMTP server % broke after the whole mail was handed over%');
  `,
};

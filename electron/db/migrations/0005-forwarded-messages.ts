import type { Migration } from '../migrate';

/**
 * Messages forwarded inside a mail (message/rfc822 parts), each with its own headers, text, HTML
 * and attachments, in the encrypted database like the mail itself (card numbers masked).
 *
 * A table rather than a JSON column on messages: a forward's attachments are rows of the existing
 * `attachments` table (forwarded_message_id set), so each downloads through the same
 * `attachments.download` by its id, under the same size limit, and a nested forward points at its
 * parent with a real foreign key; deleting a message cascades to all of it. The outer message's
 * own attachment list is those rows with forwarded_message_id NULL (an attached .eml stays one of them).
 *
 * `withheld`: an attached .eml whose bytes were not kept because the message in it held a card
 * number (its masked reading is here; the raw file would not be masked).
 */
export const forwardedMessages: Migration = {
  version: 5,
  name: 'forwarded-messages',
  sql: `
    CREATE TABLE forwarded_messages (
      id INTEGER PRIMARY KEY,
      message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
      parent_id INTEGER REFERENCES forwarded_messages(id) ON DELETE CASCADE,  -- NULL: forwarded in the mail itself
      from_text TEXT NOT NULL,            -- decoded header text, card numbers masked (as every text below)
      to_text TEXT NOT NULL,
      cc_text TEXT NOT NULL,
      sent_at TEXT,                       -- ISO UTC from its Date header; NULL when it had none
      subject TEXT NOT NULL,
      body TEXT NOT NULL,
      html TEXT                           -- unsanitised (the renderer sanitises it), NULL when none
    );
    CREATE INDEX forwarded_messages_message ON forwarded_messages(message_id);

    ALTER TABLE attachments ADD COLUMN forwarded_message_id INTEGER REFERENCES forwarded_messages(id) ON DELETE CASCADE;
    ALTER TABLE attachments ADD COLUMN withheld INTEGER NOT NULL DEFAULT 0;
  `,
};

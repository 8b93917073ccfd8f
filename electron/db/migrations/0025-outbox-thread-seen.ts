import type { Migration } from '../migrate';

/**
 * The thread as staff saw it when they wrote a reply: its latest message then. A reply that waits
 * in the outbox (the undo window, retries while the SMTP server is down) answers and quotes the
 * customer's mail staff answered, not one that came while it waited. Null for replies queued
 * before this, which answer the latest mail when they go, as before.
 */
export const outboxThreadSeen: Migration = {
  version: 25,
  name: 'outbox-thread-seen',
  sql: `ALTER TABLE outbox ADD COLUMN thread_seen_up_to INTEGER;`,
};

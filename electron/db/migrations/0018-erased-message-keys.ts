import { createHash } from 'node:crypto';
import type { Migration } from '../migrate';

/**
 * A cancelled registration whose inquiries' contents were deleted kept each mail's Message-ID,
 * so that the sync would not import the mail again; but a Message-ID can carry the customer's
 * domain or name. Such keys are now kept as a hash (see erasedMessageKey), under which the sync
 * still recognises the mail: this turns the keys of cancellations made before into that form.
 */
export const erasedMessageKeys: Migration = {
  version: 18,
  name: 'erased-message-keys',
  sql: '',
  transform(db) {
    const keyed = db
      .prepare(
        `SELECT m.id, m.message_key AS key FROM messages m
         JOIN inquiries i ON i.id = m.inquiry_id
         JOIN registration_cancellations r ON r.customer_id = i.customer_id AND r.contents_deleted = 1
         WHERE m.message_key IS NOT NULL`,
      )
      .all() as Array<{ id: number; key: string }>;
    const erase = db.prepare('UPDATE messages SET message_key = ? WHERE id = ?');
    // The form erasedMessageKey gives, written out: a migration must not change when that code does.
    for (const { id, key } of keyed) {
      if (!key.startsWith('sha256:')) erase.run(`sha256:${createHash('sha256').update(key).digest('hex')}`, id);
    }
  },
};

import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { ingestMail, ingestStore } from '../../electron/sync/ingestMail';
import { databaseBefore } from '../support/databaseBefore';
import { japaneseMail } from '../support/mailFixtures';

describe('the Message-IDs of a cancelled registration whose contents were deleted', () => {
  it('are turned into hashes for cancellations made before they were kept so, and the mail is still not imported again', async () => {
    const db = databaseBefore(17);
    const customer = db.prepare("INSERT INTO customers (id, name, created_at, registration_cancelled_at) VALUES (?, '(登録抹消済み)', '2026-01-01T00:00:00Z', ?)");
    customer.run(1, '2026-11-01T00:00:00Z');
    customer.run(2, '2026-11-01T00:00:00Z');
    const inquiry = db.prepare("INSERT INTO inquiries (id, customer_id, channel, status, subject, received_at) VALUES (?, ?, 'email', 'closed', '件名', '2026-01-01T00:00:00Z')");
    inquiry.run(1, 1);
    inquiry.run(2, 2);
    const message = db.prepare("INSERT INTO messages (inquiry_id, direction, message_key, subject, body, at) VALUES (?, 'in', ?, '', '', '2026-01-01T00:00:00Z')");
    message.run(1, '<20261101.hanako@example.jp>');
    message.run(2, '<kept@example.com>');
    const cancellation = db.prepare("INSERT INTO registration_cancellations (customer_id, cancelled_by, cancelled_at, source, evidence, contents_deleted) VALUES (?, '佐藤', '2026-11-01T00:00:00Z', 'email', '申し出', ?)");
    cancellation.run(1, 1);
    cancellation.run(2, 0);

    migrate(db, MIGRATIONS);
    const keys = db.prepare('SELECT message_key FROM messages ORDER BY id').pluck().all() as string[];
    expect(keys[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Kept as business records at the customer's choice: the inquiry stays as it was, its key too.
    expect(keys[1]).toBe('<kept@example.com>');

    const store = ingestStore(db);
    const again = await parseInboundMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '退会', text: '退会します。', messageId: '<20261101.hanako@example.jp>' }), '2026-01-01T00:00:00.000Z');
    const ctx = { accountId: 1, folder: 'INBOX', uidValidity: '1', archiveBefore: null, ownAddresses: new Set(['support@toot.example']), now: '2026-11-25T00:00:00.000Z' };
    expect(ingestMail(store, { uid: 9, internalDate: '2026-01-01T00:00:00.000Z', mail: again }, ctx)).toEqual({ kind: 'duplicate' });
    expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(2);
    db.close();
  });
});

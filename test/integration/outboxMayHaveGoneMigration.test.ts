import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';
import { databaseBefore } from '../support/databaseBefore';

describe('replies whose sending ended uncertain before such replies were marked', () => {
  it('are marked as ones that may have gone, by the reason they failed with; other failed replies are not', () => {
    const db = databaseBefore(27);
    db.prepare("INSERT INTO customers (id, name, email, created_at) VALUES (1, '山田 花子', 'hanako@example.jp', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO inquiries (id, customer_id, channel, status, subject, received_at) VALUES (1, 1, 'email', 'open', '件名', '2026-01-01T00:00:00Z')").run();
    const reply = db.prepare(
      "INSERT INTO outbox (id, inquiry_id, body, quote_original, status, send_at, attempts, last_error, queued_by, queued_at) VALUES (?, 1, '回答', 0, ?, '2026-12-01T00:00:00Z', 1, ?, '佐藤', '2026-12-01T00:00:00Z')",
    );
    reply.run(1, 'failed', 'Madoguchi stopped while this reply was being sent: check the Sent folder before sending it again.');
    reply.run(2, 'failed', "The connection to SMTP server smtp.example.jp:587 broke after the whole mail was handed over, before the server confirmed it: it may have been delivered. Check the account's Sent folder (or ask the customer) before sending it again.");
    reply.run(3, 'failed', 'SMTP server smtp.example.jp:587 refused the recipient (550).');
    reply.run(4, 'queued', null);

    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT may_have_gone FROM outbox ORDER BY id').pluck().all()).toEqual([1, 1, 0, 0]);
    db.close();
  });
});

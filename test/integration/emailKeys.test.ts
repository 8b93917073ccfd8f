import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { ingestMail, ingestStore } from '../../electron/sync/ingestMail';
import { databaseBefore } from '../support/databaseBefore';
import { japaneseMail } from '../support/mailFixtures';

describe('customers whose e-mail addresses were stored as typed, before addresses were kept as mail carries them', () => {
  it('have them turned into that form, so their mail finds them; one another customer already holds is left for staff', async () => {
    const db = databaseBefore(26);
    const customer = db.prepare("INSERT INTO customers (id, name, email, created_at) VALUES (?, ?, ?, '2026-01-01T00:00:00Z')");
    customer.run(1, '佐藤 太郎', 'ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ');
    customer.run(2, '山田 花子', 'hanako@例え.jp');
    customer.run(3, '鈴木 次郎', 'ｊｉｒｏ@example.jp');
    customer.run(4, '鈴木 次郎', 'jiro@example.jp');
    customer.run(5, '田中 一郎', 'ichiro@example.jp');

    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT email FROM customers ORDER BY id').pluck().all()).toEqual([
      'taro@example.jp',
      'hanako@xn--r8jz45g.jp',
      // Mail from the address made a second customer before: both stay until staff tell which is whom.
      'ｊｉｒｏ@example.jp',
      'jiro@example.jp',
      'ichiro@example.jp',
    ]);

    // The next mail from the customer typed in full-width joins them, not a new customer.
    const store = ingestStore(db);
    const mail = await parseInboundMail(japaneseMail({ from: 'Taro@example.jp', to: 'support@toot.example', subject: '注文の件', text: '届きません。' }), '2026-12-01T00:00:00.000Z');
    const ctx = { accountId: 1, folder: 'INBOX', uidValidity: '1', archiveBefore: null, ownAddresses: new Set(['support@toot.example']), now: '2026-12-01T00:00:00.000Z' };
    const outcome = ingestMail(store, { uid: 1, internalDate: '2026-12-01T00:00:00.000Z', mail }, ctx);
    expect(outcome).toMatchObject({ kind: 'new' });
    expect(db.prepare('SELECT customer_id FROM inquiries').pluck().all()).toEqual([1]);
    expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(5);
    db.close();
  });
});

import { describe, expect, it } from 'vitest';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';
import { databaseBefore } from '../support/databaseBefore';

describe('HTML stored before the masker read it as a browser does', () => {
  it('is masked again, in mails and in messages forwarded in them, and an HTML file that shows one is withheld; HTML that shows no card number stays byte for byte', () => {
    const db = databaseBefore(28);
    db.prepare("INSERT INTO customers (id, name, email, created_at) VALUES (1, '山田 花子', 'hanako@example.jp', '2026-01-01T00:00:00Z')").run();
    db.prepare("INSERT INTO inquiries (id, customer_id, channel, status, subject, received_at) VALUES (1, 1, 'email', 'open', '件名', '2026-01-01T00:00:00Z')").run();
    const message = db.prepare("INSERT INTO messages (id, inquiry_id, direction, subject, body, at) VALUES (?, 1, 'in', '件名', '本文', '2026-01-01T00:00:00Z')");
    const html = db.prepare('INSERT INTO message_html (message_id, html) VALUES (?, ?)');
    // As stops before 22 and 23 stored them: a number in generated content, and one after "<!-->".
    const generated = '<style>.n::after{content:" 1111"}</style><p class=n>4111 1111 1111</p>';
    const comment = '<p>4111 <!-->1111 1111 1111<!-- --></p>';
    const plain = '<p>電話 03-1234-5678</p><style>li::before{content:"1."}</style>';
    [generated, comment, plain].forEach((h, i) => {
      message.run(i + 1);
      html.run(i + 1, h);
    });
    db.prepare(
      "INSERT INTO forwarded_messages (id, message_id, parent_id, from_text, to_text, cc_text, sent_at, subject, body, html) VALUES (1, 1, NULL, '', '', '', NULL, '転送', '本文', ?)",
    ).run(comment);

    const file = db.prepare('INSERT INTO attachments (id, message_id, file_name, content_type, size, content) VALUES (?, 1, ?, ?, 10, ?)');
    file.run(1, '注文.html', 'text/html', Buffer.from(generated));
    file.run(2, 'お知らせ.htm', 'application/octet-stream', Buffer.from(plain));
    file.run(3, 'メモ.txt', 'text/plain', Buffer.from(generated));

    migrate(db, MIGRATIONS);
    // The HTML file that shows a card number is withheld, as one arriving now would be; the others are kept as they came.
    expect(db.prepare('SELECT id, withheld, content IS NULL AS gone FROM attachments ORDER BY id').all()).toEqual([
      { id: 1, withheld: 1, gone: 1 },
      { id: 2, withheld: 0, gone: 0 },
      { id: 3, withheld: 0, gone: 0 },
    ]);
    expect(db.prepare('SELECT html FROM message_html ORDER BY message_id').pluck().all()).toEqual([
      '<style>.n::after{content: none}</style><p class=n>4111 1111 1111</p>',
      '<p>**** <!-->**** **** 1111<!-- --></p>',
      plain,
    ]);
    expect(db.prepare('SELECT html FROM forwarded_messages').pluck().get()).toBe('<p>**** <!-->**** **** 1111<!-- --></p>');
    db.close();
  });
});

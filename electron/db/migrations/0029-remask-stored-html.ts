import type { Migration } from '../migrate';
import { htmlFileHoldsCardNumber, isHtmlFile } from '../../mail/attachmentCardCheck';
import { maskCardNumbersInHtml } from '../../../shared/htmlCardMask';

/**
 * HTML stored before the masker read it as a browser does (comments and bogus comments, quotes
 * that open no value, text-only elements, CSS that writes digits: stops 22 and 23) can hold a card
 * number a reader sees. Each stored HTML part, of a mail and of a message forwarded in one, is
 * masked again, and each kept HTML file read again. This one migration runs today's masker, not a frozen copy: masking again is
 * never wrong, as the masker only ever learns to mask more, and what it leaves alone it leaves
 * byte for byte.
 */
export const remaskStoredHtml: Migration = {
  version: 29,
  name: 'remask-stored-html',
  sql: '',
  transform(db) {
    // One HTML part in memory at a time: a part can be megabytes, and all of them more than memory should hold.
    const remask = (table: string, key: string) => {
      const ids = db.prepare(`SELECT ${key} FROM ${table} WHERE html IS NOT NULL ORDER BY ${key}`).pluck().all() as number[];
      const read = db.prepare(`SELECT html FROM ${table} WHERE ${key} = ?`).pluck();
      const write = db.prepare(`UPDATE ${table} SET html = ? WHERE ${key} = ?`);
      for (const id of ids) {
        const html = read.get(id) as string;
        const masked = maskCardNumbersInHtml(html);
        if (masked !== html) write.run(masked, id);
      }
    };
    remask('message_html', 'message_id');
    remask('forwarded_messages', 'id');
    // An HTML file cannot be masked without changing the customer's file: one that the masker now
    // finds a card number in is withheld, as one arriving now would be (attachmentCardCheck.ts).
    const files = db.prepare('SELECT id, file_name AS fileName, content_type AS contentType FROM attachments WHERE content IS NOT NULL AND withheld = 0').all() as Array<{ id: number; fileName: string; contentType: string }>;
    const content = db.prepare('SELECT content FROM attachments WHERE id = ?').pluck();
    const withhold = db.prepare('UPDATE attachments SET content = NULL, withheld = 1 WHERE id = ?');
    for (const file of files) {
      if (isHtmlFile(file.fileName, file.contentType) && htmlFileHoldsCardNumber(content.get(file.id) as Buffer)) withhold.run(file.id);
    }
  },
};

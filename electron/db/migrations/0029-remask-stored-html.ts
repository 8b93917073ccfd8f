import type { Migration } from '../migrate';
import { maskCardNumbersInHtml } from '../../../shared/htmlCardMask';

/**
 * HTML stored before the masker read it as a browser does (comments and bogus comments, quotes
 * that open no value, text-only elements, CSS that writes digits: stops 22 and 23) can hold a card
 * number a reader sees. Each stored HTML part, of a mail and of a message forwarded in one, is
 * masked again. This one migration runs today's masker, not a frozen copy: masking again is
 * never wrong, as the masker only ever learns to mask more, and what it leaves alone it leaves
 * byte for byte.
 */
export const remaskStoredHtml: Migration = {
  version: 29,
  name: 'remask-stored-html',
  sql: '',
  transform(db) {
    // A page at a time: the mails' HTML together can be larger than memory should hold.
    const remask = (table: string, key: string) => {
      const page = db.prepare(`SELECT ${key} AS id, html FROM ${table} WHERE ${key} > ? AND html IS NOT NULL ORDER BY ${key} LIMIT 200`);
      const write = db.prepare(`UPDATE ${table} SET html = ? WHERE ${key} = ?`);
      for (let after = 0; ; ) {
        const rows = page.all(after) as Array<{ id: number; html: string }>;
        if (rows.length === 0) return;
        for (const { id, html } of rows) {
          const masked = maskCardNumbersInHtml(html);
          if (masked !== html) write.run(masked, id);
        }
        after = (rows.at(-1) as { id: number }).id;
      }
    };
    remask('message_html', 'message_id');
    remask('forwarded_messages', 'id');
  },
};

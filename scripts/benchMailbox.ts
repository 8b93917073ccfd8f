import { japaneseMail, mailWithAttachment } from '../test/support/mailFixtures';
import { pdfFile } from '../test/support/pdfFixtures';

/** Photo sizes, cycled through. */
const PHOTO_SIZES = [50_000, 70_000, 90_000, 110_000, 130_000];

/**
 * Mixed sizes, Japanese and English, one in twenty with an attachment: every other one a real
 * PDF quote (a page of text, about 2 KB, which the sync reads for card numbers; every other quote
 * has one written on it, so it must be withheld: see withheldQuotes), the rest photos (which it
 * cannot read): like a support inbox. The sync benchmark and the ingest profiler share it.
 * Resolves once the PDFs are made.
 */
export async function realisticMails(): Promise<(i: number) => Buffer> {
  const quote = await quotePdf(false);
  const quoteWithCard = await quotePdf(true);
  return (i) => {
    const japanese = i % 3 !== 0;
    const paragraphs = 1 + (i % 7) * (i % 11 === 0 ? 20 : 2);
    const text = (japanese ? 'いつもお世話になっております。ご注文の商品について確認させてください。\n' : 'Hello, I have a question about my order and its delivery date.\n').repeat(paragraphs);
    const spec = {
      from: `customer${i % 5000}@example.jp`,
      fromName: japanese ? `顧客 ${i % 5000}` : `Customer ${i % 5000}`,
      to: 'support@toot.example',
      subject: japanese ? `ご注文 ${i} について` : `Order ${i} question`,
      text,
      charset: (japanese ? (i % 2 ? 'iso-2022-jp' : 'utf-8') : 'utf-8') as 'iso-2022-jp' | 'utf-8',
      messageId: `<bench-${i}@example.jp>`,
    };
    if (i % 40 === 0) return mailWithAttachment({ ...spec, attachment: i % 80 === 0 ? quoteWithCard : quote, fileName: `見積書-${i}.pdf` });
    if (i % 20 === 0) return mailWithAttachment({ ...spec, attachment: photo(PHOTO_SIZES[(i / 20) % PHOTO_SIZES.length] as number, i), fileName: `写真-${i}.jpg` });
    return japaneseMail(spec);
  };
}

/** Bytes that start as a JPEG does, the rest arbitrary: nothing in them can be read. */
function photo(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size, seed % 256);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

/** How many of the first `count` mails carry a quote with a card number on it: a sync that reads PDFs withholds exactly these. */
export function withheldQuotes(count: number): number {
  return Math.ceil(count / 80);
}

/** A one-page quote of 30 lines; with `card`, the card number it is to be paid with on the last. */
function quotePdf(card: boolean): Promise<Buffer> {
  const items = Array.from({ length: card ? 29 : 30 }, (_, line) => `Item ${line + 1}  model TX-${1000 + line}  qty ${1 + (line % 7)}  unit price ${(line + 1) * 1200} yen`);
  return pdfFile([card ? [...items, 'Payment: card 4111 1111 1111 1111'] : items]);
}

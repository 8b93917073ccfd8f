import { PDFDocument, StandardFonts } from 'pdf-lib';
import { japaneseMail, mailWithAttachment } from '../test/support/mailFixtures';

/** Attachment sizes, cycled through: a quote with its fonts and logo is some tens of kilobytes. */
const ATTACHMENT_SIZES = [50_000, 70_000, 90_000, 110_000, 130_000];

/**
 * Mixed sizes, Japanese and English, one in twenty with an attachment: every other one a real
 * PDF quote (a page of text, which the sync reads for card numbers), the rest photos (which it
 * cannot read): like a support inbox. The sync benchmark and the ingest profiler share it.
 * Resolves once the PDFs are made.
 */
export async function realisticMails(): Promise<(i: number) => Buffer> {
  const quotes = await Promise.all(ATTACHMENT_SIZES.map(quotePdf));
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
    if (i % 40 === 0) return mailWithAttachment({ ...spec, attachment: quotes[(i / 40) % quotes.length] as Buffer, fileName: `見積書-${i}.pdf` });
    if (i % 20 === 0) return mailWithAttachment({ ...spec, attachment: photo(ATTACHMENT_SIZES[(i / 20) % ATTACHMENT_SIZES.length] as number, i), fileName: `写真-${i}.jpg` });
    return japaneseMail(spec);
  };
}

/** Bytes that start as a JPEG does, the rest arbitrary: nothing in them can be read. */
function photo(size: number, seed: number): Buffer {
  const bytes = Buffer.alloc(size, seed % 256);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  return bytes;
}

/** A one-page quote of 30 lines, brought to about `size` bytes by an embedded file (as fonts and images would). */
async function quotePdf(size: number): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  for (let line = 0; line < 30; line++) page.drawText(`Item ${line + 1}  model TX-${1000 + line}  qty ${1 + (line % 7)}  unit price ${(line + 1) * 1200} yen`, { x: 50, y: 780 - line * 22, size: 11, font });
  const plain = await doc.save();
  await doc.attach(Buffer.alloc(Math.max(0, size - plain.length), 0x5a), 'logo.bin', { mimeType: 'application/octet-stream' });
  return Buffer.from(await doc.save());
}

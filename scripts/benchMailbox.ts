import { japaneseMail, mailWithAttachment } from '../test/support/mailFixtures';

/** Mixed sizes, Japanese and English, some with attachments: like a support inbox. The sync benchmark and the ingest profiler share it. */
export function realisticMail(i: number): Buffer {
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
  if (i % 20 === 0) return mailWithAttachment({ ...spec, attachment: Buffer.alloc(50_000 + (i % 5) * 20_000, i % 256), fileName: `見積書-${i}.pdf` });
  return japaneseMail(spec);
}

import { strToU8, zipSync } from 'fflate';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { pdfFile, pdfWithUnembeddedJapaneseFont } from '../support/pdfFixtures';

/** A mail with one attachment, as a mail client writes it (base64). */
function mailWith(fileName: string, contentType: string, content: Buffer): Buffer {
  return Buffer.from(
    [
      'From: Hanako <hanako@example.jp>',
      'To: support@toot.example',
      'Subject: =?UTF-8?B?5rG65riI44Gu5piO57Sw?=',
      'Message-ID: <card-attachment@example.jp>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      '明細を添付します。',
      '--b',
      `Content-Type: ${contentType}; name="${fileName}"`,
      `Content-Disposition: attachment; filename="${fileName}"`,
      'Content-Transfer-Encoding: base64',
      '',
      content.toString('base64').replace(/(.{76})/g, '$1\r\n'),
      '--b--',
      '',
    ].join('\r\n'),
  );
}

const attachmentOf = async (raw: Buffer) => (await parseInboundMail(raw, '2026-11-24T01:00:00.000Z')).attachments[0]!;

describe('text attachments holding a card number are not kept (the policy keeps no card data)', () => {
  it('withholds a Shift_JIS CSV export with a card number, keeping its name and size', async () => {
    const csv = iconv.encode('氏名,カード番号\r\n山田花子,4111 1111 1111 1111\r\n', 'shift_jis');
    const attachment = await attachmentOf(mailWith('meisai.csv', 'application/octet-stream', csv));
    expect(attachment).toMatchObject({ fileName: 'meisai.csv', size: csv.length, withheld: true });
    expect(attachment.content).toBeUndefined();
  });

  it('withholds an HTML file that shows a card number, though its source spells it apart', async () => {
    for (const html of ['<table><tr><td>4111</td><td>1111</td><td>1111</td><td>1111</td></tr></table>', '<p>4111&nbsp;1111&nbsp;1111&nbsp;1111</p>', '<p>4111<br>1111<br>1111<br>1111</p>']) {
      expect(await attachmentOf(mailWith('order.html', 'text/html', Buffer.from(html))), html).toMatchObject({ withheld: true });
    }
    const plain = Buffer.from('<p>電話 03-1234-5678</p>');
    expect((await attachmentOf(mailWith('order.html', 'text/html', plain))).withheld).toBeUndefined();
  });

  it('withholds UTF-16 text and full-width digits too', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('カード：４１１１－１１１１－１１１１－１１１１', 'utf16le')]);
    expect(await attachmentOf(mailWith('memo.txt', 'text/plain', utf16))).toMatchObject({ withheld: true });
  });

  it('keeps text without a card number, numbers that fail the Luhn check, and files it cannot read as they are', async () => {
    const order = Buffer.from('注文番号 1234 5678 9012 3456 の件\n', 'utf8');
    const kept = await attachmentOf(mailWith('order.txt', 'text/plain', order));
    expect(kept.withheld).toBeUndefined();
    expect(kept.content?.equals(order)).toBe(true);

    // Damaged beyond reading: no text layer to look in (the digits are not text on a page).
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('4111111111111111')]);
    const damaged = await attachmentOf(mailWith('scan.pdf', 'application/pdf', pdf));
    expect(damaged.withheld).toBeUndefined();
    expect(damaged.content?.equals(pdf)).toBe(true);

    const picture = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('4111111111111111')]);
    expect((await attachmentOf(mailWith('photo.jpg', 'image/jpeg', picture))).content?.equals(picture)).toBe(true);
  });

  it('withholds Word and Excel files that hold a card number, even split across runs of text', async () => {
    const docx = officeFile({
      'word/document.xml':
        '<w:document><w:body><w:p><w:r><w:t>お支払いカード：4111 1111</w:t></w:r><w:r><w:t xml:space="preserve"> 1111 1111</w:t></w:r></w:p></w:body></w:document>',
    });
    const word = await attachmentOf(mailWith('申込書.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', docx));
    expect(word).toMatchObject({ fileName: '申込書.docx', size: docx.length, withheld: true });
    expect(word.content).toBeUndefined();

    const xlsx = officeFile({ 'xl/sharedStrings.xml': '<sst><si><t>氏名</t></si><si><t>4111-1111-1111-1111</t></si></sst>' });
    expect(await attachmentOf(mailWith('list.xlsx', 'application/octet-stream', xlsx))).toMatchObject({ withheld: true });
  });

  it('keeps office files without one, numbers in neighbouring cells apart, and files that are no zip', async () => {
    // Two 8-digit codes in adjacent cells: run together they would read as a (Luhn-valid) card number.
    const cells = officeFile({ 'xl/sharedStrings.xml': '<sst><si><t>41111111</t></si><si><t>11111111</t></si></sst>' });
    const sheet = await attachmentOf(mailWith('codes.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', cells));
    expect(sheet.withheld).toBeUndefined();
    expect(sheet.content?.equals(cells)).toBe(true);

    const broken = Buffer.from('PK\u0003\u0004 not really a zip 4111 1111 1111 1111');
    expect((await attachmentOf(mailWith('broken.docx', 'application/octet-stream', broken))).withheld).toBeUndefined();
  });
});

/** An Office file of before 2007 as far as the check reads it: the compound-file signature, binary records, and the text as Office stores it. */
function compoundFile(text: Buffer): Buffer {
  const header = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504, 0xff)]);
  return Buffer.concat([header, Buffer.from([0x00, 0x02, 0x13, 0x00]), text, Buffer.alloc(64, 0)]);
}

describe('old Office files and zip archives holding a card number are not kept', () => {
  it('withholds an .xls or .doc whose text holds a card number, stored as UTF-16 (from an odd byte too) or a byte a character', async () => {
    const utf16 = compoundFile(Buffer.from('カード番号 4111 1111 1111 1111', 'utf16le'));
    expect(await attachmentOf(mailWith('申込書.xls', 'application/vnd.ms-excel', utf16))).toMatchObject({ withheld: true });
    const odd = compoundFile(Buffer.concat([Buffer.from([0x01]), Buffer.from('4111-1111-1111-1111', 'utf16le')]));
    expect(await attachmentOf(mailWith('申込書.doc', 'application/msword', odd))).toMatchObject({ withheld: true });
    const bytes = compoundFile(Buffer.from('Card 4111111111111111', 'latin1'));
    expect(await attachmentOf(mailWith('form.doc', 'application/octet-stream', bytes))).toMatchObject({ withheld: true });
  });

  it('keeps an old Office file without one byte for byte, digits side by side in its binary records apart', async () => {
    const file = compoundFile(Buffer.concat([Buffer.from('注文番号 1234-5678-9012', 'utf16le'), Buffer.from('41111111\u000011111111', 'latin1')]));
    const kept = await attachmentOf(mailWith('注文.xls', 'application/vnd.ms-excel', file));
    expect(kept.withheld).toBeUndefined();
    expect(kept.content?.equals(file)).toBe(true);
  });

  it('withholds a zip archive when a file in it holds a card number (text, an office file, an old Office file), and keeps one without', async () => {
    const withText = Buffer.from(zipSync({ '明細/カード.txt': strToU8('カード 4111 1111 1111 1111') }));
    expect(await attachmentOf(mailWith('明細.zip', 'application/zip', withText))).toMatchObject({ fileName: '明細.zip', withheld: true });
    const withDocx = Buffer.from(zipSync({ '申込書.docx': officeFile({ 'word/document.xml': '<w:p><w:t>4111-1111-1111-1111</w:t></w:p>' }) }));
    expect(await attachmentOf(mailWith('docs.zip', 'application/octet-stream', withDocx))).toMatchObject({ withheld: true });
    const withXls = Buffer.from(zipSync({ 'old.xls': compoundFile(Buffer.from('4111 1111 1111 1111', 'utf16le')) }));
    expect(await attachmentOf(mailWith('old.zip', 'application/x-zip-compressed', withXls))).toMatchObject({ withheld: true });

    const clean = Buffer.from(zipSync({ 'readme.txt': strToU8('注文番号 1234-5678-9012 のご案内') }));
    const kept = await attachmentOf(mailWith('案内.zip', 'application/zip', clean));
    expect(kept.withheld).toBeUndefined();
    expect(kept.content?.equals(clean)).toBe(true);
  });
});

describe('PDF attachments holding a card number are not kept', () => {
  it('withholds a PDF whose text holds a card number, on any page and written in pieces, whatever its label', async () => {
    const form = await pdfFile([['Application form', 'Card number: 4111 1111 1111 1111']]);
    const attachment = await attachmentOf(mailWith('application.pdf', 'application/pdf', form));
    expect(attachment).toMatchObject({ fileName: 'application.pdf', size: form.length, withheld: true });
    expect(attachment.content).toBeUndefined();

    const secondPage = await pdfFile([['Order 1234'], ['Payment', '5555-5555-5555-4444']]);
    expect(await attachmentOf(mailWith('order.pdf', 'application/pdf', secondPage))).toMatchObject({ withheld: true });

    // Drawn as two runs of text on one line, and sent as an unlabelled binary file.
    const japanese = pdfWithUnembeddedJapaneseFont('お支払い：カード ４１１１－１１１１－１１１１－１１１１');
    expect(await attachmentOf(mailWith('申込書.pdf', 'application/pdf', japanese))).toMatchObject({ withheld: true });

    const pieces = await pdfFile([['Card: 4111 1111', ' 1111 1111']], { sameLine: true });
    expect(await attachmentOf(mailWith('scan0001.bin', 'application/octet-stream', pieces))).toMatchObject({ withheld: true });
  });

  it('keeps PDFs without one byte for byte, and a cut-off PDF it cannot read', async () => {
    const invoice = await pdfFile([['Invoice 2026-11-24', 'Order 1234 5678 9012 3456', 'Tel 03-1234-5678']]);
    const kept = await attachmentOf(mailWith('invoice.pdf', 'application/pdf', invoice));
    expect(kept.withheld).toBeUndefined();
    expect(kept.content?.equals(invoice)).toBe(true);

    const withCard = await pdfFile([['Card number: 4111 1111 1111 1111']]);
    const cut = withCard.subarray(0, Math.floor(withCard.length / 3));
    const unreadable = await attachmentOf(mailWith('cut.pdf', 'application/pdf', cut));
    expect(unreadable.withheld).toBeUndefined();
    expect(unreadable.content?.equals(cut)).toBe(true);
  });
});

/** A minimal Office Open XML file: a zip with the given parts. */
function officeFile(parts: Record<string, string>): Buffer {
  const files: Record<string, Uint8Array> = { '[Content_Types].xml': strToU8('<Types/>') };
  for (const [name, xml] of Object.entries(parts)) files[name] = strToU8(`<?xml version="1.0" encoding="UTF-8"?>${xml}`);
  return Buffer.from(zipSync(files));
}

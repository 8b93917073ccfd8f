import { describe, expect, it } from 'vitest';
import { leanParseMail, TYPE_BY_EXTENSION } from '../../electron/mail/leanMailParser';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { alternativeMail, autoReplyMail, bounceMail, htmlOnlyMail, japaneseMail, mailWithAttachment, noMessageIdMail, replyMail, splitMultibyteSubjectMail, type JapaneseCharset } from '../support/mailFixtures';
import { brokenBase64Mail, garbageHeadersMail, headersOnlyMail, truncatedMail } from '../support/malformedMailFixtures';

const FALLBACK = '2025-04-02T00:00:00.000Z';
const TEXT = '山田様\n①㈱№Ⅱ～髙﨑 日本語テスト－ ｶﾀｶﾅ ∵￢\nカード 4111 1111 1111 1111 で払いました。\n\n在庫はございますか。';
const SUBJECT = '【重要】①㈱№Ⅱのご案内について長い件名です～髙﨑';
const NAME = '髙橋 ①太郎';
const CRLF = '\r\n';

/** multipart/mixed around an alternative, with a PDF and an inline PNG: Outlook's usual shape. */
function mixedWithAlternative(charset: 'UTF-8' | 'ISO-2022-JP' = 'UTF-8'): Buffer {
  const text = Buffer.from('お見積りを添付します。\r\nよろしくお願いします。\r\n', 'utf8').toString('base64');
  const html = Buffer.from('<p>お見積りを<b>添付</b>します。</p>\r\n<img src="cid:logo@x">\r\n', 'utf8').toString('base64');
  const lines = [
    'From: =?UTF-8?B?5bGx55SwIOiKseWtkA==?= <Hanako@Example.JP>',
    'To: "Support" <support@toot.example>, other@toot.example',
    'Subject: =?UTF-8?B?44GK6KaL56mN44KK44Gu5Lu2?=',
    'Date: Tue, 01 Apr 2025 10:00:00 +0900',
    'Message-ID: <mixed-alt@example.jp>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed;',
    '\tboundary="outer_b"',
    '',
    'This is a multi-part message in MIME format.',
    '--outer_b',
    'Content-Type: multipart/alternative; boundary="inner_b"',
    '',
    '--inner_b',
    `Content-Type: text/plain; charset="${charset === 'UTF-8' ? 'utf-8' : 'UTF-8'}"`,
    'Content-Transfer-Encoding: base64',
    '',
    text,
    '--inner_b',
    'Content-Type: text/html; charset="utf-8"',
    'Content-Transfer-Encoding: base64',
    '',
    html,
    '--inner_b--',
    '',
    '--outer_b',
    'Content-Type: application/pdf; name="quote-4111111111111111.pdf"',
    'Content-Disposition: attachment; filename="quote-4111111111111111.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(3000, 9).toString('base64').replace(/.{76}/g, `$&${CRLF}`),
    '--outer_b',
    'Content-Type: image/png',
    'Content-ID: <logo@x>',
    'Content-Disposition: inline',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from([137, 80, 78, 71, 1, 2, 3]).toString('base64'),
    '--outer_b--',
    '',
  ];
  return Buffer.from(lines.join(CRLF), 'latin1');
}

function quotedPrintableMail(): Buffer {
  return japaneseMail({ from: 'a@example.jp', fromName: NAME, to: 'b@toot.example', subject: SUBJECT, text: TEXT, charset: 'shift_jis', transferEncoding: 'quoted-printable' });
}

/** Mails of the shapes the lean reader takes on. */
function commonShapes(): Array<[string, Buffer]> {
  const shapes: Array<[string, Buffer]> = [];
  const charsets: JapaneseCharset[] = ['utf-8', 'iso-2022-jp', 'shift_jis', 'euc-jp'];
  for (const charset of charsets) {
    for (const headerEncoding of ['B', 'Q'] as const) {
      shapes.push([`${charset} ${headerEncoding}`, japaneseMail({ from: 'Hanako@Example.JP', fromName: NAME, to: 'Support@Toot.Example', subject: SUBJECT, text: TEXT, charset, headerEncoding })]);
    }
    shapes.push([`alternative ${charset}`, alternativeMail({ from: 'a@example.jp', fromName: NAME, to: 'b@toot.example', subject: SUBJECT, text: TEXT, html: '<p>HTML版①</p>', charset })]);
  }
  const headerShapes: Array<[string, string, string]> = [
    ['plain name with a dot', 'John Q. Public <John.Public@Example.com>', 'support@toot.example'],
    ['quoted name, several recipients', '"Yamada, Hanako" <hanako@example.jp>', '"Support" <support@toot.example>, other@toot.example'],
    ['utf-8 encoded name', '=?UTF-8?B?5bGx55SwIOiKseWtkA==?= <hanako@example.jp>', 'Support <support@toot.example>'],
    ['q-encoded name', '=?UTF-8?Q?Ren=C3=A9_Dupont?= <rene@example.fr>', '<support@toot.example>'],
    ['mixed name', 'Yamada =?UTF-8?B?6Iqx5a2Q?= <hanako@example.jp>', 'undisclosed-recipients:;'],
  ];
  for (const [name, from, to] of headerShapes) {
    const raw = japaneseMail({ from: 'x@example.jp', to: 'y@toot.example', subject: 'Order question', text: 'Hello', messageId: `<${name.replace(/\W/g, '')}@example.jp>` });
    shapes.push([name, Buffer.from(raw.toString('latin1').replace('From: x@example.jp', `From: ${from}`).replace('To: y@toot.example', `To: ${to}`), 'latin1')]);
  }
  shapes.push(['ascii', japaneseMail({ from: 'john@example.com', fromName: 'John Smith', to: 'support@toot.example', subject: 'Order question', text: 'Hello,\nwhere is my order?\n', transferEncoding: '7bit' })]);
  shapes.push(['reply', replyMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'Re: 返品', text: 'お世話になります', parentMessageId: '<reply-1@toot.example>', earlierReferences: ['<q1@example.jp>'] })]);
  shapes.push(['no message-id', noMessageIdMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'IDなし', text: '本文' })]);
  shapes.push(['auto-reply', autoReplyMail('auto-submitted')]);
  shapes.push(['split utf-8 subject', splitMultibyteSubjectMail('お問い合わせの件について')]);
  shapes.push(['quoted-printable shift_jis', quotedPrintableMail()]);
  shapes.push(['mixed with alternative, pdf and inline image', mixedWithAlternative()]);
  for (const extension of TYPE_BY_EXTENSION.keys()) {
    shapes.push([`octet-stream .${extension}`, mailWithAttachment({ from: 'a@example.jp', to: 'b@toot.example', subject: '添付', text: TEXT, attachment: Buffer.alloc(700, 5), fileName: `見積書-4111-1111-1111-1111.${extension.toUpperCase()}` })]);
  }
  shapes.push(['mixed with a pdf', pdfMail(5000)]);
  // Base64 padded with "==" and with "=".
  shapes.push(['mixed with a pdf of 5001 bytes', pdfMail(5001)]);
  shapes.push(['mixed with a pdf of 5002 bytes', pdfMail(5002)]);
  return shapes;
}

/** A text part and a PDF of `size` bytes of 0x03 (base64 "AwMD..."). */
function pdfMail(size: number): Buffer {
  return Buffer.from(mailWithAttachment({ from: 'a@example.jp', to: 'b@toot.example', subject: '添付', text: TEXT, attachment: Buffer.alloc(size, 3), fileName: 'a.pdf' }).toString('latin1').replace('application/octet-stream', 'application/pdf'), 'latin1');
}

/** pdfMail(5000) with its attachment's base64 changed: `edit` gets the first 4 characters, "AwMD". */
function pdfMailWithBase64(edit: string): Buffer {
  return Buffer.from(pdfMail(5000).toString('latin1').replace('\r\n\r\nAwMD', `\r\n\r\n${edit}`), 'latin1');
}

/** Mails the lean reader must leave to mailparser. */
function otherShapes(): Array<[string, Buffer]> {
  return [
    ['bounce (multipart/report)', bounceMail()],
    ['broken base64', brokenBase64Mail()],
    ['garbage headers', garbageHeadersMail()],
    ['truncated multipart', truncatedMail()],
    ['headers only', headersOnlyMail()],
    ['html only', htmlOnlyMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'HTML', html: '<p>こんにちは</p>' })],
    ['octet-stream attachment of an unusual type', mailWithAttachment({ from: 'a@example.jp', to: 'b@toot.example', subject: '添付', text: '添付します', attachment: Buffer.alloc(2000, 7), fileName: '見積書-4111111111111111.xyz' })],
    ['octet-stream attachment without an extension', mailWithAttachment({ from: 'a@example.jp', to: 'b@toot.example', subject: '添付', text: '添付します', attachment: Buffer.alloc(2000, 7), fileName: 'README' })],
    ['raw 8-bit subject', Buffer.concat([Buffer.from('From: a@example.jp\r\nTo: b@toot.example\r\nSubject: '), Buffer.from('生の件名', 'utf8'), Buffer.from('\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n本文\r\n')])],
    ['no content-type', Buffer.from('From: a@example.jp\r\nTo: b@toot.example\r\nSubject: hi\r\n\r\nplain body\r\n')],
    ['flowed text', Buffer.from('From: a@example.jp\r\nSubject: f\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\nsoft \r\nbreak\r\n')],
    ['RFC 2231 file name', Buffer.from(mixedWithAlternative().toString('latin1').replace('filename="quote-4111111111111111.pdf"', "filename*=utf-8''%E8%A6%8B%E7%A9%8D.pdf"), 'latin1')],
    ['LF line ends', Buffer.from('From: a@example.jp\nSubject: lf\nContent-Type: text/plain; charset=utf-8\n\nbody\n')],
    // Junk inside base64 that keeps whole 4-character quanta: each must reach mailparser, not be decoded as if clean.
    ['base64 with a character outside its alphabet', pdfMailWithBase64('Aw*D')],
    ['base64 with a space inside a line', pdfMailWithBase64('Aw D')],
    ['base64 in the URL-safe alphabet', pdfMailWithBase64('Aw-D')],
    ['base64 with an underscore', pdfMailWithBase64('Aw_D')],
    ['base64 with padding in the middle', pdfMailWithBase64('Aw==')],
  ];
}

describe('leanParseMail: the fast reader of common mail', () => {
  it('takes on the common shapes', () => {
    for (const [name, raw] of commonShapes()) expect(leanParseMail(raw), name).not.toBeNull();
  });

  it('leaves every other shape to mailparser', () => {
    for (const [name, raw] of otherShapes()) expect(leanParseMail(raw), name).toBeNull();
  });

  it('gives exactly what the mailparser path gives, for every common shape', async () => {
    for (const [name, raw] of commonShapes()) {
      const lean = await parseInboundMail(raw, FALLBACK);
      const full = await parseInboundMail(raw, FALLBACK, { fullParser: true });
      expect(lean, name).toEqual(full);
    }
  });

  it('reads the parts of a mixed mail: text, HTML, attachments with their content, Content-ID and masked-later names', async () => {
    const mail = await parseInboundMail(mixedWithAlternative(), FALLBACK);
    expect(mail.fromName).toBe('山田 花子');
    expect(mail.fromAddress).toBe('hanako@example.jp');
    expect(mail.subject).toBe('お見積りの件');
    expect(mail.text).toBe('お見積りを添付します。\nよろしくお願いします。');
    expect(mail.html).toContain('<b>添付</b>');
    expect(mail.attachments.map((a) => [a.fileName, a.contentType, a.size, a.contentId ?? null])).toEqual([
      ['quote-4111111111111111.pdf', 'application/pdf', 3000, null],
      ['', 'image/png', 7, 'logo@x'],
    ]);
    expect(mail.attachments[0]?.content?.equals(Buffer.alloc(3000, 9))).toBe(true);
  });
});

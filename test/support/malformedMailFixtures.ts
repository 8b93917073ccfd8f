import { alternativeMail, assemble, CRLF, DEFAULT_DATE, encodeHeaderText } from './mailFixtures';

/** Mails as broken as real ones get: the sync must import what it can of them, or set them aside with a reason. */

/** A base64 body with a broken line, bad characters and missing padding; the headers are fine. */
export function brokenBase64Mail(text = 'お問い合わせです。在庫はありますか？'): Buffer {
  const good = Buffer.from(text, 'utf-8').toString('base64');
  const headers: Array<[string, string]> = [
    ['From', 'yamada@customer.example'],
    ['To', 'support@toot.example'],
    ['Subject', encodeHeaderText('壊れた本文', 'utf-8', 'UTF-8', 'B', 12)],
    ['Date', DEFAULT_DATE],
    ['Message-ID', '<broken-base64@customer.example>'],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['Content-Transfer-Encoding', 'base64'],
  ];
  // The readable text first, then garbage the decoder must skip over rather than fail on.
  const body = `${good}${CRLF}@@@!!!***${CRLF}QUJD${CRLF}ZGVmZ2g${CRLF}%%%==${CRLF}`;
  return assemble(headers, Buffer.from(body, 'latin1'));
}

/**
 * Headers no careful mailer writes: a line without a colon, raw 8-bit UTF-8 in Subject and From,
 * an encoded word in an unknown charset, an unparseable Date, NUL and control bytes.
 */
export function garbageHeadersMail(): Buffer {
  const lines = [
    'Received: from broken (unknown [203.0.113.9])',
    'this line has no colon at all',
    'From: =?UTF-8?B?5bGx55Sw?= <Yamada@Customer.Example>',
    'To: support@toot.example',
    `Subject: ${Buffer.from('生のUTF-8件名', 'utf-8').toString('latin1')} =?x-unknown-charset?B?QUJD?=`,
    'Date: not a date at all',
    'Message-ID: <garbage-headers@customer.example>',
    'X-Binary: \u0000\u0001\u0002\u00ff\u00fe',
    ': empty name',
    'Content-Type: text/plain; charset="UTF-8',
    '',
    Buffer.from('本文はちゃんと読めます。', 'utf-8').toString('latin1'),
    '',
  ];
  return Buffer.from(lines.join(CRLF), 'latin1');
}

/** A multipart mail cut off in the middle of its second part, as an interrupted transfer leaves it. */
export function truncatedMail(): Buffer {
  const whole = alternativeMail({
    from: 'yamada@customer.example',
    fromName: '山田 太郎',
    to: 'support@toot.example',
    subject: '途中で切れたメール',
    text: '最初の部分は届いています。',
    html: '<p>HTMLの部分は途中で切れます。'.repeat(40) + '</p>',
    messageId: '<truncated@customer.example>',
  });
  const cut = whole.lastIndexOf(Buffer.from('Content-Type: text/html')) + 120;
  return whole.subarray(0, cut);
}

/** Only headers: no blank line and no body. */
export function headersOnlyMail(): Buffer {
  return Buffer.from(
    ['From: yamada@customer.example', 'To: support@toot.example', 'Subject: =?UTF-8?B?5pys5paH44Gq44GX?=', 'Message-ID: <headers-only@customer.example>'].join(CRLF),
    'ascii',
  );
}

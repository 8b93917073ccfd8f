import { alternativeMail, encodeHeaderText, japaneseMail, mailWithAttachment } from './mailFixtures';

/**
 * Mails that forward other mails (message/rfc822 parts), built byte by byte like mailFixtures.ts
 * (which they build on; kept apart because that file is already past the size we allow a file).
 * The shapes are the ones mail clients send: Outlook and Thunderbird "forward as attachment"
 * (Content-Disposition: attachment, a file name, sometimes base64), inline forwards
 * (Content-Disposition: inline), forwards of forwards, and broken ones.
 */

const CRLF = '\r\n';

export interface ForwardedPart {
  /** The whole forwarded mail, as bytes. */
  message: Buffer;
  /** null: no Content-Disposition header at all. Default 'attachment'. */
  disposition?: 'inline' | 'attachment' | null;
  /** The .eml name in Content-Type and Content-Disposition; none when omitted. */
  fileName?: string;
  /** Default 7bit (8bit when the message has 8-bit bytes), as mail clients send message/rfc822. */
  transferEncoding?: '7bit' | '8bit' | 'base64';
}

export interface ForwardingMailSpec {
  from: string;
  to: string;
  subject: string;
  /** The forwarder's note (UTF-8). */
  text: string;
  messageId?: string;
  forwards: ForwardedPart[];
}

let boundaryCounter = 0;

/** A UTF-8 multipart/mixed mail: the forwarder's text, then each forwarded message as a message/rfc822 part. */
export function forwardingMail(spec: ForwardingMailSpec): Buffer {
  const boundary = `----=_fwd_boundary_${++boundaryCounter}`;
  const head = [
    `From: ${spec.from}`,
    `To: ${spec.to}`,
    `Subject: ${encodeHeaderText(spec.subject, 'utf-8', 'UTF-8', 'B', 12)}`,
    'Date: Wed, 02 Apr 2025 09:00:00 +0900',
    `Message-ID: ${spec.messageId ?? `<forwarding-${boundaryCounter}.${process.pid}@toot-partner.example>`}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join(CRLF);
  const parts: Buffer[] = [
    Buffer.from(`${head}${CRLF}${CRLF}--${boundary}${CRLF}Content-Type: text/plain; charset=UTF-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`),
    Buffer.from(`${wrap76(Buffer.from(spec.text, 'utf-8').toString('base64'))}${CRLF}`),
  ];
  for (const forward of spec.forwards) {
    const eightBit = forward.message.some((b) => b >= 0x80);
    const transfer = forward.transferEncoding ?? (eightBit ? '8bit' : '7bit');
    const name = forward.fileName ? `; name="${forward.fileName}"` : '';
    const disposition = forward.disposition === undefined ? 'attachment' : forward.disposition;
    const lines = [`--${boundary}`, `Content-Type: message/rfc822${name}`, `Content-Transfer-Encoding: ${transfer}`];
    if (disposition) lines.push(`Content-Disposition: ${disposition}${forward.fileName ? `; filename="${forward.fileName}"` : ''}`);
    parts.push(Buffer.from(`${lines.join(CRLF)}${CRLF}${CRLF}`, 'latin1'));
    parts.push(transfer === 'base64' ? Buffer.from(wrap76(forward.message.toString('base64')), 'ascii') : forward.message);
    parts.push(Buffer.from(CRLF));
  }
  parts.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(parts);
}

/** The Japanese mail a customer first sent: ISO-2022-JP (CP50221) as Outlook writes it, with a Cc. */
export function japaneseIso2022JpOriginal(overrides: { subject?: string; text?: string } = {}): Buffer {
  return japaneseMail({
    from: 'yamada@customer.example',
    fromName: '山田 太郎',
    to: 'sales@toot-partner.example',
    subject: overrides.subject ?? '【至急】①番の商品について',
    text: overrides.text ?? '山田です。\n注文した商品①が届いておりません。\n確認をお願いいたします。',
    charset: 'iso-2022-jp',
    messageId: '<original-iso2022jp@customer.example>',
    date: 'Mon, 31 Mar 2025 18:30:00 +0900',
    extraHeaders: [['Cc', `${encodeHeaderText('佐藤 花子', 'iso-2022-jp', 'ISO-2022-JP', 'B', 12)} <sato@customer.example>`]],
  });
}

/** A UTF-8 mail from a sales colleague forwarding the customer's ISO-2022-JP mail inline (Content-Disposition: inline). */
export function forwardedIso2022JpInlineMail(overrides: { subject?: string; text?: string; messageId?: string } = {}): Buffer {
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: '転送: お客様からの問い合わせ',
    text: 'サポートご担当者様\nお客様から次のメールが届きましたので転送します。',
    ...(overrides.messageId ? { messageId: overrides.messageId } : {}),
    forwards: [{ message: japaneseIso2022JpOriginal(overrides), disposition: 'inline' }],
  });
}

/** "Forward as attachment": an .eml (base64, as Outlook sends it) whose mail has a PDF of its own. */
export function attachedEmlWithAttachmentMail(options: { messageId?: string } = {}): Buffer {
  const original = mailWithAttachment({
    from: 'tanaka@customer.example',
    fromName: '田中 一郎',
    to: 'sales@toot-partner.example',
    subject: '見積書の送付',
    text: '見積書を添付いたします。',
    charset: 'shift_jis',
    attachment: Buffer.from('%PDF-1.4 見積書', 'utf-8'),
    fileName: 'mitsumori.pdf',
    messageId: '<original-with-pdf@customer.example>',
  });
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: 'Fw: 見積書の送付',
    text: '添付のメールをご確認ください。',
    ...(options.messageId ? { messageId: options.messageId } : {}),
    forwards: [{ message: original, disposition: 'attachment', fileName: 'original.eml', transferEncoding: 'base64' }],
  });
}

/** A forward of a forward: the support desk gets sales' forward, which holds the customer's EUC-JP HTML mail. */
export function nestedForwardMail(): Buffer {
  const customer = alternativeMail({
    from: 'suzuki@customer.example',
    fromName: '鈴木 次郎',
    to: 'info@toot-partner.example',
    subject: '返品について',
    text: '返品の方法を教えてください。',
    html: '<p>返品の方法を<b>教えてください</b>。</p><img src="https://tracker.example/open.gif">',
    charset: 'euc-jp',
    messageId: '<nested-original@customer.example>',
  });
  const sales = forwardingMail({
    from: 'info@toot-partner.example',
    to: 'sales@toot-partner.example',
    subject: '転送: 返品について',
    text: '営業部へ転送します。',
    messageId: '<nested-middle@toot-partner.example>',
    forwards: [{ message: customer, disposition: 'inline' }],
  });
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: '転送: 転送: 返品について',
    text: 'サポートで対応をお願いします。',
    forwards: [{ message: sales, disposition: 'attachment', fileName: 'henpin.eml' }],
  });
}

/**
 * Two broken forwards after a good note: one that is not a mail at all (no headers, binary junk)
 * and one whose multipart body was cut off in the middle, as a failed upload leaves it.
 */
export function malformedForwardMail(): Buffer {
  const whole = mailWithAttachment({
    from: 'kato@customer.example',
    to: 'sales@toot-partner.example',
    subject: '途中で切れた転送メール',
    text: '最初の部分は読めます。',
    attachment: Buffer.alloc(4000, 0x42),
    fileName: 'data.bin',
    messageId: '<cut-forward@customer.example>',
  });
  const cut = whole.subarray(0, whole.indexOf(Buffer.from('Content-Disposition: attachment')) + 200);
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: '壊れた転送',
    text: '転送が壊れているかもしれません。',
    forwards: [
      { message: Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0a, 0x89, 0x50]), disposition: 'attachment', fileName: 'junk.eml', transferEncoding: 'base64' },
      { message: cut, disposition: 'inline' },
    ],
  });
}

/** An attached .eml whose customer wrote a card number (half-width) in the body and the subject. */
export function forwardedCardNumberMail(): Buffer {
  const original = japaneseMail({
    from: 'ito@customer.example',
    to: 'sales@toot-partner.example',
    subject: 'カード 4111111111111111 の件',
    text: '支払いに使ったカードは 4111 1111 1111 1111 です。',
    charset: 'iso-2022-jp',
    messageId: '<card-original@customer.example>',
  });
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: '転送: 支払いの件',
    text: 'お客様のメールを添付します。',
    forwards: [{ message: original, disposition: 'attachment', fileName: 'shiharai.eml' }],
  });
}

/** An attached .eml whose own attachment (a CSV, base64) holds a card number; its text holds none. */
export function forwardedCardFileMail(): Buffer {
  const original = mailWithAttachment({
    from: 'kato@customer.example',
    to: 'sales@toot-partner.example',
    subject: '登録情報の件',
    text: '登録情報を添付します。',
    charset: 'utf-8',
    attachment: Buffer.from('名前,カード番号\r\n加藤,4111-1111-1111-1111\r\n', 'utf-8'),
    fileName: 'touroku.csv',
    messageId: '<card-file-original@customer.example>',
  });
  return forwardingMail({
    from: 'sales@toot-partner.example',
    to: 'support@toot.example',
    subject: '転送: 登録情報',
    text: 'お客様のメールを添付します。',
    forwards: [{ message: original, disposition: 'attachment', fileName: 'touroku-mail.eml', transferEncoding: 'base64' }],
  });
}

function wrap76(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76));
  return lines.join(CRLF);
}

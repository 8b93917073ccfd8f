import iconv from 'iconv-lite';

/**
 * Raw RFC 5322 mails for tests, built byte by byte the way real Japanese mail clients write them,
 * so the parser is tested against the bytes it will meet rather than against what a library we
 * also parse with would produce. Framework-agnostic: used by vitest and by Playwright's Node side.
 */

export type JapaneseCharset = 'utf-8' | 'iso-2022-jp' | 'shift_jis' | 'euc-jp';
export type BodyTransferEncoding = '7bit' | '8bit' | 'base64' | 'quoted-printable';

export interface JapaneseMailSpec {
  from: string;
  fromName?: string;
  to: string;
  subject: string;
  text: string;
  /** Default utf-8. iso-2022-jp is written as Outlook's CP50221 (NEC and IBM extension characters in ESC $ B), shift_jis as CP932. */
  charset?: JapaneseCharset;
  /** The label written into the headers; defaults to the conventional one for `charset` (e.g. "Shift_JIS" for CP932 bytes, as Windows does). */
  charsetLabel?: string;
  /** undefined: a generated one; null: no Message-ID header at all. */
  messageId?: string | null;
  inReplyTo?: string;
  references?: string[];
  /** An RFC 5322 date; null leaves the Date header out. */
  date?: string | null;
  /** Default: 7bit for iso-2022-jp, base64 otherwise. */
  transferEncoding?: BodyTransferEncoding;
  /** How Subject and the From name are encoded. Default B. */
  headerEncoding?: 'B' | 'Q';
  /** At most this many characters per encoded word, so long subjects span folded lines. Default 12. */
  charsPerEncodedWord?: number;
  extraHeaders?: Array<[string, string]>;
  /** A Subject header value written as is (already encoded and folded), instead of encoding `subject`. */
  rawSubject?: string;
}

export const CRLF = '\r\n';
export const DEFAULT_DATE = 'Tue, 01 Apr 2025 10:00:00 +0900';
let messageCounter = 0;

const DEFAULT_LABELS: Record<JapaneseCharset, string> = {
  'utf-8': 'UTF-8',
  'iso-2022-jp': 'ISO-2022-JP',
  shift_jis: 'Shift_JIS',
  'euc-jp': 'EUC-JP',
};

/** A plain Japanese mail (text/plain) in the given charset. */
export function japaneseMail(spec: JapaneseMailSpec): Buffer {
  const charset = spec.charset ?? 'utf-8';
  const label = spec.charsetLabel ?? DEFAULT_LABELS[charset];
  const transfer = spec.transferEncoding ?? (charset === 'iso-2022-jp' ? '7bit' : 'base64');
  const headers = commonHeaders(spec, charset, label);
  headers.push(['MIME-Version', '1.0']);
  headers.push(['Content-Type', `text/plain; charset=${label}`]);
  headers.push(['Content-Transfer-Encoding', transfer]);
  return assemble(headers, encodeBody(encodeText(normalizeNewlines(spec.text), charset), transfer));
}

/** A reply: In-Reply-To the parent, References the thread so far plus the parent. */
export function replyMail(
  spec: Omit<JapaneseMailSpec, 'inReplyTo' | 'references'> & { parentMessageId: string; earlierReferences?: string[] },
): Buffer {
  const { parentMessageId, earlierReferences = [], ...rest } = spec;
  return japaneseMail({ ...rest, inReplyTo: parentMessageId, references: [...earlierReferences, parentMessageId] });
}

/** The same mail without a Message-ID header, as some web forms and old scripts send. */
export function noMessageIdMail(spec: Omit<JapaneseMailSpec, 'messageId'>): Buffer {
  return japaneseMail({ ...spec, messageId: null });
}

export type AutoReplyKind =
  | 'auto-submitted'
  | 'auto-generated'
  | 'x-autoreply'
  | 'x-autorespond'
  | 'precedence-bulk'
  | 'precedence-junk'
  | 'precedence-auto_reply';

const AUTO_REPLY_HEADERS: Record<AutoReplyKind, [string, string]> = {
  'auto-submitted': ['Auto-Submitted', 'auto-replied'],
  'auto-generated': ['Auto-Submitted', 'auto-generated'],
  'x-autoreply': ['X-Autoreply', 'yes'],
  'x-autorespond': ['X-Autorespond', 'Out of office'],
  'precedence-bulk': ['Precedence', 'bulk'],
  'precedence-junk': ['Precedence', 'junk'],
  'precedence-auto_reply': ['Precedence', 'auto_reply'],
};

/** An out-of-office style answer, marked the way the given kind of software marks it. */
export function autoReplyMail(kind: AutoReplyKind, spec: Partial<JapaneseMailSpec> = {}): Buffer {
  return japaneseMail({
    from: 'yamada@customer.example',
    fromName: '山田 太郎',
    to: 'support@toot.example',
    subject: '自動応答: お問い合わせ',
    text: 'ただいま不在にしております。4月7日以降に対応いたします。',
    ...spec,
    extraHeaders: [AUTO_REPLY_HEADERS[kind], ...(spec.extraHeaders ?? [])],
  });
}

/** A delivery status notification (RFC 3464) from MAILER-DAEMON about a mail we sent. */
export function bounceMail(options: { to?: string; failedRecipient?: string; originalMessageId?: string } = {}): Buffer {
  const to = options.to ?? 'support@toot.example';
  const failed = options.failedRecipient ?? 'nobody@customer.example';
  const original = options.originalMessageId ?? '<reply-1@toot.example>';
  const boundary = '----=_bounce_boundary_1';
  const headers: Array<[string, string]> = [
    ['Return-Path', '<>'],
    ['From', 'Mail Delivery System <MAILER-DAEMON@mx.toot.example>'],
    ['To', to],
    ['Subject', 'Undelivered Mail Returned to Sender'],
    ['Date', DEFAULT_DATE],
    ['Message-ID', '<bounce-1@mx.toot.example>'],
    ['MIME-Version', '1.0'],
    ['Content-Type', `multipart/report; report-type=delivery-status; boundary="${boundary}"`],
  ];
  const body = [
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.toot.example.',
    '',
    `<${failed}>: host mx.customer.example said: 550 5.1.1 User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.toot.example',
    '',
    `Final-Recipient: rfc822; ${failed}`,
    'Action: failed',
    'Status: 5.1.1',
    '',
    `--${boundary}`,
    'Content-Type: text/rfc822-headers',
    '',
    `From: support@toot.example`,
    `To: ${failed}`,
    `Message-ID: ${original}`,
    'Subject: =?UTF-8?B?44GK5ZWP44GE5ZCI44KP44Gb44Gu5Lu2?=',
    '',
    `--${boundary}--`,
    '',
  ].join(CRLF);
  return assemble(headers, Buffer.from(body, 'ascii'));
}

/** An HTML-only Japanese mail, as some web forms send. */
export function htmlOnlyMail(spec: Omit<JapaneseMailSpec, 'text' | 'transferEncoding'> & { html: string }): Buffer {
  const charset = spec.charset ?? 'utf-8';
  const label = spec.charsetLabel ?? DEFAULT_LABELS[charset];
  const headers = commonHeaders({ ...spec, text: '' }, charset, label);
  headers.push(['MIME-Version', '1.0']);
  headers.push(['Content-Type', `text/html; charset=${label}`]);
  headers.push(['Content-Transfer-Encoding', 'base64']);
  return assemble(headers, encodeBody(encodeText(normalizeNewlines(spec.html), charset), 'base64'));
}

/** multipart/alternative with a plain and an HTML part, as Outlook and Gmail send. */
export function alternativeMail(spec: JapaneseMailSpec & { html: string }): Buffer {
  const charset = spec.charset ?? 'utf-8';
  const label = spec.charsetLabel ?? DEFAULT_LABELS[charset];
  const transfer = spec.transferEncoding ?? (charset === 'iso-2022-jp' ? '7bit' : 'base64');
  const boundary = '----=_alt_boundary_1';
  const headers = commonHeaders(spec, charset, label);
  headers.push(['MIME-Version', '1.0']);
  headers.push(['Content-Type', `multipart/alternative; boundary="${boundary}"`]);
  const part = (type: string, content: string) =>
    Buffer.concat([
      Buffer.from(`--${boundary}${CRLF}Content-Type: ${type}; charset=${label}${CRLF}Content-Transfer-Encoding: ${transfer}${CRLF}${CRLF}`),
      encodeBody(encodeText(normalizeNewlines(content), charset), transfer),
      Buffer.from(CRLF),
    ]);
  const body = Buffer.concat([
    part('text/plain', spec.text),
    part('text/html', spec.html),
    Buffer.from(`--${boundary}--${CRLF}`),
  ]);
  return assemble(headers, body);
}

/** A mail with a text part and a binary attachment, to check attachments are skipped, not kept. */
export function mailWithAttachment(spec: JapaneseMailSpec & { attachment: Buffer; fileName: string }): Buffer {
  const charset = spec.charset ?? 'utf-8';
  const label = spec.charsetLabel ?? DEFAULT_LABELS[charset];
  const boundary = '----=_mixed_boundary_1';
  const headers = commonHeaders(spec, charset, label);
  headers.push(['MIME-Version', '1.0']);
  headers.push(['Content-Type', `multipart/mixed; boundary="${boundary}"`]);
  const body = Buffer.concat([
    Buffer.from(`--${boundary}${CRLF}Content-Type: text/plain; charset=${label}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`),
    encodeBody(encodeText(normalizeNewlines(spec.text), charset), 'base64'),
    Buffer.from(
      `${CRLF}--${boundary}${CRLF}Content-Type: application/octet-stream${CRLF}` +
        `Content-Disposition: attachment; filename="${spec.fileName}"${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`,
    ),
    encodeBody(spec.attachment, 'base64'),
    Buffer.from(`${CRLF}--${boundary}--${CRLF}`),
  ]);
  return assemble(headers, body);
}

/**
 * A UTF-8 subject whose encoded words split a character's bytes between them, across a folded
 * line: not allowed by RFC 2047 but common (some mobile carriers and PHP scripts), and readers cope.
 */
export function splitMultibyteSubjectMail(subject: string, spec: Partial<JapaneseMailSpec> = {}): Buffer {
  const bytes = Buffer.from(subject, 'utf-8');
  // Japanese characters are 3 bytes in UTF-8, so a cut at 4 falls inside the second one.
  const cut = Math.min(4, bytes.length - 1);
  const first = `=?UTF-8?B?${bytes.subarray(0, cut).toString('base64')}?=`;
  const second = `=?UTF-8?B?${bytes.subarray(cut).toString('base64')}?=`;
  return japaneseMail({
    from: 'yamada@customer.example',
    to: 'support@toot.example',
    subject,
    text: '本文です。',
    ...spec,
    rawSubject: `${first}${CRLF} ${second}`,
  });
}

// ---------------------------------------------------------------------------------------------
// Building blocks

function commonHeaders(spec: JapaneseMailSpec, charset: JapaneseCharset, label: string): Array<[string, string]> {
  const headerEncoding = spec.headerEncoding ?? 'B';
  const perWord = spec.charsPerEncodedWord ?? 12;
  const headers: Array<[string, string]> = [];
  const name = spec.fromName ? encodeHeaderText(spec.fromName, charset, label, headerEncoding, perWord) : null;
  headers.push(['From', name ? `${name} <${spec.from}>` : spec.from]);
  headers.push(['To', spec.to]);
  headers.push(['Subject', spec.rawSubject ?? encodeHeaderText(spec.subject, charset, label, headerEncoding, perWord)]);
  if (spec.date !== null) headers.push(['Date', spec.date ?? DEFAULT_DATE]);
  if (spec.messageId !== null) headers.push(['Message-ID', spec.messageId ?? `<fixture-${++messageCounter}.${process.pid}@customer.example>`]);
  if (spec.inReplyTo) headers.push(['In-Reply-To', spec.inReplyTo]);
  if (spec.references?.length) headers.push(['References', spec.references.join(`${CRLF} `)]);
  headers.push(...(spec.extraHeaders ?? []));
  return headers;
}

/** Headers and a body as one mail. */
export function assemble(headers: Array<[string, string]>, body: Buffer): Buffer {
  const head = headers.map(([name, value]) => `${name}: ${value}`).join(CRLF);
  return Buffer.concat([Buffer.from(`${head}${CRLF}${CRLF}`, 'latin1'), body]);
}

function normalizeNewlines(text: string): string {
  return text.replace(/\r?\n/g, CRLF);
}

/**
 * RFC 2047 encoded words of at most `charsPerWord` characters each, one per folded line. Each
 * word is complete in itself (ISO-2022-JP words end back in ASCII), as RFC 2047 requires.
 */
export function encodeHeaderText(text: string, charset: JapaneseCharset, label: string, mode: 'B' | 'Q', charsPerWord: number): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const chars = [...text];
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += charsPerWord) {
    const bytes = encodeText(chars.slice(i, i + charsPerWord).join(''), charset);
    const payload = mode === 'B' ? bytes.toString('base64') : encodeQWord(bytes);
    words.push(`=?${label}?${mode}?${payload}?=`);
  }
  return words.join(`${CRLF} `);
}

/** Q encoding with the character set RFC 2047 allows in phrases (display names), the strictest one. */
function encodeQWord(bytes: Buffer): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x20) out += '_';
    else if (/[A-Za-z0-9!*+\-/]/.test(String.fromCharCode(b))) out += String.fromCharCode(b);
    else out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function encodeBody(bytes: Buffer, transfer: BodyTransferEncoding): Buffer {
  if (transfer === 'base64') {
    const b64 = bytes.toString('base64');
    const lines: string[] = [];
    for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
    return Buffer.from(lines.join(CRLF) + CRLF, 'ascii');
  }
  if (transfer === 'quoted-printable') return Buffer.from(encodeQuotedPrintable(bytes), 'ascii');
  return Buffer.concat([bytes, Buffer.from(CRLF)]);
}

function encodeQuotedPrintable(bytes: Buffer): string {
  const lines: string[] = [];
  let line = '';
  const push = (token: string) => {
    if (line.length + token.length > 75) {
      lines.push(line + '=');
      line = '';
    }
    line += token;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x0d && bytes[i + 1] === 0x0a) {
      lines.push(line);
      line = '';
      i++;
    } else if ((b >= 0x21 && b <= 0x7e && b !== 0x3d) || (b === 0x20 && bytes[i + 1] !== 0x0d)) {
      push(String.fromCharCode(b));
    } else {
      push(`=${b.toString(16).toUpperCase().padStart(2, '0')}`);
    }
  }
  lines.push(line);
  return lines.join(CRLF) + CRLF;
}

/** Text to bytes in the charset; throws when a character has no code there, so a fixture never silently holds "?". */
export function encodeText(text: string, charset: JapaneseCharset): Buffer {
  if (charset === 'utf-8') return Buffer.from(text, 'utf-8');
  if (charset === 'iso-2022-jp') return encodeCp50221(text);
  const codec = charset === 'shift_jis' ? 'cp932' : 'euc-jp';
  const bytes = iconv.encode(text, codec);
  if (iconv.decode(bytes, codec) !== text) throw new Error(`fixture text has characters ${codec} cannot encode`);
  return bytes;
}

/**
 * ISO-2022-JP as Windows (CP50221, what Outlook sends) writes it: JIS X 0208 in ESC $ B, and in
 * the same escape the NEC special characters (row 13: ①, ㈱, №, Ⅱ) and the NEC-selected IBM
 * extensions (rows 89–92: 髙, 﨑), which plain ISO-2022-JP does not have; half-width katakana in
 * ESC ( I. Built from CP932 codes, which map onto JIS rows arithmetically.
 */
export function encodeCp50221(text: string): Buffer {
  const ESC_ASCII = [0x1b, 0x28, 0x42];
  const ESC_JIS0208 = [0x1b, 0x24, 0x42];
  const ESC_KANA = [0x1b, 0x28, 0x49];
  const out: number[] = [];
  let mode: 'ascii' | 'jis' | 'kana' = 'ascii';
  const switchTo = (next: typeof mode, escape: number[]) => {
    if (mode !== next) out.push(...escape);
    mode = next;
  };
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code < 0x80) {
      switchTo('ascii', ESC_ASCII);
      out.push(code);
      continue;
    }
    let sjis = iconv.encode(ch, 'cp932');
    if (iconv.decode(sjis, 'cp932') !== ch) throw new Error(`fixture text has a character CP50221 cannot encode: U+${code.toString(16)}`);
    if (sjis.length === 1) {
      switchTo('kana', ESC_KANA);
      out.push((sjis[0] as number) - 0x80);
      continue;
    }
    if ((sjis[0] as number) >= 0xf0) {
      // IBM extensions (FA–FC) have no JIS row; CP50221 writes their NEC-selected twin instead.
      const twin = necSelectedTwins().get(ch);
      if (!twin) throw new Error(`no JIS row for U+${code.toString(16)}`);
      sjis = twin;
    }
    switchTo('jis', ESC_JIS0208);
    out.push(...sjisToJis(sjis[0] as number, sjis[1] as number));
  }
  switchTo('ascii', ESC_ASCII);
  return Buffer.from(out);
}

function sjisToJis(lead: number, trail: number): [number, number] {
  let row = (lead >= 0xe0 ? lead - 0xb0 : lead - 0x70) * 2;
  let cell: number;
  if (trail >= 0x9f) {
    cell = trail - 0x7e;
  } else {
    row -= 1;
    cell = trail - (trail >= 0x80 ? 0x20 : 0x1f);
  }
  return [row, cell];
}

let twins: Map<string, Buffer> | null = null;
/** Every character CP932 encodes within JIS rows (leads 81–9F, E0–EF), by its lowest code. */
function necSelectedTwins(): Map<string, Buffer> {
  if (twins) return twins;
  twins = new Map();
  for (let lead = 0x81; lead <= 0xef; lead++) {
    if (lead > 0x9f && lead < 0xe0) continue;
    for (let trail = 0x40; trail <= 0xfc; trail++) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      const ch = iconv.decode(bytes, 'cp932');
      if ([...ch].length === 1 && ch !== '\ufffd' && !twins.has(ch)) twins.set(ch, bytes);
    }
  }
  return twins;
}

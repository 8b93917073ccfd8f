import { parseAddressHeader, type AddressObject, type EmailAddress } from 'mailparser';
import { withholdIfCardNumber } from './attachmentCardCheck';
import { isAutomaticMail } from './automaticMail';
import { decodeEncodedWords } from './encodedWords';
import { readForwardedMessages, type ForwardedMail } from './forwardedMessages';
import { decodeText, japaneseEncodingOf, repairIso2022JpEscapes } from './japaneseCharsets';
import { cleanLine, readMailStructure, type MailStructure } from './mailStructure';
import { MAX_MAIL_BYTES } from './mailLimits';
import { extractMessageIds, messageKeyOf, originDateOf } from './messageIdentity';
import { bodyStart, headerBytes, rawHeaderValue, rawHeaderValues, type RawHeaderLine } from './rawHeaders';

export { MAX_KEPT_ATTACHMENT_BYTES, UnparseableMailError } from './mailStructure';

export interface InboundMail {
  /** RFC 5322 Message-ID with angle brackets, e.g. "<abc@x>"; when missing: "<sha256-HEX@madoguchi.invalid>" from a hash of the raw bytes, so the same mail always gets the same key. */
  messageKey: string;
  /** "<...>" */
  inReplyTo: string | null;
  /** ["<...>", ...] */
  references: string[];
  /** lower-cased */
  fromAddress: string | null;
  fromName: string | null;
  /** The first To address, lower-cased. */
  toAddress: string | null;
  /** decoded, '' if none */
  subject: string;
  /** plain-text body; if only HTML, converted to text */
  text: string;
  /** ISO UTC; Date header, or the fallback passed in when missing/invalid */
  date: string;
  /** The Date header as written (see originDateOf): what tells this mail from another with its Message-ID. */
  originDate: string | null;
  /** Auto-replies (Auto-Submitted != no, X-Autoreply, X-Autorespond, Precedence bulk/junk/auto_reply) and bounces (multipart/report, MAILER-DAEMON): they must not open inquiries. */
  automatic: boolean;
  /**
   * For a bounce: the addresses (lower-cased) whose delivery failed for good, from the DSN's
   * per-recipient fields (RFC 3464 "Action: failed") or Exim's X-Failed-Recipients. Empty for
   * any other mail, and for delay notices.
   */
  failedRecipients: string[];
  /** Attachments as the mail names them (file names are masked before storage). */
  attachments: InboundAttachment[];
  /**
   * The HTML part as the sender wrote it (unsanitised: the renderer sanitises it before showing
   * it, and card numbers are masked before storage); null when the mail has none.
   */
  html?: string | null;
  /** Messages forwarded in it (message/rfc822 parts), read as mails of their own: see forwardedMessages.ts. */
  forwarded?: ForwardedMail[];
}

export interface InboundAttachment {
  /** Decoded file name ('' when the part has none). */
  fileName: string;
  contentType: string;
  /** Decoded bytes. */
  size: number;
  /** The decoded content, when it is at most MAX_KEPT_ATTACHMENT_BYTES; larger files are only named and sized. */
  content?: Buffer;
  /** Content-ID without angle brackets (inline images of multipart/related, referenced as cid:). */
  contentId?: string | null;
  /** Not kept because it held a card number: a forwarded message (.eml) or a text file (see attachmentCardCheck.ts). */
  withheld?: boolean;
}

/** HTML parts larger than this are not kept (the text part is still shown). */
const MAX_KEPT_HTML_CHARS = 5_000_000;

/** Date headers this far after the fallback (the server's arrival time) are wrong clocks or spam tricks. */
const MAX_CLOCK_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * Reads a raw mail into what Madoguchi keeps of it. Parses as far as the mail allows: broken
 * base64, wrong or missing charset labels, bad headers and truncation all give a result. Throws
 * UnparseableMailError only when there is no mail to speak of.
 */
export async function parseInboundMail(
  raw: Buffer,
  fallbackDate: string,
  options: { fullParser?: boolean; /** Internal: the level of a forwarded message being read. */ forwardDepth?: number } = {},
): Promise<InboundMail> {
  const parsed = await readMailStructure(raw, options.fullParser ?? false);

  const bodyLabel = charsetOf(rawHeaderValue(parsed.headerLines, 'content-type'));
  const from = firstAddress(parsed.headerLines, parsed.headers.get('from'), 'from', bodyLabel);
  const to = firstAddress(parsed.headerLines, parsed.headers.get('to'), 'to', bodyLabel);
  const fromAddress = from?.address ? from.address.toLowerCase() : null;

  const automatic = isAutomaticMail(parsed.headerLines, fromAddress);
  // A mail cut short (the fetch keeps only the head of a huge mail) ends inside its last part:
  // that attachment is incomplete, so its bytes are not kept as if they were the file.
  const lastAttachment = parsed.attachments.at(-1);
  const cutShort = lastAttachment !== undefined && isCutShort(parsed.headerLines, raw);
  // A forward cut short is still read as far as it goes, before its incomplete bytes are dropped.
  const { attachments, forwarded } = await readForwardedMessages(parsed.attachments, parsed.inlineMessages, {
    depth: options.forwardDepth ?? 0,
    fallbackDate,
    parse: (part, date, depth) => parseInboundMail(part, date, { forwardDepth: depth }),
  });
  if (cutShort) delete lastAttachment.content;
  for (const attachment of attachments) await withholdIfCardNumber(attachment);
  return {
    messageKey: messageKeyOf(parsed.headerLines, raw),
    inReplyTo: extractMessageIds(rawHeaderValue(parsed.headerLines, 'in-reply-to') ?? '')[0] ?? null,
    references: unique(extractMessageIds(rawHeaderValuesJoined(parsed.headerLines, 'references'))),
    fromAddress,
    fromName: from?.name ? from.name : null,
    toAddress: to?.address ? to.address.toLowerCase() : null,
    subject: subjectOf(parsed, bodyLabel),
    text: textOf(parsed, raw, bodyLabel),
    date: dateOf(rawHeaderValue(parsed.headerLines, 'date'), fallbackDate),
    originDate: originDateOf(rawHeaderValue(parsed.headerLines, 'date')),
    automatic,
    failedRecipients: automatic ? failedRecipientsOf(parsed) : [],
    attachments,
    forwarded,
    html: parsed.html !== null && parsed.html.trim() !== '' && parsed.html.length <= MAX_KEPT_HTML_CHARS ? parsed.html : null,
  };
}

/**
 * Recipients a bounce reports as failed for good: RFC 3464 per-recipient blocks with
 * "Action: failed" (delayed, relayed or delivered ones are not failures), their Final- or
 * Original-Recipient; else Exim's X-Failed-Recipients header.
 */
function failedRecipientsOf(parsed: MailStructure): string[] {
  const failed = new Set<string>();
  for (const report of parsed.deliveryStatus) {
    const blocks = report.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ').split(/\n\s*\n/);
    for (const block of blocks) {
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) fields.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      if ((fields.get('action') ?? '').split(/[\s(;]/)[0]?.toLowerCase() !== 'failed') continue;
      const address = recipientAddress(fields.get('final-recipient')) ?? recipientAddress(fields.get('original-recipient'));
      if (address) failed.add(address);
    }
  }
  if (failed.size === 0) {
    for (const value of rawHeaderValues(parsed.headerLines, 'x-failed-recipients')) {
      for (const part of value.split(',')) {
        const address = recipientAddress(`rfc822; ${part}`);
        if (address) failed.add(address);
      }
    }
  }
  return [...failed];
}

/** "rfc822; <Yamada@Example.jp>" → "yamada@example.jp" (utf-8 address types too). */
function recipientAddress(value: string | undefined): string | null {
  if (!value) return null;
  const semicolon = value.indexOf(';');
  const address = (semicolon >= 0 ? value.slice(semicolon + 1) : value).replace(/\([^)]*\)/g, '').trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return /^[^\s@<>]+@[^\s@<>]+$/.test(address) ? address : null;
}

function rawHeaderValuesJoined(lines: RawHeaderLine[], name: string): string {
  return lines
    .filter((l) => l.key === name)
    .map((l) => rawHeaderValue([l], name) ?? '')
    .join(' ');
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/** The charset parameter of a Content-Type value, if any. */
function charsetOf(contentType: string | null): string | null {
  const match = contentType ? /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType) : null;
  return match?.[1] ?? null;
}

function firstAddress(lines: RawHeaderLine[], parsed: unknown, name: 'from' | 'to', hint: string | null): { address: string; name: string } | null {
  let found = firstAddressIn(parsed as AddressObject | undefined);
  if (!found || needsRepair(found.name)) {
    // Raw 8-bit or ISO-2022-JP bytes in the header: re-read it from its bytes.
    const rawValue = rawHeaderValue(lines, name);
    if (rawValue !== null) {
      const repaired = firstAddressIn(parseAddressHeader(decodeText(headerBytes(rawValue), hint)));
      if (repaired && (!found || !needsRepair(repaired.name))) found = repaired;
    }
  }
  if (!found) return null;
  const displayName = displayNameWords(rawHeaderValue(lines, name));
  if (displayName !== null) found = { ...found, name: displayName };
  const address = found.address.trim();
  return { address: address.includes('@') || /^mailer[-_]daemon$/i.test(address) ? address : '', name: cleanLine(repairIso2022JpEscapes(found.name)) };
}

/**
 * For "=?ISO-2022-JP?B?...?= <a@b>" (the usual Japanese From): the name decoded by our decoder,
 * which copes with mislabelled words. Null for any other shape, which mailparser's reading covers.
 */
function displayNameWords(rawValue: string | null): string | null {
  if (rawValue === null || /[\x80-\xff]/.test(rawValue)) return null;
  const match = /^\s*"?((?:=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=\s*)+)"?\s*<[^<>@\s]+@[^<>\s]+>\s*$/.exec(rawValue);
  if (!match?.[1] || !hasJapaneseEncodedWord(match[1])) return null;
  return decodeEncodedWords(match[1].trim());
}

function hasJapaneseEncodedWord(value: string): boolean {
  return [...value.matchAll(/=\?([^?\s*]+)(?:\*[^?\s]*)?\?[bBqQ]\?/g)].some((m) => japaneseEncodingOf(m[1] ?? '') !== null);
}

function firstAddressIn(object: AddressObject | undefined): { address: string; name: string } | null {
  const queue: EmailAddress[] = [...(object?.value ?? [])];
  while (queue.length) {
    const entry = queue.shift() as EmailAddress;
    if (entry.group?.length) queue.unshift(...entry.group);
    else if (entry.address || entry.name) return { address: entry.address ?? '', name: entry.name ?? '' };
  }
  return null;
}

function needsRepair(text: string): boolean {
  return text.includes('\ufffd') || text.includes('\u001b');
}

function subjectOf(parsed: MailStructure, hint: string | null): string {
  const rawSubject = rawHeaderValue(parsed.headerLines, 'subject');
  if (rawSubject !== null && hasJapaneseEncodedWord(rawSubject) && !/[\x80-\xff]/.test(rawSubject)) {
    // Our decoder also copes with words whose label lies (Shift_JIS bytes labelled ISO-2022-JP).
    // Decided before the parser's own decoding is asked for: that would decode the subject twice.
    return cleanLine(decodeEncodedWords(rawSubject));
  }
  const decoded = parsed.headers.get('subject');
  let subject = typeof decoded === 'string' ? decoded : '';
  if (needsRepair(subject)) {
    if (rawSubject !== null) {
      const repaired = decodeEncodedWords(decodeText(headerBytes(rawSubject), hint));
      if (!needsRepair(repaired) || !subject) subject = repaired;
      else subject = repairIso2022JpEscapes(subject);
    }
  }
  return cleanLine(subject);
}

function textOf(parsed: MailStructure, raw: Buffer, hint: string | null): string {
  let text = parsed.text;
  if (!text.trim() && parsed.html && parsed.htmlConversionFailed) text = stripTags(parsed.html);
  text = repairIso2022JpEscapes(text);
  if (text.includes('\ufffd') && !hint) text = redecodeUnlabelledBody(parsed, raw) ?? text;
  return cleanBody(text);
}

/**
 * A single-part text mail with no charset label whose bytes were not UTF-8 (old Japanese mailers
 * sent Shift_JIS or EUC-JP like that): read again from the body's bytes with a guessed charset.
 */
function redecodeUnlabelledBody(parsed: MailStructure, raw: Buffer): string | null {
  const contentType = rawHeaderValue(parsed.headerLines, 'content-type');
  if (contentType !== null && !/^\s*text\//i.test(contentType)) return null;
  const start = bodyStart(raw);
  if (start < 0) return null;
  const body = raw.subarray(start);
  const transfer = (rawHeaderValue(parsed.headerLines, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  const bytes =
    transfer === 'base64'
      ? Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/]/g, ''), 'base64')
      : transfer === 'quoted-printable'
        ? decodeQuotedPrintable(body)
        : body;
  return decodeText(bytes, null);
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

/** Crude HTML to text, for HTML too large for the proper converter. */
function stripTags(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(?:p|div|tr|li|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Math.min(Number(n), 0x10ffff)))
    .replace(/&amp;/g, '&');
}

/** \n line ends, no byte-order mark or control characters, no runs of blank lines, no trailing space. */
function cleanBody(text: string): string {
  return text
    .replace(/^\ufeff/, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    // Only from where a run of blanks starts: trying every blank of a long run not ending a line took its length squared.
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/^\n+/, '')
    .trimEnd();
}

/**
 * The Date header as ISO UTC, unless it is missing, unparseable, before 1970 or more than a day
 * after the fallback (the server's arrival time, which is more trustworthy than the sender's clock).
 */
function dateOf(header: string | null, fallbackDate: string): string {
  const fallbackMs = Date.parse(fallbackDate);
  const fallback = Number.isNaN(fallbackMs) ? new Date() : new Date(fallbackMs);
  if (!header) return fallback.toISOString();
  const ms = parseMailDate(header);
  if (ms === null || ms < 0 || ms > fallback.getTime() + MAX_CLOCK_SKEW_MS) return fallback.toISOString();
  return new Date(ms).toISOString();
}

function parseMailDate(value: string): number | null {
  // RFC 5322 comments, like "(JST)", are not part of the date.
  const cleaned = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  const ms = Date.parse(cleaned);
  return Number.isNaN(ms) ? null : ms;
}

/**
 * A multipart mail whose closing boundary ("--boundary--") never comes, and that stops where a
 * transfer was cut (the head of a huge mail that the sync fetched, MAX_MAIL_BYTES long, or bytes
 * ending mid-line), was cut short. One that ends with its line complete is a whole mail whose
 * mailer left the closing boundary out: its last attachment is whole too.
 */
function isCutShort(lines: RawHeaderLine[], raw: Buffer): boolean {
  const contentType = rawHeaderValue(lines, 'content-type') ?? '';
  if (!/^\s*multipart\//i.test(contentType)) return false;
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const value = boundary?.[1] ?? boundary?.[2];
  if (!value) return false;
  if (raw.lastIndexOf(`--${value}--`, undefined, 'latin1') >= 0) return false;
  return raw.length >= MAX_MAIL_BYTES || raw.at(-1) !== 0x0a;
}

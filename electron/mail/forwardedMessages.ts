import { containsCardNumber } from '../../shared/cardMask';
import { htmlContainsCardNumber } from '../../shared/htmlCardMask';
import { decodeEncodedWords } from './encodedWords';
import { decodeText, decodeUnlabelled, repairIso2022JpEscapes } from './japaneseCharsets';
// Type-only: parseInboundMail is handed in as `parse`, so there is no import cycle at run time.
import type { InboundAttachment, InboundMail } from './parseInboundMail';
import { bodyStart, headerBytes, rawHeaderValue, rawHeaderValues, type RawHeaderLine } from './rawHeaders';

/**
 * A message forwarded inside a mail (a message/rfc822 part: Outlook's and Thunderbird's "forward
 * as attachment", Apple Mail's inline forward, a mailing list digest). Read by the same parser as
 * the mail itself, so Japanese charsets, encoded words, broken parts and HTML come out the same.
 * Nothing here is masked yet: card numbers are masked where it is stored, as for the mail itself.
 */
export interface ForwardedMail {
  /** Decoded, one line: "山田 太郎 <yamada@example.jp>"; '' when the header is missing. */
  from: string;
  /** Every To and Cc recipient as written (decoded, one line); '' when none. */
  to: string;
  cc: string;
  /** ISO UTC from its Date header; null when it has none. */
  date: string | null;
  subject: string;
  text: string;
  /** Unsanitised, like the mail's own HTML part; null when it has none. */
  html: string | null;
  attachments: InboundAttachment[];
  /** Messages forwarded inside this one (up to MAX_FORWARD_DEPTH levels in all). */
  forwarded: ForwardedMail[];
}

/** A forward of a forward of a forward is read and shown; deeper ones stay attached as .eml files. */
export const MAX_FORWARD_DEPTH = 3;
/**
 * Deeper forwards are still parsed, down to this level, only to look for a card number in them
 * (in base64 and quoted-printable parts too), so their .eml is kept only when none is found. The
 * bound keeps the work per mail finite: each level parses the bytes of the levels inside it again.
 */
export const MAX_CARD_CHECK_DEPTH = 12;
/** message/global is message/rfc822 with UTF-8 headers (RFC 6532). */
const FORWARDED_TYPES = new Set(['message/rfc822', 'message/global']);

/** parseInboundMail, for one level deeper: `depth` is the level of the message being read (1 = forwarded in the mail). */
export type ParseForwarded = (raw: Buffer, fallbackDate: string, depth: number) => Promise<InboundMail>;

export function isForwardedPart(attachment: InboundAttachment): boolean {
  return FORWARDED_TYPES.has(attachment.contentType);
}

/**
 * Reads the message/rfc822 parts among a mail's attachments as forwarded messages. A part sent as
 * an attachment (or with no disposition) stays listed too, as an .eml file to download; an inline
 * one (Content-Disposition: inline) is shown only as the forwarded message. A part that cannot be
 * read as a mail, or one beyond MAX_FORWARD_DEPTH or too large to keep, stays a plain attachment:
 * the outer mail never suffers from a broken forward.
 *
 * The .eml holds the forwarded message unmasked, so when anything read from it has a card number
 * its bytes are not kept (only its name and size, flagged `withheld`): the policy keeps no card data.
 */
export async function readForwardedMessages(
  attachments: InboundAttachment[],
  inlineParts: ReadonlySet<InboundAttachment>,
  context: { depth: number; fallbackDate: string; parse: ParseForwarded },
): Promise<{ attachments: InboundAttachment[]; forwarded: ForwardedMail[] }> {
  if (!attachments.some(isForwardedPart)) return { attachments, forwarded: [] };
  const listed: InboundAttachment[] = [];
  const forwarded: ForwardedMail[] = [];
  for (const attachment of attachments) {
    const mail =
      isForwardedPart(attachment) && attachment.content && context.depth < MAX_CARD_CHECK_DEPTH
        ? await readForwarded(attachment.content, context.fallbackDate, context.depth + 1, context.parse)
        : null;
    if (!mail) {
      if (isForwardedPart(attachment)) withholdIfRawCardNumber(attachment);
      listed.push(attachment);
      continue;
    }
    if (context.depth >= MAX_FORWARD_DEPTH) {
      // Too deep to show: read only for a card number, and kept as the .eml it came as.
      if (holdsCardNumber(mail)) withhold(attachment);
      listed.push(attachment);
      continue;
    }
    forwarded.push(mail);
    if (inlineParts.has(attachment)) continue;
    // Changed in place: the caller may still drop the content of a part the fetch cut short.
    if (!attachment.fileName) attachment.fileName = emlNameFor(mail.subject);
    if (holdsCardNumber(mail)) withhold(attachment);
    listed.push(attachment);
  }
  return { attachments: listed, forwarded };
}

async function readForwarded(raw: Buffer, fallbackDate: string, depth: number, parse: ParseForwarded): Promise<ForwardedMail | null> {
  let mail: InboundMail;
  try {
    mail = await parse(raw, fallbackDate, depth);
  } catch {
    // Not a mail at all (no headers, garbage): it stays an attachment, the outer mail is kept.
    return null;
  }
  const lines = headerLinesOf(raw);
  const hint = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(rawHeaderValue(lines, 'content-type') ?? '')?.[1] ?? null;
  const address = mail.fromAddress ?? '';
  const from = mail.fromName ? (address ? `${mail.fromName} <${address}>` : mail.fromName) : address;
  return {
    from: from || headerText(lines, 'from', hint),
    to: headerText(lines, 'to', hint),
    cc: headerText(lines, 'cc', hint),
    // parseInboundMail falls back to the arrival time; a forwarded message without a (readable) date has none.
    date: rawHeaderValue(lines, 'date') === null || mail.date === isoOr(fallbackDate) ? null : mail.date,
    subject: mail.subject,
    text: mail.text,
    html: mail.html ?? null,
    attachments: mail.attachments,
    forwarded: mail.forwarded ?? [],
  };
}

function isoOr(date: string): string | null {
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The header block's lines in mailparser's shape (lower-cased key, whole line one character per byte). */
function headerLinesOf(raw: Buffer): RawHeaderLine[] {
  const start = bodyStart(raw);
  const block = raw.subarray(0, start < 0 ? Math.min(raw.length, 256 * 1024) : start).toString('latin1');
  return block
    .split(/\r?\n(?![ \t])/)
    .map((line) => ({ key: line.slice(0, Math.max(0, line.indexOf(':'))).trim().toLowerCase(), line }))
    .filter((l) => l.key !== '');
}

/**
 * An address header for display: raw 8-bit bytes read in the part's charset (trusting the bytes
 * where the label lies), raw ISO-2022-JP escapes and RFC 2047 words decoded, all on one line.
 */
function headerText(lines: RawHeaderLine[], name: string, hint: string | null): string {
  const value = rawHeaderValues(lines, name).join(', ');
  const text = /[\x80-\xff]/.test(value) ? decodeText(headerBytes(value), hint) : repairIso2022JpEscapes(value);
  return decodeEncodedWords(text)
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}

/** A file name for an attached message that has none: its subject, made safe for every file system. */
function emlNameFor(subject: string): string {
  const base = subject.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim().slice(0, 100);
  return `${base || 'forwarded-message'}.eml`;
}

function holdsCardNumber(mail: ForwardedMail): boolean {
  // A file of its own withheld for a card number (attachmentCardCheck.ts): its bytes are in the .eml too.
  if (mail.attachments.some((a) => a.withheld)) return true;
  const texts = [mail.from, mail.to, mail.cc, mail.subject, mail.text, ...mail.attachments.map((a) => a.fileName)];
  return texts.some(containsCardNumber) || (mail.html !== null && htmlContainsCardNumber(mail.html)) || mail.forwarded.some(holdsCardNumber);
}

function withhold(attachment: InboundAttachment): void {
  delete attachment.content;
  attachment.withheld = true;
}

/**
 * A forwarded message that is not parsed (beyond MAX_CARD_CHECK_DEPTH, or not a mail at all) is
 * still looked through as text: headers and 7- or 8-bit parts in any Japanese charset. What it
 * holds in base64 or quoted-printable parts is not decoded here, so a number there is not found.
 */
function withholdIfRawCardNumber(attachment: InboundAttachment): void {
  if (attachment.content && containsCardNumber(decodeUnlabelled(attachment.content))) withhold(attachment);
}

/** The attachments of a mail and of every message forwarded in it, at any depth. */
export function attachmentsWithForwards(mail: Pick<InboundMail, 'attachments' | 'forwarded'>): InboundAttachment[] {
  const all = [...mail.attachments];
  const forwards = [...(mail.forwarded ?? [])];
  for (let forward = forwards.pop(); forward; forward = forwards.pop()) {
    all.push(...forward.attachments);
    forwards.push(...forward.forwarded);
  }
  return all;
}

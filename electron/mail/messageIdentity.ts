import { createHash } from 'node:crypto';
import { bodyStart, rawHeaderValue, type RawHeaderLine } from './rawHeaders';

/**
 * How Madoguchi knows a mail it has seen before: by its Message-ID, or, for a mail without one,
 * by a hash of what its author wrote. The sync dedupes on this key across folders, accounts,
 * UIDVALIDITY changes and restarts after a crash.
 */
const MAX_MESSAGE_ID_LENGTH = 500;

export function messageKeyOf(lines: RawHeaderLine[], raw: Buffer): string {
  const id = messageIdOf(rawHeaderValue(lines, 'message-id'));
  if (id) return id;
  return `<sha256-${contentHash(lines, raw)}@madoguchi.invalid>`;
}

/** The Message-ID Madoguchi keys a mail by, from the raw value of its Message-ID header; null when it has none usable. */
export function messageIdOf(rawValue: string | null): string | null {
  const id = extractMessageIds(rawValue ?? '')[0];
  return id && id.length <= MAX_MESSAGE_ID_LENGTH ? id : null;
}

/**
 * A mail's Date header as its author's program wrote it (unfolded, white space collapsed), or
 * null without one. With the Message-ID it tells one mail from another: every copy of a mail
 * (in another folder or account, fetched again after a renumbering) carries the same, while a
 * program that gives every mail the same Message-ID (a web form, a printer, a script) still dates
 * each when it sends it.
 */
export function originDateOf(rawValue: string | null): string | null {
  const date = rawValue?.replace(/\s+/g, ' ').trim().slice(0, 200);
  return date ? date : null;
}

/** What a stored message says of the mail it was, to tell another mail with its Message-ID from a copy. */
export interface StoredOrigin {
  direction: 'in' | 'out';
  /** Its contents were erased with its customer's registration: it must never come back. */
  erased: boolean;
  fromAddress: string | null;
  /** Null for replies, and for mail stored before Date headers were kept. */
  originDate: string | null;
  /** Its Date header's time (ISO), or when it arrived where it had none usable. */
  at: string;
}

/** What an arriving mail says of itself (see InboundMail). */
export interface ArrivingOrigin {
  fromAddress: string | null;
  originDate: string | null;
  date: string;
}

/** A Date header that can be read as a time: only then does it tell one mail from another. */
export const isReadableDate = (date: string | null) => date !== null && !Number.isNaN(Date.parse(date));

/**
 * Whether a mail that comes with a stored message's Message-ID is another mail, not a copy of it:
 * it is from another address, or both are dated by their Date headers, at different times. Where
 * nothing tells them apart (no Date header, or one no one can read), it is taken for a copy, as is
 * anything that comes with the Message-ID of Madoguchi's own reply or of an erased mail.
 */
export function isAnotherMail(stored: StoredOrigin, arriving: ArrivingOrigin): boolean {
  if (stored.direction === 'out' || stored.erased) return false;
  if ((stored.fromAddress ?? '') !== (arriving.fromAddress ?? '')) return true;
  if (!isReadableDate(arriving.originDate)) return false;
  // The headers' own times: a mail's time falls back to its arrival where its clock is far off, which differs between copies.
  const instant = Date.parse(arriving.originDate as string);
  if (stored.originDate !== null) return isReadableDate(stored.originDate) && Date.parse(stored.originDate) !== instant;
  // A message stored before Date headers were kept was dated by its own, where it had one.
  return stored.at !== arriving.date && stored.at !== new Date(instant).toISOString();
}

/**
 * Whether a mail of which only the Message-ID and Date headers were read is known to be a copy of
 * the stored message (when not, it is fetched whole, and isAnotherMail decides).
 */
export function isCopyByHeaders(stored: StoredOrigin, originDate: string | null): boolean {
  if (stored.direction === 'out' || stored.erased) return true;
  if (!isReadableDate(originDate)) return false;
  const instant = Date.parse(originDate as string);
  return stored.originDate !== null ? Date.parse(stored.originDate) === instant : Date.parse(stored.at) === instant;
}

/**
 * The key of a mail whose Message-ID another stored mail has (see isAnotherMail): a hash of the
 * Message-ID, its sender and its Date header, so that every copy of this one gets the same key,
 * and a key no Message-ID can be ("@madoguchi.invalid"), so that no reply names it.
 */
export function reusedIdKey(messageId: string, arriving: ArrivingOrigin): string {
  return `<sha256-${createHash('sha256').update(`${messageId}\n${arriving.fromAddress ?? ''}\n${arriving.originDate ?? ''}`).digest('hex')}@madoguchi.invalid>`;
}

/**
 * Headers the author's software wrote. Everything else in a header block is added on the way
 * (Received, Return-Path, Delivered-To, spam and authentication verdicts) and differs between
 * the copies of one mail delivered to several mailboxes, so it is left out of the content hash.
 */
const ORIGIN_HEADERS = new Set(['from', 'sender', 'reply-to', 'to', 'cc', 'subject', 'date', 'in-reply-to', 'references', 'mime-version', 'content-type', 'content-transfer-encoding']);

/**
 * The key of a mail without a Message-ID: SHA-256 over its author-written headers (in order, as
 * they came) and its body bytes. The same mail gets the same key in every folder and account it
 * reaches, and again after the server renumbers the folder (a UIDVALIDITY change).
 */
function contentHash(lines: RawHeaderLine[], raw: Buffer): string {
  const hash = createHash('sha256');
  for (const line of lines) {
    if (ORIGIN_HEADERS.has(line.key)) hash.update(line.line.replace(/\r?\n(?=[ \t])/g, '').trim(), 'latin1').update('\n');
  }
  hash.update('\n');
  const start = bodyStart(raw);
  hash.update(start < 0 ? Buffer.alloc(0) : raw.subarray(start));
  return hash.digest('hex');
}

/**
 * A mail's key as SHA-256 (hex): how Madoguchi remembers a mail whose contents it deleted, for
 * a Message-ID can carry its sender's domain or name ("<20261201.hanako@example.jp>"), and a
 * key hashed still recognises the mail when the server offers it again.
 */
export function messageKeyHash(messageKey: string): string {
  return createHash('sha256').update(messageKey).digest('hex');
}

/**
 * What a stored message's key becomes when its contents are deleted (the registration of its
 * customer was cancelled with them): its hash, marked so that it can never be a Message-ID
 * (those are "<...>"). The sync looks a mail up under both forms, so it is never imported again.
 */
export function erasedMessageKey(messageKey: string): string {
  return messageKey.startsWith(ERASED_KEY_PREFIX) ? messageKey : `${ERASED_KEY_PREFIX}${messageKeyHash(messageKey)}`;
}

const ERASED_KEY_PREFIX = 'sha256:';

/** The key of a message whose content was erased (erasedMessageKey): no Message-ID to answer, nothing to quote. */
export function isErasedMessageKey(messageKey: string): boolean {
  return messageKey.startsWith(ERASED_KEY_PREFIX);
}

/**
 * Message-IDs in a header value, each "<...>". Tolerates what mailers write besides ids
 * ("<a@x> (Yamada's message of ...)") and ids sent without brackets.
 */
export function extractMessageIds(value: string): string[] {
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const bracketed = [...cleaned.matchAll(/<\s*([^<>\s]+)\s*>/g)].map((m) => `<${m[1]}>`);
  if (bracketed.length) return bracketed;
  return cleaned
    .split(/[\s,]+/)
    .filter((token) => /^[^@\s"()<>]+@[^@\s"()<>]+$/.test(token))
    .map((token) => `<${token}>`);
}


import type { ImapFlow } from 'imapflow';
import type { Logger } from '../logging/logger';
import { createImapClient, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';

export type { ImapConfig } from './imapClient';

export interface FetchedMail {
  uid: number;
  raw: Buffer;
  /** ISO; when the mail was put into the mailbox, per the server. */
  internalDate: string;
}

export interface FetchNewMailOptions {
  folder: string;
  /** What we stored last time; when the server's UIDVALIDITY differs, fetch from uid 1 again (the caller dedupes by messageKey). */
  knownUidValidity: string | null;
  /** Fetch UIDs > lastUid. */
  lastUid: number;
  /** Called once per mail, in UID order, and AWAITED before the next is handed over: the caller stores the mail and advances its lastUid in one DB transaction, so a crash at any point resumes without loss or duplicates. */
  onMail(mail: FetchedMail, uidValidity: string): Promise<void> | void;
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
  logger?: Logger;
}

/** UIDs asked about per round trip: few enough that the answers stay small. */
const UID_BATCH = 200;
/** Mails fetched in one FETCH may together be this big, so that waiting for one out of order never holds much in memory. */
const GROUP_BYTES = 16 * 1024 * 1024;
/**
 * Bytes kept of a single mail. Anything larger is almost all attachment, which Madoguchi does not
 * keep: its head (headers and text) is fetched and parses as a truncated mail.
 */
export const MAX_MAIL_BYTES = 32 * 1024 * 1024;

/**
 * Fetches the mails that arrived in `folder` since `lastUid`, handing each to `onMail` in UID
 * order. The mailbox is opened read-only (EXAMINE) and bodies are read with BODY.PEEK, so the
 * server's mail is never changed: no \Seen flag, no moves, no deletes.
 */
export async function fetchNewMail(config: ImapConfig, options: FetchNewMailOptions): Promise<{ uidValidity: string; fetched: number }> {
  const { signal, logger } = options;
  signal?.throwIfAborted();
  const client = createImapClient(config);
  const closeOnAbort = () => client.close();
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  // Set when onMail threw, so its error is passed on as it is rather than mapped to an IMAP one.
  let callerFailure = null as { error: unknown } | null;
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(options.folder, { readOnly: true });
    const uidValidity = mailbox.uidValidity.toString();
    const validityChanged = options.knownUidValidity !== null && options.knownUidValidity !== uidValidity;
    if (validityChanged) logger?.warn('imap.uidvalidity_changed', { refetchAll: true });
    const firstUid = validityChanged ? 1 : Math.max(0, Math.floor(options.lastUid)) + 1;

    // UIDNEXT, when the server reports it, spares a SEARCH when nothing is new.
    const maybeNew = mailbox.exists > 0 && (!mailbox.uidNext || mailbox.uidNext > firstUid);
    const uids = maybeNew ? await listUidsFrom(client, firstUid) : [];
    logger?.info('imap.fetch_started', { newMails: uids.length });
    options.onProgress?.(0, uids.length);

    let fetched = 0;
    for (let start = 0; start < uids.length; start += UID_BATCH) {
      const batch = uids.slice(start, start + UID_BATCH);
      const sizes = await fetchSizes(client, batch);
      for (const group of groupBySize(batch, sizes)) {
        await fetchInUidOrder(client, group, async (mail) => {
          signal?.throwIfAborted();
          try {
            await options.onMail(mail, uidValidity);
          } catch (error) {
            callerFailure = { error };
            throw error;
          }
          fetched++;
          options.onProgress?.(fetched, uids.length);
        });
      }
    }
    signal?.throwIfAborted();
    await client.logout().catch(() => client.close());
    logger?.info('imap.fetch_finished', { fetched });
    return { uidValidity, fetched };
  } catch (error) {
    client.close();
    if (signal?.aborted) throw abortReason(signal);
    // The caller's own failure (say, a full disk) is theirs to report, not an IMAP problem.
    if (callerFailure) throw callerFailure.error;
    const appError = toImapAppError(error, config, options.folder);
    logger?.error('imap.fetch_failed', { code: appError.code });
    throw appError;
  } finally {
    signal?.removeEventListener('abort', closeOnAbort);
  }
}

/** Logs in and out again: for the settings screen's "test connection". */
export async function testImapLogin(config: ImapConfig): Promise<void> {
  const client = createImapClient(config);
  try {
    await client.connect();
    await client.logout();
  } catch (error) {
    client.close();
    throw toImapAppError(error, config);
  }
}

/** UIDs >= firstUid, ascending. ("n:*" always includes the highest UID, even below n, hence the filter.) */
async function listUidsFrom(client: ImapFlow, firstUid: number): Promise<number[]> {
  const found = await client.search({ uid: `${firstUid}:*` }, { uid: true });
  if (!found) return [];
  return [...new Set(found)].filter((uid) => uid >= firstUid).sort((a, b) => a - b);
}

async function fetchSizes(client: ImapFlow, uids: number[]): Promise<Map<number, number>> {
  const sizes = new Map<number, number>();
  for await (const message of client.fetch(toSequenceSet(uids), { uid: true, size: true }, { uid: true })) {
    sizes.set(message.uid, message.size ?? 0);
  }
  return sizes;
}

interface FetchGroup {
  uids: number[];
  /** Only the first MAX_MAIL_BYTES of each mail (groups of one oversized mail). */
  truncate: boolean;
}

/** Consecutive UIDs whose mails together stay under GROUP_BYTES; an oversized mail alone. Expunged mails (no size) are left out. */
function groupBySize(uids: number[], sizes: Map<number, number>): FetchGroup[] {
  const groups: FetchGroup[] = [];
  let current: number[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length) groups.push({ uids: current, truncate: false });
    current = [];
    bytes = 0;
  };
  for (const uid of uids) {
    const size = sizes.get(uid);
    if (size === undefined) continue;
    if (size > MAX_MAIL_BYTES) {
      flush();
      groups.push({ uids: [uid], truncate: true });
      continue;
    }
    if (bytes + size > GROUP_BYTES) flush();
    current.push(uid);
    bytes += size;
  }
  flush();
  return groups;
}

/**
 * Fetches a group and hands its mails over strictly in UID order. Servers answer in mailbox
 * order, which is UID order, so normally each mail goes straight through; one that arrives early
 * waits for those before it, and a mail expunged meanwhile is simply never handed over.
 */
async function fetchInUidOrder(client: ImapFlow, group: FetchGroup, deliver: (mail: FetchedMail) => Promise<void>): Promise<void> {
  const waiting = new Map<number, FetchedMail>();
  const expected = [...group.uids];
  const source = group.truncate ? { maxLength: MAX_MAIL_BYTES } : true;
  const flushReady = async () => {
    while (expected.length && waiting.has(expected[0] as number)) {
      const uid = expected.shift() as number;
      const mail = waiting.get(uid) as FetchedMail;
      waiting.delete(uid);
      await deliver(mail);
    }
  };
  for await (const message of client.fetch(toSequenceSet(group.uids), { uid: true, internalDate: true, source }, { uid: true })) {
    if (!message.source || !expected.includes(message.uid)) continue;
    waiting.set(message.uid, { uid: message.uid, raw: message.source, internalDate: toIso(message.internalDate) });
    await flushReady();
  }
  // Whatever still waits was preceded by mails that disappeared from the server; keep the order among the rest.
  for (const uid of expected) {
    const mail = waiting.get(uid);
    if (mail) await deliver(mail);
  }
}

function toIso(date: Date | string | undefined): string {
  const parsed = date === undefined ? new Date(NaN) : new Date(date);
  return Number.isNaN(parsed.getTime()) ? new Date().toISOString() : parsed.toISOString();
}

/** 1,2,3,7,9,10 → "1:3,7,9:10" */
export function toSequenceSet(uids: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < uids.length) {
    const first = uids[i] as number;
    let last = first;
    while (i + 1 < uids.length && uids[i + 1] === last + 1) last = uids[++i] as number;
    parts.push(first === last ? String(first) : `${first}:${last}`);
    i++;
  }
  return parts.join(',');
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The mail fetch was cancelled', 'AbortError');
}

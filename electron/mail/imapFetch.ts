import type { ImapFlow } from 'imapflow';
import type { Logger } from '../logging/logger';
import { openFolderWithChanges, searchUids, type FolderChanges } from './folderChanges';
import { createImapClient, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';
import { MAX_MAIL_BYTES } from './mailLimits';
import { messageIdOf } from './messageIdentity';

export type { ImapConfig } from './imapClient';

export interface FetchedMail {
  uid: number;
  raw: Buffer;
  /** ISO; when the mail was put into the mailbox, per the server. */
  internalDate: string;
  /** Someone answered it from another mail client already (the \\Answered flag). */
  answered?: boolean;
}

export interface FolderFetchOptions {
  folder: string;
  /** What we stored last time; when the server's UIDVALIDITY differs, fetch from uid 1 again (the caller dedupes by messageKey). */
  knownUidValidity: string | null;
  /** Fetch UIDs > lastUid. */
  lastUid: number;
  /** The folder's HIGHESTMODSEQ at the last sync (CONDSTORE), to learn what changed since; null: unknown. */
  knownModseq?: string | null;
  /** Mails up to lastUid deleted or answered on the server since the last sync, or the list of those still there (see folderChanges.ts). */
  onChanges?(changes: FolderChanges): Promise<void> | void;
  /**
   * Called once per mail, in UID order, and awaited before the next is handed over. The caller
   * may store the mail at once or queue it (awaiting only while its queue is full): either way it
   * must advance its stored lastUid only past mails it has stored, in the same transaction, so a
   * crash at any point resumes without loss or duplicates.
   */
  onMail(mail: FetchedMail, uidValidity: string): Promise<void> | void;
  /**
   * After a UIDVALIDITY change every mail comes again under new UIDs. When given, each one's
   * Message-ID header is read first and mails whose Message-ID this returns true for are not
   * downloaded but handed to onSkip (in UID order, like onMail), so the cursor can move past them.
   */
  isKnownMessageId?(messageId: string): boolean;
  onSkip?(uid: number, uidValidity: string, messageId: string): Promise<void> | void;
  /**
   * The server would not hand over this mail's content (it answered NO to a FETCH of it alone,
   * while it still answered for the mail's flags: the fault is the mail's, as with a mail Gmail
   * cannot read), with what the server said. Called in UID order, like onMail, so the caller can
   * set the mail aside and move its cursor past it. Without it, such a refusal fails the folder.
   */
  onRefused?(uid: number, uidValidity: string, serverText: string): Promise<void> | void;
  /**
   * Mails handed to onRefused by an earlier sync, in the folder's numbering `uidValidity`: asked
   * for again, each on its own, before the new mail, and each one the server hands over now goes
   * to onRetrieved (one still refused, or gone, stays as it is). Ignored once the folder was renumbered.
   */
  retryRefused?: { uidValidity: string; uids: number[]; onRetrieved(mail: FetchedMail): Promise<void> | void };
  /** Called once the new mails are listed: how many will be handed over (mails and skips). */
  onListed?(total: number, uidValidity: string): void;
  onProgress?(done: number, total: number): void;
}

export interface FetchNewMailOptions extends FolderFetchOptions {
  signal?: AbortSignal | undefined;
  logger?: Logger | undefined;
}

export interface FolderFetchResult {
  uidValidity: string;
  /** Mails handed to onMail. */
  fetched: number;
  /** Mails handed to onSkip (already known by Message-ID after a UIDVALIDITY change). */
  skipped: number;
  /** Mails handed to onRefused (the server would not hand them over). */
  refused: number;
  /** Bytes of mail handed to onMail. */
  bytes: number;
  /** The folder's HIGHESTMODSEQ when it was opened, to remember once the folder is synced; null when the server has none. */
  highestModseq: string | null;
}

/** A logged-in IMAP session, for syncing several folders over one connection. */
export interface ImapSession {
  /** The server offers IDLE (RFC 2177). */
  readonly supportsIdle: boolean;
  /** Still connected and logged in (false after a drop or close()). */
  readonly usable: boolean;
  fetchFolder(options: FolderFetchOptions): Promise<FolderFetchResult>;
  /** Logs out (or drops the connection if that fails); never throws. */
  close(): Promise<void>;
}

/** UIDs handled per step (Message-ID checks, grouping): the answers stay small, the round trips few. */
const UID_BATCH = 2000;
/** Mails per FETCH command at most. */
const GROUP_MAILS = 1000;
/**
 * Mails that arrive ahead of their turn (out of UID order) are held up to this many bytes
 * together; any more are dropped and fetched again on their own, so memory stays bounded.
 */
const OUT_OF_ORDER_BYTES = 16 * 1024 * 1024;

/**
 * Connects and logs in. Mailboxes are opened read-only (EXAMINE) and bodies are read with
 * BODY.PEEK, so the server's mail is never changed: no \Seen flag, no moves, no deletes.
 */
export async function openImapSession(config: ImapConfig, options: { signal?: AbortSignal | undefined; logger?: Logger | undefined } = {}): Promise<ImapSession> {
  const { signal, logger } = options;
  signal?.throwIfAborted();
  const client = createImapClient(config);
  const closeOnAbort = () => client.close();
  signal?.addEventListener('abort', closeOnAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    signal?.removeEventListener('abort', closeOnAbort);
    client.close();
    if (signal?.aborted) throw abortReason(signal);
    const appError = toImapAppError(error, config);
    logger?.error('imap.connect_failed', { code: appError.code });
    throw appError;
  }
  let closed = false;
  return {
    supportsIdle: client.capabilities.has('IDLE'),
    get usable() {
      return !closed && client.usable;
    },
    async fetchFolder(folderOptions) {
      // Set when the caller's callback threw, so its error is passed on as it is rather than mapped to an IMAP one.
      const failure = { caller: null as { error: unknown } | null };
      try {
        if (closed || !client.usable) throw Object.assign(new Error('Connection closed'), { code: 'EConnectionClosed' });
        return await fetchFolderWith(client, folderOptions, failure, signal, logger);
      } catch (error) {
        if (signal?.aborted) throw abortReason(signal);
        if (failure.caller) throw failure.caller.error;
        const appError = toImapAppError(error, config, folderOptions.folder);
        logger?.error('imap.fetch_failed', { code: appError.code });
        throw appError;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      signal?.removeEventListener('abort', closeOnAbort);
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    },
  };
}

/**
 * Fetches the mails that arrived in `folder` since `lastUid`, handing each to `onMail` in UID
 * order: one session for one folder.
 */
export async function fetchNewMail(config: ImapConfig, options: FetchNewMailOptions): Promise<{ uidValidity: string; fetched: number }> {
  const session = await openImapSession(config, { signal: options.signal, logger: options.logger });
  try {
    const result = await session.fetchFolder(options);
    options.signal?.throwIfAborted();
    return { uidValidity: result.uidValidity, fetched: result.fetched };
  } finally {
    await session.close();
  }
}

async function fetchFolderWith(
  client: ImapFlow,
  options: FolderFetchOptions,
  failure: { caller: { error: unknown } | null },
  signal: AbortSignal | undefined,
  logger: Logger | undefined,
): Promise<FolderFetchResult> {
  const known = options.knownUidValidity === null ? null : { uidValidity: options.knownUidValidity, highestModseq: options.knownModseq ?? null, lastUid: options.lastUid };
  const { mailbox, highestModseq, changes } = await openFolderWithChanges(client, options.folder, known);
  const uidValidity = mailbox.uidValidity.toString();
  const validityChanged = options.knownUidValidity !== null && options.knownUidValidity !== uidValidity;
  if (validityChanged) logger?.warn('imap.uidvalidity_changed', { refetchAll: true });
  const firstUid = validityChanged ? 1 : Math.max(0, Math.floor(options.lastUid)) + 1;

  // UIDNEXT, when the server reports it, spares asking when nothing is new.
  const maybeNew = mailbox.exists > 0 && (!mailbox.uidNext || mailbox.uidNext > firstUid);
  const { uids, oversized } = maybeNew ? await listNewMail(client, firstUid) : { uids: [], oversized: new Set<number>() };
  logger?.info('imap.fetch_started', { newMails: uids.length });
  options.onListed?.(uids.length, uidValidity);
  options.onProgress?.(0, uids.length);

  // Calls into the caller, keeping its own errors apart from IMAP ones.
  const callCaller = async (call: () => Promise<void> | void) => {
    signal?.throwIfAborted();
    try {
      await call();
    } catch (error) {
      failure.caller = { error };
      throw error;
    }
  };

  if (changes.removed.length || changes.answered.length || changes.stillOnServer) await callCaller(() => options.onChanges?.(changes));

  const retry = options.retryRefused;
  if (retry && retry.uidValidity === uidValidity) {
    for (const uid of retry.uids) {
      const outcome = await fetchAloneUnlessRefused(client, uid, { uid: true, internalDate: true, flags: true, source: { maxLength: MAX_MAIL_BYTES } }, { patient: false });
      const mail = 'mail' in outcome ? outcome.mail : undefined;
      if (mail) await callCaller(() => retry.onRetrieved(mail));
    }
  }

  const result: FolderFetchResult = { uidValidity, fetched: 0, skipped: 0, refused: 0, bytes: 0, highestModseq };
  const handedOver = () => options.onProgress?.(result.fetched + result.skipped + result.refused, uids.length);
  const onRefused = options.onRefused;
  const skipCheck = validityChanged && options.isKnownMessageId && options.onSkip ? options.isKnownMessageId : null;
  for (let start = 0; start < uids.length; start += UID_BATCH) {
    const batch = uids.slice(start, start + UID_BATCH);
    const known = skipCheck ? await knownByMessageId(client, batch, skipCheck) : new Map<number, string>();
    // Skipped UIDs are handed over in their place in UID order, between the fetched ones.
    const skips = batch.filter((uid) => known.has(uid));
    const skipUpTo = async (uid: number) => {
      while (skips.length && (skips[0] as number) < uid) {
        const skipped = skips.shift() as number;
        await callCaller(() => options.onSkip?.(skipped, uidValidity, known.get(skipped) as string));
        result.skipped++;
        handedOver();
      }
    };
    const deliver = async (mail: FetchedMail) => {
      await skipUpTo(mail.uid);
      await callCaller(() => options.onMail(mail, uidValidity));
      result.fetched++;
      result.bytes += mail.raw.length;
      handedOver();
    };
    const refuse = onRefused
      ? async (uid: number, serverText: string) => {
          await skipUpTo(uid);
          await callCaller(() => onRefused(uid, uidValidity, serverText));
          result.refused++;
          handedOver();
        }
      : null;
    const toFetch = batch.filter((uid) => !known.has(uid));
    for (const group of groupForFetch(toFetch, oversized)) await fetchInUidOrder(client, group, deliver, refuse);
    await skipUpTo(Number.POSITIVE_INFINITY);
  }
  signal?.throwIfAborted();
  logger?.info('imap.fetch_finished', { fetched: result.fetched, skipped: result.skipped, refused: result.refused });
  return result;
}

/**
 * One mail by UID, read-only (a quarantined mail fetched again when staff ask), with the folder's
 * UIDVALIDITY; `mail` null when it is no longer in the folder. Like the sync, only the first
 * MAX_MAIL_BYTES of a huge mail.
 */
export async function fetchOneMail(config: ImapConfig, folder: string, uid: number): Promise<{ uidValidity: string; mail: FetchedMail | null }> {
  const client = createImapClient(config);
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(folder, { readOnly: true });
    const message = await client.fetchOne(String(uid), { uid: true, internalDate: true, flags: true, source: { maxLength: MAX_MAIL_BYTES } }, { uid: true });
    await client.logout();
    const mail = message && message.uid === uid && message.source ? fetchedMail(message, message.source) : null;
    return { uidValidity: mailbox.uidValidity.toString(), mail };
  } catch (error) {
    client.close();
    throw toImapAppError(error, config, folder);
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

/**
 * The UIDs >= firstUid, ascending, and those of them larger than MAX_MAIL_BYTES, in two SEARCHes
 * that each answer in one line, where a FETCH of each mail's size took a response per mail (a
 * sixth of a large sync's time). ("n:*" always includes the highest UID, even below n, hence the filter.)
 */
async function listNewMail(client: ImapFlow, firstUid: number): Promise<{ uids: number[]; oversized: Set<number> }> {
  const search = async (query: Parameters<ImapFlow['search']>[0]) => (await searchUids(client, query)).filter((uid) => uid >= firstUid);
  const uids = await search({ uid: `${firstUid}:*` });
  const oversized = new Set(uids.length ? await search({ uid: `${firstUid}:*`, larger: MAX_MAIL_BYTES }) : []);
  return { uids, oversized };
}

interface FetchGroup {
  uids: number[];
  /** Only the first MAX_MAIL_BYTES of each mail (groups of one oversized mail). */
  truncate: boolean;
}

/**
 * Runs of up to GROUP_MAILS UIDs, each oversized mail in a group of its own. Only those are
 * asked for as a byte range: imapflow takes a third longer over each ranged answer.
 */
function groupForFetch(uids: number[], oversized: ReadonlySet<number>): FetchGroup[] {
  const groups: FetchGroup[] = [];
  let current: number[] = [];
  for (const uid of uids) {
    if (oversized.has(uid)) {
      if (current.length) groups.push({ uids: current, truncate: false });
      groups.push({ uids: [uid], truncate: true });
      current = [];
      continue;
    }
    current.push(uid);
    if (current.length >= GROUP_MAILS) {
      groups.push({ uids: current, truncate: false });
      current = [];
    }
  }
  if (current.length) groups.push({ uids: current, truncate: false });
  return groups;
}

/** The UIDs among `uids` whose Message-ID header the caller already knows, with that Message-ID: only the header is read. */
async function knownByMessageId(client: ImapFlow, uids: number[], isKnown: (messageId: string) => boolean): Promise<Map<number, string>> {
  const known = new Map<number, string>();
  try {
    for await (const message of client.fetch(toSequenceSet(uids), { uid: true, headers: ['message-id'] }, { uid: true })) {
      const headers = message.headers?.toString('latin1') ?? '';
      const value = /^message-id:([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)/im.exec(headers)?.[1] ?? null;
      const id = messageIdOf(value === null ? null : value.replace(/\r?\n(?=[ \t])/g, '').trim());
      if (id && isKnown(id)) known.set(message.uid, id);
    }
  } catch (error) {
    // Some mail's header refused: the mails not known by now are fetched whole (and a stored one
    // is recognised when it is stored), where a refused one is dealt with like any other.
    if (!isMailRefusal(error) || !client.usable) throw error;
  }
  return known;
}

/**
 * Fetches mails and hands them over strictly in UID order. Servers answer in mailbox order, which
 * is UID order, so normally each mail goes straight through; one that arrives early waits for
 * those before it (beyond OUT_OF_ORDER_BYTES it is fetched again later instead), and a mail
 * expunged meanwhile is simply never handed over. An oversized mail comes as its first MAX_MAIL_BYTES.
 *
 * A server that will not hand over some mail answers the others and ends the FETCH with NO. Then
 * (given `refuse`) each mail it did not send is asked for on its own: one it sends, or that is
 * gone, is dealt with as above; one it refuses again is handed to `refuse` if the server still
 * answers for that mail's flags, so that one unreadable mail does not hold up its folder for good.
 * When the server answers nothing for it, the fault is the server's: the FETCH's error is thrown.
 */
async function fetchInUidOrder(
  client: ImapFlow,
  group: FetchGroup,
  deliver: (mail: FetchedMail) => Promise<void>,
  refuse: ((uid: number, serverText: string) => Promise<void>) | null,
): Promise<void> {
  const { uids } = group;
  // The flags too: a mail answered from another client before it was fetched is never reported as a change later.
  const query = { uid: true, internalDate: true, flags: true, source: group.truncate ? { maxLength: MAX_MAIL_BYTES } : true } as const;
  const wanted = new Set(uids);
  const waiting = new Map<number, FetchedMail>();
  const dropped = new Set<number>();
  let waitingBytes = 0;
  let next = 0;
  let refused = false;
  try {
    for await (const message of client.fetch(toSequenceSet(uids), query, { uid: true })) {
      if (!message.source || !wanted.has(message.uid)) continue;
      wanted.delete(message.uid);
      const mail = fetchedMail(message, message.source);
      if (message.uid !== uids[next]) {
        if (waitingBytes + mail.raw.length > OUT_OF_ORDER_BYTES) dropped.add(mail.uid);
        else {
          waiting.set(mail.uid, mail);
          waitingBytes += mail.raw.length;
        }
        continue;
      }
      next++;
      await deliver(mail);
      for (let held = waiting.get(uids[next] as number); held; held = waiting.get(uids[next] as number)) {
        waiting.delete(held.uid);
        waitingBytes -= held.raw.length;
        next++;
        await deliver(held);
      }
    }
  } catch (error) {
    if (!refuse || !isMailRefusal(error) || !client.usable) throw error;
    refused = true;
  }
  // What is left was preceded by a mail that disappeared from the server (or that it refused): keep the order among the rest.
  for (; next < uids.length; next++) {
    const uid = uids[next] as number;
    const held = waiting.get(uid);
    if (held) {
      await deliver(held);
      continue;
    }
    if (!dropped.has(uid) && !(refused && wanted.has(uid))) continue;
    const outcome = await fetchAloneUnlessRefused(client, uid, query, { patient: true });
    if ('refusal' in outcome) {
      if (!refuse) throw outcome.error;
      await refuse(uid, outcome.refusal);
    } else if (outcome.mail) await deliver(outcome.mail);
  }
}

async function fetchAlone(client: ImapFlow, uid: number, query: Parameters<ImapFlow['fetch']>[1]): Promise<FetchedMail | undefined> {
  let found: FetchedMail | undefined;
  for await (const message of client.fetch(String(uid), query, { uid: true })) {
    if (message.uid === uid && message.source) found = fetchedMail(message, message.source);
  }
  return found;
}

/** How long a mail the server refused waits to be asked for once more: a refusal that passes (a server busy for a moment) is no reason to set it aside. */
const REFUSAL_RETRY_MS = 1000;

/**
 * One mail fetched on its own (undefined when it is gone), or why the server will not hand it
 * over: it refused it (a NO that names no fault of its own), `patient`ly once more after a
 * moment, while it still answers for the mail's flags. A server that answers nothing for the mail,
 * or names its own fault, fails: its error is thrown.
 */
async function fetchAloneUnlessRefused(
  client: ImapFlow,
  uid: number,
  query: Parameters<ImapFlow['fetch']>[1],
  options: { patient: boolean },
): Promise<{ mail: FetchedMail | undefined } | { refusal: string; error: unknown }> {
  for (let attempt = options.patient ? 2 : 1; ; attempt--) {
    try {
      return { mail: await fetchAlone(client, uid, query) };
    } catch (error) {
      if (!isMailRefusal(error) || !client.usable) throw error;
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, REFUSAL_RETRY_MS));
        continue;
      }
      // Still there, and the server answers for it: the mail is what it cannot hand over.
      if (!(await answersForFlags(client, uid))) throw error;
      return { refusal: serverText(error), error };
    }
  }
}

/** The server answers a FETCH of this mail's flags alone (with the mail, not with nothing). */
async function answersForFlags(client: ImapFlow, uid: number): Promise<boolean> {
  try {
    const message = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
    return Boolean(message && message.uid === uid);
  } catch {
    return false;
  }
}

/**
 * Response codes (RFC 5530) with which a server names a fault that may lie in the mail itself;
 * every other code names the server's own state (UNAVAILABLE: its storage is down; SERVERBUG,
 * LIMIT, INUSE, OVERQUOTA …), where no mail is to blame.
 */
const MAIL_FAULT_CODES = new Set(['CORRUPTION', 'EXPUNGEISSUED']);

/**
 * A tagged NO that blames the mail, not the server: one without a response code (Gmail's "Some
 * messages could not be FETCHed") or with one that names the mail's fault.
 */
function isMailRefusal(error: unknown): boolean {
  if ((error as { responseStatus?: unknown } | null)?.responseStatus !== 'NO') return false;
  const code = responseCodeOf(error);
  return code === null || MAIL_FAULT_CODES.has(code);
}

/** The [CODE] of a tagged answer, upper-case; null without one. imapflow leaves FETCH errors with the parsed answer only. */
function responseCodeOf(error: unknown): string | null {
  const { serverResponseCode, response } = error as { serverResponseCode?: unknown; response?: { attributes?: Array<{ section?: Array<{ value?: unknown }> }> } };
  const code = typeof serverResponseCode === 'string' ? serverResponseCode : response?.attributes?.[0]?.section?.[0]?.value;
  return typeof code === 'string' && code.trim() ? code.trim().toUpperCase() : null;
}

/** What the server said with its NO, for staff (a server's words, never the mail's). */
function serverText(error: unknown): string {
  const text = (error as { responseText?: unknown }).responseText;
  return typeof text === 'string' && text.trim() ? text.trim().slice(0, 200) : 'NO';
}

function fetchedMail(message: { uid: number; internalDate?: Date | string; flags?: Set<string> }, raw: Buffer): FetchedMail {
  const mail: FetchedMail = { uid: message.uid, raw, internalDate: toIso(message.internalDate) };
  if (message.flags?.has('\\Answered')) mail.answered = true;
  return mail;
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

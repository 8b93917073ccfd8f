import type { ImapFlow } from 'imapflow';
import type { Logger } from '../logging/logger';
import { openFolderWithChanges, type FolderChanges } from './folderChanges';
import { createImapClient, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';
import { fetchAloneUnlessRefused, fetchedMail, isMailRefusal } from './imapFetchAlone';
import { groupForFetch, knownByMessageId, listNewMail, toSequenceSet, type FetchGroup } from './imapFetchPlan';
import { MAX_MAIL_BYTES } from './mailLimits';

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

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The mail fetch was cancelled', 'AbortError');
}

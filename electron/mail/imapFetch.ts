import type { ImapFlow } from 'imapflow';
import type { Logger } from '../logging/logger';
import { openFolderWithChanges, type FolderChanges } from './folderChanges';
import { createImapClient, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';
import { fetchAloneUnlessRefused } from './imapFetchAlone';
import { fetchInUidOrder, handOverAlone } from './imapFetchInUidOrder';
import { groupForFetch, knownByMessageId, listNewMail } from './imapFetchPlan';
import { MAX_MAIL_BYTES } from './mailLimits';
import { classifyTransportFailure } from './transportFailure';

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
   * Message-ID and Date headers are read first, and mails whose stored copy those headers prove
   * (this answers its key, see copyKnownByHeaders) are not downloaded but handed to onSkip (in UID
   * order, like onMail) with that key, so the cursor can move past them.
   */
  storedKeyOf?(messageId: string, originDate: string | null): string | null;
  onSkip?(uid: number, uidValidity: string, messageKey: string): Promise<void> | void;
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
  retryRefused?: {
    uidValidity: string;
    uids: number[];
    onRetrieved(mail: FetchedMail): Promise<void> | void;
    /** The connection dropped while this mail was asked for again (a mail the server hangs up on): called before the drop is thrown. */
    onHungUp(uid: number): Promise<void> | void;
  };
  /**
   * The connection dropped at the last try before a mail of this folder came: the first new mail is
   * fetched on its own, and when the connection drops while it comes, it is handed to this (in its
   * place in UID order, like onRefused) before the drop is thrown, so that the caller sets it aside
   * and moves its cursor past it. One mail the server always hangs up on then does not stop its
   * folder and account from syncing for good.
   */
  onHungUpOnFirst?(uid: number, uidValidity: string): Promise<void> | void;
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

/** A mail fetched on its own: its first MAX_MAIL_BYTES, as for one listed as oversized. */
const ALONE_QUERY = { uid: true, internalDate: true, flags: true, source: { maxLength: MAX_MAIL_BYTES } } as const;

/** UIDs handled per step (Message-ID checks, grouping): the answers stay small, the round trips few. */
const UID_BATCH = 2000;

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

  // A drop while one mail alone is being fetched is told to the caller before it is thrown.
  const fetchAloneOrHangUp = async (uid: number, patience: { patient: boolean }, onHungUp: () => Promise<void> | void) => {
    try {
      return await fetchAloneUnlessRefused(client, uid, ALONE_QUERY, patience);
    } catch (error) {
      if (!signal?.aborted && !client.usable && classifyTransportFailure(error)?.kind === 'unreachable') {
        logger?.warn('imap.hung_up_on_mail', { uid });
        await callCaller(onHungUp);
      }
      throw error;
    }
  };

  const retry = options.retryRefused;
  if (retry && retry.uidValidity === uidValidity) {
    for (const uid of retry.uids) {
      const outcome = await fetchAloneOrHangUp(uid, { patient: false }, () => retry.onHungUp(uid));
      const mail = 'mail' in outcome ? outcome.mail : undefined;
      if (mail) await callCaller(() => retry.onRetrieved(mail));
    }
  }

  const result: FolderFetchResult = { uidValidity, fetched: 0, skipped: 0, refused: 0, bytes: 0, highestModseq };
  const handedOver = () => options.onProgress?.(result.fetched + result.skipped + result.refused, uids.length);
  const onRefused = options.onRefused;
  const skipCheck = validityChanged && options.storedKeyOf && options.onSkip ? options.storedKeyOf : null;
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
    const onHungUp = options.onHungUpOnFirst;
    if (start === 0 && onHungUp && toFetch.length) {
      const first = toFetch.shift() as number;
      const outcome = await fetchAloneOrHangUp(first, { patient: true }, async () => {
        await skipUpTo(first);
        await onHungUp(first, uidValidity);
        result.refused++;
        handedOver();
      });
      await handOverAlone(first, outcome, deliver, refuse);
    }
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
 * MAX_MAIL_BYTES of a huge mail. A server that answers for the mail without its content fails.
 */
export async function fetchOneMail(config: ImapConfig, folder: string, uid: number): Promise<{ uidValidity: string; mail: FetchedMail | null }> {
  const client = createImapClient(config);
  try {
    await client.connect();
    const mailbox = await client.mailboxOpen(folder, { readOnly: true });
    // As the sync asks for a mail alone: one the server withholds, though it answers for its flags, is not taken for gone.
    const outcome = await fetchAloneUnlessRefused(client, uid, ALONE_QUERY, { patient: false });
    if ('refusal' in outcome) throw outcome.error;
    await client.logout();
    return { uidValidity: mailbox.uidValidity.toString(), mail: outcome.mail ?? null };
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

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The mail fetch was cancelled', 'AbortError');
}

import type { FolderSyncResult, SyncReport } from '../../shared/mailAccounts';
import { AppError } from '../../shared/result';
import { startOfTokyoDay } from '../../shared/tokyoTime';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { listOwnAddresses, type MailAccountWithSecrets } from '../accounts/accountRepository';
import { getSyncState, listRefusedByServer, recordSyncHealth, saveSyncState, SERVER_HUNG_UP, SERVER_REFUSED } from '../accounts/syncStateRepository';
import { rawTransaction } from '../db/rawTransaction';
import { openMailLogin, retryWithRenewedToken } from '../accounts/mailLogin';
import { markServerChanges, saveFolderModseq } from '../inquiries/serverStateRepository';
import { openImapSession, type FetchedMail, type ImapSession } from '../mail/imapFetch';
import { parseInboundMail, type InboundMail } from '../mail/parseInboundMail';
import { foundAgain, ingestMail, ingestStore, quarantineSummaryOf, refusedDataReason, type IngestContext, type IngestOutcome } from './ingestMail';
import { DeadBufferCollector } from './deadBufferCollector';
import { DEFAULT_PIPELINE_LIMITS, IngestPipeline, limitConcurrency, parseOutcome, type PipelineLimits, type ReadyMail } from './ingestPipeline';
import { fileSetAsideMail } from './setAsideFiling';
import { DEFAULT_RECONNECT_POLICY, isDroppedConnection, Reconnector, type ReconnectPolicy } from './reconnect';

export type MailParse = (raw: Buffer, internalDate: string) => Promise<InboundMail>;

export interface SyncOptions {
  /** Cancels the sync: what is stored stays stored, and the report says `cancelled`. */
  signal?: AbortSignal | undefined;
  /** How mails are parsed; by default on this thread, a few at a time. */
  parse?: MailParse | undefined;
  /** Batch and buffer sizes (tests make batches small to crash between many of them). */
  limits?: Partial<PipelineLimits> | undefined;
  /** When and how often to log in again after the connection drops mid-sync (tests wait less). */
  reconnect?: ReconnectPolicy | undefined;
  /** The server took the login (IDLE may watch the account meanwhile). */
  onLoggedIn?: (() => void) | undefined;
}

/** Parses interleave on the event loop: a few at once keep it busy while the fetcher waits on the network. */
const defaultParse: MailParse = limitConcurrency(parseInboundMail, 4);
/** Mails the server refused before, asked for again per folder and sync (oldest first): enough for a refusal that passed, not a sync's worth of round trips. */
const REFUSED_RETRIES_PER_SYNC = 50;
/** Mails set aside per folder and sync because the connection dropped each time one came (see syncAccount). */
const MAX_HUNG_UP_PER_FOLDER = 1;

interface Progress {
  done: number;
  total: number;
  bytes: number;
  /** Listed in the current folder but not stored yet: a resumed folder lists them again and must not count them twice. */
  pendingInFolder: number;
}

type StoredOutcome = IngestOutcome | { kind: 'skipped' } | { kind: 'quarantined' };

/**
 * Fetches the account's new mail in each of its folders (each with its own UID cursor) over one
 * IMAP session and files it. Mails are stored in batches, each batch together with the advanced
 * cursor in one transaction, so a crash at any point resumes where the last batch ended: no mail
 * is lost (the cursor never passes an unstored mail) and none is duplicated (a mail stored before
 * is recognised by its Message-ID or content hash). A folder that fails does not stop the others;
 * the sync fails only when no folder could be synced.
 */
export async function syncAccount(ws: Workspace, accountId: number, options: SyncOptions = {}): Promise<SyncReport> {
  const { signal } = options;
  const { account, imap: config } = await openMailLogin(ws, accountId).catch(async (error: unknown) => {
    // What stops the sync before it can log in (an OAuth2 token missing or not renewed, no password
    // stored) is the account's health to show too: the background sync has no one else to tell.
    if (error instanceof AppError && error.code !== 'NOT_FOUND') await recordSyncHealth(ws.db, accountId, ws.now(), error.message);
    throw error;
  });
  const report: SyncReport & { folders: FolderSyncResult[] } = {
    accountId,
    fetched: 0,
    newInquiries: 0,
    addedToThreads: 0,
    skippedDuplicates: 0,
    quarantined: 0,
    archived: 0,
    automatic: 0,
    undeliverable: 0,
    folders: [],
  };
  const changed = new Set<number>();
  const progress: Progress = { done: 0, total: 0, bytes: 0, pendingInFolder: 0 };
  const context = await accountIngestContext(ws, account);
  ws.push('sync.progress', { accountId, phase: 'connecting', done: 0, total: 0 });
  ws.logger.info('sync.start', { accountId, folders: account.folders.length });

  const open = () => openImapSession(config, { signal, logger: ws.logger });
  // A reconnect logs in afresh: a long sync may outlast its OAuth2 access token, which is renewed
  // (before use when it is ending, once when the server refuses it) rather than failing the sync.
  const reopen = () => retryWithRenewedToken(ws, accountId, async () => openImapSession((await openMailLogin(ws, accountId)).imap, { signal, logger: ws.logger }));
  const reconnector = new Reconnector(reopen, config, options.reconnect ?? DEFAULT_RECONNECT_POLICY, {
    onWaiting: (attempt, attempts, delayMs) => {
      ws.push('sync.progress', { accountId, phase: 'reconnecting', done: progress.done, total: progress.total, bytes: progress.bytes, attempt, attempts });
      ws.logger.warn('sync.reconnecting', { accountId, attempt, attempts, delayMs, stored: progress.done });
    },
    onReconnected: (attempt) => ws.logger.info('sync.reconnected', { accountId, attempt }),
    onGaveUp: (attempts) => ws.logger.warn('sync.reconnect_gave_up', { accountId, attempts, stored: progress.done }),
  }, signal);
  let session: ImapSession | null = null;
  try {
    // The first login failing fails the sync as it is (the scheduler backs off); a connection lost later is logged in again.
    session = await open();
    options.onLoggedIn?.();
    for (const folder of account.folders) {
      const folderResult: FolderSyncResult = { folder, fetched: 0, error: null };
      report.folders.push(folderResult);
      progress.pendingInFolder = 0;
      // How the folder is tried again after drops, this sync (see Tally).
      const tries = { firstMailAlone: false, retryRefused: true, hungUpSetAside: 0 };
      for (;;) {
        if (!session.usable) {
          await session.close();
          session = await reconnector.reopen();
        }
        const storedBefore = progress.done;
        const attempt: FolderAttempt = { firstMailAlone: tries.firstMailAlone, retryRefused: tries.retryRefused, hungUp: 0, droppedWhileRetrying: false };
        try {
          await syncFolder(ws, account, folder, session, context, options, { attempt, report, folderResult, changed, progress });
          break;
        } catch (error) {
          // Cancelling, or a failure here (the database), stops the whole sync; a server's refusal of one folder does not.
          if (signal?.aborted || !(error instanceof AppError)) throw error;
          // A mail set aside because the connection dropped on it is no sign that the connection works.
          const progressed = progress.done - storedBefore > attempt.hungUp;
          tries.hungUpSetAside += attempt.hungUp;
          if (progressed) reconnector.madeProgress();
          if (isDroppedConnection(error)) {
            // Set-aside mail is asked for again at the folder's first try in a sync only: it was then, or the drop came first.
            tries.retryRefused = false;
            // Dropped before a mail came: perhaps by the next mail itself, which the next try fetches
            // alone to tell, once per folder and sync (a connection that drops whatever is fetched
            // sets aside no more than that, and fails the account as unreachable).
            tries.firstMailAlone = !progressed && !attempt.droppedWhileRetrying && tries.hungUpSetAside < MAX_HUNG_UP_PER_FOLDER;
            // What was fetched is stored (syncFolder stores before it throws): log in again and resume from the cursor.
            ws.logger.warn('sync.connection_lost', { accountId, code: error.code, stored: progress.done });
            await session.close();
            continue;
          }
          folderResult.error = error.message;
          ws.logger.warn('sync.folder_failed', { accountId, code: error.code });
          break;
        }
      }
    }
    await session.close();
  } catch (error) {
    await session?.close();
    if (signal?.aborted) return finishCancelled(ws, report, progress, changed);
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncHealth(ws.db, accountId, ws.now(), message);
    ws.push('sync.progress', { accountId, phase: 'failed', done: progress.done, total: progress.total, bytes: progress.bytes });
    ws.logger.warn('sync.failed', { accountId, code: error instanceof AppError ? error.code : 'INTERNAL' });
    pushChanged(ws, changed);
    throw error;
  }

  const failed = report.folders.filter((f) => f.error !== null);
  pushChanged(ws, changed);
  if (failed.length && failed.length === report.folders.length) {
    // Nothing could be synced: the account is failing (the scheduler backs off).
    const message = describeFolderErrors(failed);
    await recordSyncHealth(ws.db, accountId, ws.now(), message);
    ws.push('sync.progress', { accountId, phase: 'failed', done: progress.done, total: progress.total, bytes: progress.bytes });
    ws.logger.warn('sync.failed', { accountId, code: 'IMAP_ERROR' });
    throw new AppError('IMAP_ERROR', message);
  }
  await recordSyncHealth(ws.db, accountId, ws.now(), failed.length ? describeFolderErrors(failed) : null, { partial: failed.length > 0 });
  ws.push('sync.progress', { accountId, phase: 'done', done: progress.done, total: progress.total, bytes: progress.bytes });
  ws.logger.info('sync.done', { accountId, fetched: report.fetched, newInquiries: report.newInquiries, failedFolders: failed.length });
  return report;
}

/** What filing a mail of this account depends on besides the mail: its import date and Madoguchi's own addresses. */
export async function accountIngestContext(ws: Workspace, account: MailAccountWithSecrets): Promise<Pick<IngestContext, 'archiveBefore' | 'ownAddresses'>> {
  return {
    archiveBefore: account.importSince ? startOfTokyoDay(account.importSince) : null,
    ownAddresses: new Set(await listOwnAddresses(ws.db)),
  };
}

function describeFolderErrors(failed: FolderSyncResult[]): string {
  // One folder: its own message, as is. Several: each named.
  if (failed.length === 1 && failed[0]) return failed[0].error ?? '';
  return failed.map((f) => `${f.folder}: ${f.error}`).join(' / ');
}

function finishCancelled(ws: Workspace, report: SyncReport, progress: Progress, changed: Set<number>): SyncReport {
  ws.push('sync.progress', { accountId: report.accountId, phase: 'done', done: progress.done, total: progress.total, bytes: progress.bytes });
  ws.logger.info('sync.cancelled', { accountId: report.accountId, fetched: report.fetched });
  pushChanged(ws, changed);
  return { ...report, cancelled: true };
}

function pushChanged(ws: Workspace, changed: Set<number>): void {
  if (changed.size) ws.push('inquiries.changed', { inquiryIds: [...changed] });
  changed.clear();
}

/** One try at a folder, after drops of the connection in this sync. */
interface FolderAttempt {
  /** The connection dropped at the last try before a mail came: the next mail is fetched alone, and set aside if it drops again. */
  firstMailAlone: boolean;
  /** Set-aside mail the server refused (or hung up on) before is asked for again: at the folder's first try in a sync. */
  retryRefused: boolean;
  /** Mails set aside at this try because the connection dropped while each came. */
  hungUp: number;
  /** The connection dropped while a set-aside mail was asked for again. */
  droppedWhileRetrying: boolean;
}

interface Tally {
  attempt: FolderAttempt;
  report: SyncReport;
  folderResult: FolderSyncResult;
  changed: Set<number>;
  progress: Progress;
}

async function syncFolder(
  ws: Workspace,
  account: MailAccountWithSecrets,
  folder: string,
  session: ImapSession,
  context: Pick<IngestContext, 'archiveBefore' | 'ownAddresses'>,
  options: SyncOptions,
  tally: Tally,
): Promise<void> {
  const accountId = account.id;
  const state = await getSyncState(ws.db, accountId, folder);
  const store = ingestStore(ws.raw);
  // When the database refuses one mail's data, the batch is stored again with a savepoint per
  // mail, so that only that mail is quarantined (savepoints cost too much to use every time).
  const ingestInSavepoint = ws.raw.transaction((arrived: Parameters<typeof ingestMail>[1], ctx: IngestContext) => ingestMail(store, arrived, ctx));
  let uidValidity: string | null = null;
  const deadBuffers = new DeadBufferCollector();

  const storeBatch = async (batch: ReadyMail[]) => {
    const last = batch[batch.length - 1];
    if (!last || uidValidity === null) return;
    const validity = uidValidity;
    const now = ws.now();
    const ctx: IngestContext = { ...context, accountId, folder, uidValidity: validity, now };
    const storeAll = (guarded: boolean) => () => {
      const results = batch.map((entry): StoredOutcome => {
        if (entry.result === null) {
          if (entry.knownMessageId) foundAgain(store, entry.knownMessageId, entry.uid, ctx);
          return { kind: 'skipped' };
        }
        if (!entry.result.ok) {
          store.cursor.quarantine({ ...ctx, uid: entry.uid }, entry.result.reason, now);
          return { kind: 'quarantined' };
        }
        const arrived = { uid: entry.uid, internalDate: entry.internalDate, mail: entry.result.mail, answeredOnServer: entry.answered === true };
        if (!guarded) return ingestMail(store, arrived, ctx);
        try {
          return ingestInSavepoint(arrived, ctx);
        } catch (error) {
          const reason = refusedDataReason(error);
          if (reason === null) throw error;
          store.cursor.quarantine({ ...ctx, uid: entry.uid }, reason, now, quarantineSummaryOf(entry.result.mail));
          return { kind: 'quarantined' };
        }
      });
      store.cursor.save(accountId, folder, validity, last.uid);
      return results;
    };
    let outcomes: StoredOutcome[];
    try {
      outcomes = await rawTransaction(ws.db, ws.raw, storeAll(false));
    } catch (error) {
      // The whole batch was rolled back; again, mail by mail.
      if (refusedDataReason(error) === null) throw error;
      outcomes = await rawTransaction(ws.db, ws.raw, storeAll(true));
    }
    // Counted only once committed: a failed batch counts nothing.
    const { report, changed, progress } = tally;
    for (const [i, outcome] of outcomes.entries()) {
      const entry = batch[i] as ReadyMail;
      if (outcome.kind !== 'skipped') {
        report.fetched++;
        tally.folderResult.fetched++;
        progress.bytes += entry.bytes;
      }
      countOutcome(report, outcome, changed);
    }
    progress.done += batch.length;
    progress.pendingInFolder = Math.max(0, progress.pendingInFolder - batch.length);
    ws.push('sync.progress', { accountId, phase: 'fetching', done: progress.done, total: progress.total, folder, bytes: progress.bytes });
    // The batch's mails, stored, are garbage now.
    deadBuffers.check();
  };

  const limits = { ...DEFAULT_PIPELINE_LIMITS, ...options.limits };
  const parse = options.parse ?? defaultParse;
  const pipeline = new IngestPipeline(parse, storeBatch, limits, undefined, options.signal);
  // Mails the server would not hand over last time: a refusal that passed files them now, with no one to ask.
  const refusedBefore = state && tally.attempt.retryRefused ? await listRefusedByServer(ws.db, accountId, folder, state.uidValidity, REFUSED_RETRIES_PER_SYNC) : [];
  const refusedByUid = new Map(refusedBefore.map((r) => [r.uid, r.id]));
  const retryRefused = state && refusedBefore.length
    ? {
        uidValidity: state.uidValidity,
        uids: [...refusedByUid.keys()],
        // It stays set aside as it was; the rest are asked for on the next sync.
        onHungUp: () => {
          tally.attempt.droppedWhileRetrying = true;
        },
        onRetrieved: async (mail: FetchedMail) => {
          const id = refusedByUid.get(mail.uid);
          if (id === undefined) return;
          const parsed = await parseOutcome(parse(mail.raw, mail.internalDate));
          const filed = await fileSetAsideMail(ws, { id, accountId, folder, uid: mail.uid }, state.uidValidity, mail, parsed, context);
          ws.logger.info('sync.refused_mail_retrieved', { accountId, outcome: filed.outcome });
          if (filed.inquiryId !== null) tally.changed.add(filed.inquiryId);
        },
      }
    : undefined;
  let failure: { error: unknown } | null = null;
  let result: { uidValidity: string; highestModseq: string | null } | null = null;
  try {
    result = await session.fetchFolder({
      folder,
      knownUidValidity: state?.uidValidity ?? null,
      lastUid: state?.lastUid ?? 0,
      knownModseq: state?.highestModseq ?? null,
      // Changes are reported only for the numbering of the last sync, so `state` is that sync's.
      onChanges: async (changes) => {
        if (!state) return;
        const where = { accountId, folder, uidValidity: state.uidValidity, lastUid: state.lastUid };
        for (const inquiryId of await markServerChanges(ws.db, where, changes, ws.now())) tally.changed.add(inquiryId);
      },
      onListed: (total, validity) => {
        uidValidity = validity;
        tally.progress.total += total - tally.progress.pendingInFolder;
        tally.progress.pendingInFolder = total;
        ws.push('sync.progress', { accountId, phase: 'fetching', done: tally.progress.done, total: tally.progress.total, folder, bytes: tally.progress.bytes });
      },
      onMail: (mail) => pipeline.add(mail),
      storedKeyOf: (messageId, originDate) => store.inquiries.copyKnownByHeaders(messageId, originDate),
      onSkip: (uid, _validity, messageKey) => pipeline.skip(uid, messageKey),
      onRefused: (uid, _validity, serverText) => pipeline.refuse(uid, userMessage(SERVER_REFUSED, { reply: serverText })),
      ...(retryRefused ? { retryRefused } : {}),
      ...(tally.attempt.firstMailAlone
        ? {
            onHungUpOnFirst: async (uid: number) => {
              tally.attempt.hungUp++;
              await pipeline.refuse(uid, userMessage(SERVER_HUNG_UP));
            },
          }
        : {}),
    });
  } catch (error) {
    failure = { error };
  }
  // Whatever was fetched before a failure is still stored: less to fetch next time. A cancel
  // stops storing at once (parsing may lag behind fetching by a few hundred mails).
  try {
    await pipeline.finish();
  } catch (error) {
    failure ??= { error };
  }
  if (failure) throw failure.error;
  options.signal?.throwIfAborted();
  if (result && (!state || state.uidValidity !== result.uidValidity)) {
    // A folder seen for the first time, or renumbered, with nothing new in it: remember its UIDVALIDITY.
    const after = await getSyncState(ws.db, accountId, folder);
    if (!after || after.uidValidity !== result.uidValidity) await saveSyncState(ws.db, accountId, folder, result.uidValidity, 0);
  }
  // Only now is everything up to the server's state of the folder stored: the next sync asks for changes since.
  if (result) await saveFolderModseq(ws.db, accountId, folder, result.highestModseq);
}

function countOutcome(report: SyncReport, outcome: StoredOutcome, changed: Set<number>): void {
  switch (outcome.kind) {
    case 'new':
    case 'threaded':
      if (outcome.archived) report.archived = (report.archived ?? 0) + 1;
      else if (outcome.kind === 'new') report.newInquiries++;
      else report.addedToThreads++;
      changed.add(outcome.inquiryId);
      break;
    case 'duplicate':
    case 'skipped':
      report.skippedDuplicates++;
      break;
    case 'automatic':
      report.automatic = (report.automatic ?? 0) + 1;
      report.undeliverable = (report.undeliverable ?? 0) + outcome.undeliverable;
      break;
    case 'own':
      report.automatic = (report.automatic ?? 0) + 1;
      break;
    case 'quarantined':
      report.quarantined++;
      break;
  }
}

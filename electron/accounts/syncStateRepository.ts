import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { sql, type Selectable } from 'kysely';
import type { QuarantinedMail } from '../../shared/mailAccounts';
import { maskCardNumbers } from '../../shared/cardMask';
import { userMessage, userMessageKeyOf, type UserMessageKey } from '../../shared/userMessages';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
import type { SyncStateTable } from '../db/schema';
import { messageKeyHash } from '../mail/messageIdentity';
import type { SenderSpan } from '../inquiries/senderRepository';

/*
 * An account's sync as stored: its health (last sync, error, failures, next try), each folder's
 * cursor (UIDVALIDITY and last stored UID), and the mails it set aside.
 */

/**
 * The outcome of a sync: success clears the error and the failure count; a failure keeps the
 * last successful time, records what went wrong and counts it (the scheduler backs off by it).
 * A partial success (some folders failed) is a sync that happened, with the error kept to show.
 */
export async function recordSyncHealth(db: Executor, id: number, at: string, error: string | null, options: { partial?: boolean } = {}): Promise<number> {
  const synced = error === null || options.partial === true;
  const row = await db
    .updateTable('mailAccounts')
    .set((eb) =>
      synced ? { lastSyncAt: at, lastError: error, failureCount: 0 } : { lastError: error, failureCount: eb('failureCount', '+', 1) },
    )
    .where('id', '=', id)
    .returning('failureCount')
    .executeTakeFirst();
  return row?.failureCount ?? 0;
}

/** A better explanation of the failure just recorded, without counting it twice. */
export async function replaceLastSyncError(db: Executor, id: number, error: string): Promise<void> {
  await db.updateTable('mailAccounts').set({ lastError: error }).where('id', '=', id).execute();
}

export async function setNextRetry(db: Executor, id: number, at: string | null): Promise<void> {
  await db.updateTable('mailAccounts').set({ nextRetryAt: at }).where('id', '=', id).execute();
}

/**
 * The account now reads another mailbox (another server or user): its folders' positions are
 * forgotten, so the next sync reads the new mailbox from the start (mails already stored are
 * known by their Message-ID and not stored twice). Stored and set-aside mails keep their place
 * in the old mailbox's numbering under a mark that matches no server's, so that a UID of the new
 * mailbox, which may name another mail, is never taken for theirs. Set-aside mails stay listed
 * (no sync of the new mailbox finds them), for staff to look for in the old mailbox.
 */
export async function forgetMailboxPositions(db: Executor, accountId: number, at: string): Promise<void> {
  // The time of the change tells apart two mailboxes read before that happened to share a numbering.
  const mark = (column: 'imap_uid_validity' | 'uid_validity') => sql`${`${OLD_MAILBOX}${at}:`} || coalesce(${sql.raw(column)}, '')`;
  await db.deleteFrom('syncState').where('mailAccountId', '=', accountId).execute();
  await sql`UPDATE messages SET imap_uid_validity = ${mark('imap_uid_validity')} WHERE mail_account_id = ${accountId} AND imap_uid_validity NOT LIKE ${OLD_MAILBOX + '%'}`.execute(db);
  await sql`UPDATE quarantine SET uid_validity = ${mark('uid_validity')} WHERE mail_account_id = ${accountId} AND coalesce(uid_validity, '') NOT LIKE ${OLD_MAILBOX + '%'}`.execute(db);
}
/** The mark of a numbering of a mailbox the account no longer reads (UIDVALIDITY is digits). */
const OLD_MAILBOX = 'old-mailbox:';

/** Whether a stored or set-aside mail's numbering is of a mailbox the account no longer reads. */
export function isOfOldMailbox(uidValidity: string | null): boolean {
  return uidValidity?.startsWith(OLD_MAILBOX) === true;
}

export async function getSyncState(db: Executor, accountId: number, folder: string): Promise<Selectable<SyncStateTable> | null> {
  return (
    (await db
      .selectFrom('syncState')
      .selectAll()
      .where('mailAccountId', '=', accountId)
      .where('folder', '=', folder)
      .executeTakeFirst()) ?? null
  );
}

export async function listSyncStates(db: Executor, accountId: number): Promise<Selectable<SyncStateTable>[]> {
  return db.selectFrom('syncState').selectAll().where('mailAccountId', '=', accountId).execute();
}

export async function saveSyncState(db: Executor, accountId: number, folder: string, uidValidity: string, lastUid: number) {
  await db
    .insertInto('syncState')
    .values({ mailAccountId: accountId, folder, uidValidity, lastUid })
    .onConflict((oc) => oc.columns(['mailAccountId', 'folder']).doUpdateSet({ uidValidity, lastUid }))
    .execute();
}

/** One set-aside mail, with where it is on the server; null when it is not in the list. */
export async function getQuarantined(db: Executor, id: number): Promise<(QuarantinePlace & { id: number; reasonKey: string | null }) | null> {
  const row = await db
    .selectFrom('quarantine')
    .select(['id', 'mailAccountId as accountId', 'folder', 'uidValidity', 'imapUid as uid', 'reasonKey'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Mails of the folder's numbering `uidValidity` set aside because the server would not hand them
 * over (or hung up on them), oldest first: the sync asks for them again (see syncAccount), so a refusal that passes
 * needs no one to notice it. A row without a numbering (set aside before migration 0009) is taken
 * for this one. Those of another numbering, or of a mailbox read before, are not asked for: their
 * UIDs name other mails now, and the limit is not spent on them.
 */
export async function listRefusedByServer(db: Executor, accountId: number, folder: string, uidValidity: string, limit: number): Promise<Array<{ id: number; uid: number }>> {
  return db
    .selectFrom('quarantine')
    .select(['id', 'imapUid as uid'])
    .where('mailAccountId', '=', accountId)
    .where('folder', '=', folder)
    .where('reasonKey', 'in', [SERVER_REFUSED, SERVER_HUNG_UP])
    .where((eb) => eb.or([eb('uidValidity', '=', uidValidity), eb('uidValidity', 'is', null)]))
    // Those the connection dropped on last: one that drops it again ends the asking for this sync.
    .orderBy(sql`reason_key = ${SERVER_HUNG_UP}`)
    .orderBy('imapUid')
    .limit(limit)
    .execute();
}

/** Why a mail the server would not hand over is set aside. */
export const SERVER_REFUSED: UserMessageKey = 'serverRefusedMail';

/**
 * Why a mail is set aside when the connection dropped each time it was fetched (a server that
 * crashes on it). Asked for again like a refused one, after those: a drop then ends the asking for that sync.
 */
export const SERVER_HUNG_UP: UserMessageKey = 'serverHungUpOnMail';

/** Reasons staff may overrule by filing the mail as an inquiry: it only looks automatic (a web form that sends as "bulk"). */
const FILEABLE_REASONS: ReadonlySet<string | null> = new Set<UserMessageKey>(['automaticMail', 'bounce', 'bounceBeforeImportDate']);

function quarantinedMailQuery(db: Executor) {
  return db.selectFrom('quarantine').select(['id', 'mailAccountId as accountId', 'folder', 'imapUid as uid', 'reason', 'reasonKey', 'at', 'fromText as from', 'subject', 'sentAt', 'uidValidity']);
}

function toQuarantinedMail({ reasonKey, uidValidity, ...row }: Omit<QuarantinedMail, 'fileable' | 'fromOldMailbox'> & { reasonKey: string | null; uidValidity: string | null }): QuarantinedMail {
  const fromOldMailbox = isOfOldMailbox(uidValidity);
  // Rows set aside before the key was stored are read back from their wording. One of a mailbox read before cannot be fetched to be filed.
  return { ...row, fileable: !fromOldMailbox && FILEABLE_REASONS.has(reasonKey ?? userMessageKeyOf(row.reason)), fromOldMailbox };
}

/**
 * Takes a mail set aside from a mailbox the account read before off the list (the mail stays in
 * that mailbox). Mails of the mailbox read now stay listed until the sync files them or they are
 * tried again: they can still be fetched.
 */
export async function dismissOldMailboxSetAside(db: Executor, id: number): Promise<'dismissed' | 'notFound' | 'stillReadable'> {
  const row = await db.selectFrom('quarantine').select('uidValidity').where('id', '=', id).executeTakeFirst();
  if (!row) return 'notFound';
  if (!isOfOldMailbox(row.uidValidity)) return 'stillReadable';
  await db.deleteFrom('quarantine').where('id', '=', id).execute();
  return 'dismissed';
}

export async function listQuarantine(db: Executor, accountId?: number, limit = 500): Promise<QuarantinedMail[]> {
  let query = quarantinedMailQuery(db).orderBy('at', 'desc').orderBy('id', 'desc').limit(limit);
  if (accountId !== undefined) query = query.where('mailAccountId', '=', accountId);
  return (await query.execute()).map(toQuarantinedMail);
}

/** Mail set aside that came from these senders (see setAsideSendersOf), oldest first. */
export async function listQuarantineFrom(db: Executor, senders: readonly SenderSpan[]): Promise<QuarantinedMail[]> {
  if (senders.length === 0) return [];
  const rows = await quarantinedMailQuery(db)
    .where(sql<boolean>`(${sql.join(senders.map(sentBy), sql` OR `)})`)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return rows.map(toQuarantinedMail);
}

/** Why a mail of a customer whose registration was cancelled is set aside: such mail is never filed. */
export const FORGOTTEN: UserMessageKey = 'setAsideOfCancelledRegistration';

/**
 * Forgets who sent the set-aside mails from these addresses, and their subjects (the customer's
 * registration was cancelled with the contents of their mail): each row stays, with a reason that
 * says so, so that the sync does not fetch the mail again and nobody files it; and the mail's key
 * and sender are remembered as a hash (forgottenMailHash), so that the mail is set aside without
 * them should it be fetched again (after the folder is renumbered). Answers how many.
 */
export async function forgetQuarantineFrom(db: Executor, senders: readonly SenderSpan[]): Promise<number> {
  let forgotten = 0;
  for (const sender of senders) {
    const keys = await db.selectFrom('quarantine').select(['messageKey', 'fromText']).where(sentBy(sender)).where('messageKey', 'is not', null).execute();
    for (const { messageKey, fromText } of keys) {
      await db.insertInto('forgottenMail').values({ keyHash: forgottenMailHash(messageKey as string, fromText) }).onConflict((oc) => oc.doNothing()).execute();
    }
    const result = await db
      .updateTable('quarantine')
      .set({ fromText: null, subject: null, sentAt: null, messageKey: null, reason: userMessage(FORGOTTEN), reasonKey: FORGOTTEN })
      .where(sentBy(sender))
      .executeTakeFirst();
    forgotten += Number(result.numUpdatedRows);
  }
  return forgotten;
}

/**
 * A set-aside mail is from this sender: its address, within the span. A mail is taken as sent when
 * its Date says, or when it was set aside if that is earlier (a sender's clock that runs fast).
 */
function sentBy({ address, since, before }: SenderSpan) {
  const sent = sql`min(coalesce(sent_at, at), at)`;
  return sql<boolean>`(${sentFrom(address)}${since !== undefined ? sql` AND ${sent} >= ${since}` : sql``}${before !== undefined ? sql` AND ${sent} < ${before}` : sql``})`;
}

/** A set-aside mail's sender is this address ("a@b" or "Name <a@b>"). */
function sentFrom(address: string) {
  const lower = address.toLowerCase();
  // Compared whole, not with LIKE, whose "_" (common in addresses) would match someone else's.
  const bracketed = `<${lower}>`;
  return sql<boolean>`(lower(from_text) = ${lower} OR substr(lower(from_text), ${-bracketed.length}) = ${bracketed})`;
}

/**
 * The sync cursor and quarantine as prepared statements, for the ingest path: they run inside
 * the synchronous transaction that also stores the mails, so the cursor never passes a mail
 * that is not stored.
 */
export interface SyncCursorStatements {
  save(accountId: number, folder: string, uidValidity: string, lastUid: number): void;
  /** Sets the mail aside with why, and what staff recognise it by (`summary`, of a mail that could be read). */
  quarantine(mail: QuarantinePlace, reason: string, at: string, summary?: QuarantineSummary | null): void;
  /** Why the mail is set aside now; null when it is not (any more). */
  quarantineReason(id: number): string | null;
  /** The mail is filed after all: it leaves the list. */
  release(id: number): void;
  /**
   * The row that stands for set-aside mail `id`, at `place` in the folder's numbering now: a row
   * without a numbering (set aside before migration 0009) is given it, so that setting the mail
   * aside again updates that row instead of adding one; where the mail is also listed under its
   * numbering, the row without one goes and that one stands for it.
   */
  numbered(id: number, place: QuarantinePlace & { uidValidity: string }): number;
  /**
   * This mail is found in the mailbox the account reads now, filed or set aside there: it leaves
   * the list of those set aside from a mailbox the account read before (gone back to, or holding
   * the same mail), where it would be listed a second time. A mail set aside there is this one
   * when it has one of `keys` (its Message-ID or content hash, or the key it is stored under, see
   * reusedIdKey), the same sender and, where `dated` (its Date header is readable), the same date:
   * a program that gives every mail the same Message-ID does not release the others it sent.
   */
  foundInMailboxReadNow(accountId: number, mail: { keys: readonly string[]; summary: QuarantineSummary; dated: boolean }): void;
}

/** What staff recognise a set-aside mail by, and its key (what the sync recognises it by). */
export interface QuarantineSummary {
  from: string | null;
  subject: string;
  /** ISO */
  date: string;
  /** Message-ID, or a content hash. */
  messageKey: string;
}

/** Where a set-aside mail is on the server: its UID in that numbering (UIDVALIDITY) of the folder. */
export interface QuarantinePlace {
  accountId: number;
  folder: string;
  uidValidity: string | null;
  uid: number;
}

export const syncCursorStatements = cachedPerHandle((raw: BetterSqlite3.Database): SyncCursorStatements => {
  // A new numbering forgets the old one's HIGHESTMODSEQ: until a sync of it completes, nothing is taken to be unchanged.
  const save = raw.prepare(
    `INSERT INTO sync_state (mail_account_id, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)
     ON CONFLICT (mail_account_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
       highest_modseq = CASE WHEN uid_validity = excluded.uid_validity THEN highest_modseq END`,
  );
  // Set aside again (the same UID in the same numbering), it is the same mail: what was read of it
  // before stays when it cannot be read this time.
  const kept = (column: string) => `${column} = coalesce(excluded.${column}, ${column})`;
  const quarantine = raw.prepare(
    `INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, reason_key, at, uid_validity, from_text, subject, sent_at, message_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (mail_account_id, folder, uid_validity, imap_uid) DO UPDATE SET reason = excluded.reason, reason_key = excluded.reason_key, at = excluded.at,
       ${['from_text', 'subject', 'sent_at', 'message_key'].map(kept).join(', ')}`,
  );
  // A mail of a customer whose registration was cancelled, found again: set aside with nothing of it.
  const quarantineForgotten = raw.prepare(
    `INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, reason_key, at, uid_validity) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (mail_account_id, folder, uid_validity, imap_uid) DO UPDATE SET reason = excluded.reason, reason_key = excluded.reason_key, at = excluded.at,
       from_text = NULL, subject = NULL, sent_at = NULL, message_key = NULL`,
  );
  // Mails set aside under an earlier numbering of the folder: their UIDs name other mails now, and
  // the sync that moves the cursor into the new numbering finds them again (listed anew, once).
  // Those set aside from a mailbox the account read before stay listed: no sync of this one finds them.
  // A row without a numbering (set aside before migration 0009, its folder never saved) goes too.
  const forgetOldNumbering = raw.prepare(
    `DELETE FROM quarantine WHERE mail_account_id = ? AND folder = ?
       AND uid_validity IS NOT ? AND coalesce(uid_validity, '') NOT LIKE '${OLD_MAILBOX}%'`,
  );
  const isForgotten = raw.prepare('SELECT 1 FROM forgotten_mail WHERE key_hash = ?').pluck();
  const reasonOf = raw.prepare('SELECT reason FROM quarantine WHERE id = ?').pluck();
  const release = raw.prepare('DELETE FROM quarantine WHERE id = ?');
  const giveNumbering = raw.prepare('UPDATE OR IGNORE quarantine SET uid_validity = ? WHERE id = ? AND uid_validity IS NULL');
  const rowAt = raw.prepare('SELECT id FROM quarantine WHERE mail_account_id = ? AND folder = ? AND uid_validity = ? AND imap_uid = ?').pluck();
  const releaseUnnumbered = raw.prepare('DELETE FROM quarantine WHERE id = ? AND uid_validity IS NULL');
  const releaseFromOldMailbox = raw.prepare(
    `DELETE FROM quarantine WHERE mail_account_id = @accountId AND message_key = @key AND uid_validity LIKE '${OLD_MAILBOX}%'
       AND from_text IS @from AND (@dated = 0 OR sent_at IS @date)`,
  );
  // A mail with no key (nothing of it could be read) is known by its place: set aside at the same
  // UID of the same numbering (see forgetMailboxPositions' mark: ...:<UIDVALIDITY>) of the same
  // folder, for the same reason, by a mailbox read before, it is the same mail: the mailbox was read again.
  const releaseUnkeyedFromOldMailbox = raw.prepare(
    `DELETE FROM quarantine WHERE mail_account_id = ? AND folder = ? AND imap_uid = ? AND reason = ? AND message_key IS NULL
       AND uid_validity LIKE '${OLD_MAILBOX}%:' || ?`,
  );
  return {
    save: (accountId, folder, uidValidity, lastUid) => {
      forgetOldNumbering.run(accountId, folder, uidValidity);
      save.run(accountId, folder, uidValidity, lastUid);
    },
    quarantine: (mail, reason, at, summary) => {
      // Forgotten before this version, a mail was known by its key alone.
      const forgotten = summary && [forgottenMailHash(summary.messageKey, fromTextOf(summary)), messageKeyHash(summary.messageKey)].some((hash) => isForgotten.get(hash) !== undefined);
      if (forgotten) {
        quarantineForgotten.run(mail.accountId, mail.folder, mail.uid, userMessage(FORGOTTEN), FORGOTTEN, at, mail.uidValidity);
        return;
      }
      if (!summary && mail.uidValidity !== null) releaseUnkeyedFromOldMailbox.run(mail.accountId, mail.folder, mail.uid, reason, mail.uidValidity);
      quarantine.run(
        mail.accountId,
        mail.folder,
        mail.uid,
        reason,
        userMessageKeyOf(reason),
        at,
        mail.uidValidity,
        summary ? fromTextOf(summary) : null,
        summary ? maskCardNumbers(summary.subject) : null,
        summary?.date ?? null,
        summary?.messageKey ?? null,
      );
    },
    quarantineReason: (id) => (reasonOf.get(id) as string | undefined) ?? null,
    release: (id) => void release.run(id),
    numbered: (id, place) => {
      if (giveNumbering.run(place.uidValidity, id).changes > 0) return id;
      const listed = rowAt.get(place.accountId, place.folder, place.uidValidity, place.uid) as number | undefined;
      if (listed === undefined || listed === id) return id;
      releaseUnnumbered.run(id);
      return listed;
    },
    foundInMailboxReadNow: (accountId, { keys, summary, dated }) => {
      for (const key of new Set(keys)) releaseFromOldMailbox.run({ accountId, key, from: fromTextOf(summary), dated: dated ? 1 : 0, date: summary.date });
    },
  };
});

/** A set-aside mail's sender as the list keeps it. */
const fromTextOf = (summary: QuarantineSummary) => (summary.from !== null ? maskCardNumbers(summary.from) : null);

/**
 * How a set-aside mail of a customer whose registration was cancelled is remembered: a hash of
 * its key and its sender, so that another sender's mail that comes with the same Message-ID (some
 * programs give every mail the same) is not taken for it.
 */
function forgottenMailHash(messageKey: string, fromText: string | null): string {
  return messageKeyHash(`${messageKey}\n${fromText ?? ''}`);
}

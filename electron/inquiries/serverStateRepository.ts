import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
import type { FolderChanges } from '../mail/folderChanges';

export interface MessageServerState {
  /** When the sync first saw the mail deleted from its folder on the server; null: still there. */
  removedOnServerAt: string | null;
  /** When the sync first saw it answered from another mail client (\Answered); null: not seen so. */
  answeredElsewhereAt: string | null;
}

/** Which stored mails the changes are about: those of one folder, in its numbering as of this sync. */
export interface ChangedFolder {
  accountId: number;
  folder: string;
  uidValidity: string;
  /** Mails up to this UID were stored before this sync. */
  lastUid: number;
}

/**
 * Marks the stored mails of this folder that were deleted (or moved out of it) or answered on the
 * server. The first time each was seen stays (the marks are facts about the past, and a change
 * reported twice after a crash changes nothing). Where the server could only list the mails still
 * there, the folder's stored mails up to lastUid missing from that list are the ones gone. Only
 * mails recorded in the folder's current numbering are matched: under another, a UID may mean
 * another mail. Returns the inquiries whose mails were marked.
 */
export async function markServerChanges(db: Executor, where: ChangedFolder, changes: FolderChanges, at: string): Promise<number[]> {
  const marks = [
    { messageIds: changes.stillOnServer ? await missingFromServer(db, where, changes.stillOnServer) : await messagesOf(db, where, changes.removed), column: 'removed_at' },
    { messageIds: await messagesOf(db, where, changes.answered), column: 'answered_elsewhere_at' },
  ];
  const inquiries = new Set<number>();
  for (const { messageIds, column } of marks) {
    if (!messageIds.length) continue;
    const ids = sql`SELECT value FROM json_each(${JSON.stringify(messageIds)})`;
    // "WHERE true": SQLite's way to tell an upsert's ON CONFLICT from a join's ON after INSERT … SELECT.
    await sql`INSERT INTO message_server_state (message_id, ${sql.raw(column)})
      SELECT value, ${at} FROM (${ids}) WHERE true
      ON CONFLICT (message_id) DO UPDATE SET ${sql.raw(column)} = coalesce(${sql.raw(column)}, excluded.${sql.raw(column)})`.execute(db);
    const rows = await sql<{ inquiryId: number }>`SELECT DISTINCT inquiry_id FROM messages WHERE id IN (${ids})`.execute(db);
    for (const row of rows.rows) inquiries.add(row.inquiryId);
  }
  return [...inquiries];
}

/** For the ingest path, inside the transaction that stores the mail. */
export interface ServerStateIngestStatements {
  /** The mail just stored was answered from another mail client before it was fetched; the first time seen stays. */
  markAnsweredElsewhere(messageId: number, at: string): void;
  /** The mail marked deleted or moved was found in another folder the sync reads (see relocateMessage): it is not gone. */
  markFoundElsewhere(messageId: number): void;
}

export const serverStateIngestStatements = cachedPerHandle((raw: BetterSqlite3.Database): ServerStateIngestStatements => {
  const answeredElsewhere = raw.prepare(
    `INSERT INTO message_server_state (message_id, answered_elsewhere_at) VALUES (?, ?)
     ON CONFLICT (message_id) DO UPDATE SET answered_elsewhere_at = coalesce(answered_elsewhere_at, excluded.answered_elsewhere_at)`,
  );
  const foundElsewhere = raw.prepare('UPDATE message_server_state SET removed_at = NULL WHERE message_id = ?');
  return {
    markAnsweredElsewhere: (messageId, at) => void answeredElsewhere.run(messageId, at),
    markFoundElsewhere: (messageId) => void foundElsewhere.run(messageId),
  };
});

/** The folder's stored mails recorded in this numbering. */
const ofNumbering = (where: ChangedFolder) =>
  sql`mail_account_id = ${where.accountId} AND imap_folder = ${where.folder} AND imap_uid_validity = ${where.uidValidity}`;

/** The folder's stored mails with these UIDs in this numbering. */
async function messagesOf(db: Executor, where: ChangedFolder, uids: number[]): Promise<number[]> {
  if (!uids.length) return [];
  const rows = await sql<{ id: number }>`SELECT id FROM messages
    WHERE ${ofNumbering(where)} AND imap_uid IN (SELECT value FROM json_each(${JSON.stringify(uids)}))`.execute(db);
  return rows.rows.map((row) => row.id);
}

/** The folder's stored mails of this numbering up to lastUid, not yet marked, whose UIDs are not among `stillOnServer`. */
async function missingFromServer(db: Executor, where: ChangedFolder, stillOnServer: number[]): Promise<number[]> {
  const rows = await sql<{ id: number }>`SELECT id FROM messages
    WHERE ${ofNumbering(where)} AND imap_uid <= ${where.lastUid}
      AND imap_uid NOT IN (SELECT value FROM json_each(${JSON.stringify(stillOnServer)}))
      AND NOT EXISTS (SELECT 1 FROM message_server_state s WHERE s.message_id = messages.id AND s.removed_at IS NOT NULL)`.execute(db);
  return rows.rows.map((row) => row.id);
}

export async function serverStateOfMessages(db: Executor, messageIds: number[]): Promise<Map<number, MessageServerState>> {
  if (!messageIds.length) return new Map();
  const rows = await db.selectFrom('messageServerState').selectAll().where('messageId', 'in', messageIds).execute();
  return new Map(rows.map((r) => [r.messageId, { removedOnServerAt: r.removedAt, answeredElsewhereAt: r.answeredElsewhereAt }]));
}

/** The folder's HIGHESTMODSEQ as of a sync that completed: the next sync asks for changes since. */
export async function saveFolderModseq(db: Executor, accountId: number, folder: string, highestModseq: string | null): Promise<void> {
  await db.updateTable('syncState').set({ highestModseq }).where('mailAccountId', '=', accountId).where('folder', '=', folder).execute();
}

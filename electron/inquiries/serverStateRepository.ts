import { sql } from 'kysely';
import type { Executor } from '../db/executor';
import type { FolderChanges } from '../mail/folderChanges';

export interface MessageServerState {
  /** When the sync first saw the mail deleted from its folder on the server; null: still there. */
  removedOnServerAt: string | null;
  /** When the sync first saw it answered from another mail client (\Answered); null: not seen so. */
  answeredElsewhereAt: string | null;
}

/**
 * Marks the stored mails of this folder that were deleted or answered on the server. The first
 * time each was seen stays (the marks are facts about the past, and a change reported twice
 * after a crash changes nothing). Returns the inquiries whose mails were marked.
 */
export async function markServerChanges(db: Executor, accountId: number, folder: string, changes: FolderChanges, at: string): Promise<number[]> {
  const inquiries = new Set<number>();
  const marks = [
    { uids: changes.removed, column: 'removed_at' },
    { uids: changes.answered, column: 'answered_elsewhere_at' },
  ];
  for (const { uids, column } of marks) {
    if (!uids.length) continue;
    const ofFolder = sql`mail_account_id = ${accountId} AND imap_folder = ${folder} AND imap_uid IN (${sql.join(uids)})`;
    await sql`INSERT INTO message_server_state (message_id, ${sql.raw(column)})
      SELECT id, ${at} FROM messages WHERE ${ofFolder}
      ON CONFLICT (message_id) DO UPDATE SET ${sql.raw(column)} = coalesce(${sql.raw(column)}, excluded.${sql.raw(column)})`.execute(db);
    const rows = await sql<{ inquiryId: number }>`SELECT DISTINCT inquiry_id FROM messages WHERE ${ofFolder}`.execute(db);
    for (const row of rows.rows) inquiries.add(row.inquiryId);
  }
  return [...inquiries];
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

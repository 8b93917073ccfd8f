import type { ForwardedMessage } from '../../shared/domain';
import type { Executor } from '../db/executor';
import { attachmentInfoQuery, toAttachmentInfo } from './messageContentRepository';

/**
 * The messages forwarded in these messages (stored masked by messageContentStatements), each
 * message's list flat in reading order (parents before the forwards nested in them), with their
 * attachments.
 */
export async function forwardedOfMessages(db: Executor, messageIds: readonly number[]): Promise<Map<number, ForwardedMessage[]>> {
  const result = new Map<number, ForwardedMessage[]>();
  if (messageIds.length === 0) return result;
  const rows = await db.selectFrom('forwardedMessages').selectAll().where('messageId', 'in', messageIds).orderBy('id').execute();
  if (rows.length === 0) return result;
  const attachments = await attachmentInfoQuery(db).where('messageId', 'in', messageIds).where('forwardedMessageId', 'is not', null).execute();
  const byForwarded = new Map<number, ForwardedMessage['attachments']>();
  for (const row of attachments) {
    const list = byForwarded.get(row.forwardedMessageId as number) ?? [];
    list.push(toAttachmentInfo(row));
    byForwarded.set(row.forwardedMessageId as number, list);
  }
  for (const row of rows) {
    const list = result.get(row.messageId) ?? [];
    list.push({
      id: row.id,
      parentId: row.parentId,
      from: row.fromText,
      to: row.toText,
      cc: row.ccText,
      date: row.sentAt,
      subject: row.subject,
      body: row.body,
      html: row.html,
      attachments: byForwarded.get(row.id) ?? [],
    });
    result.set(row.messageId, list);
  }
  return result;
}

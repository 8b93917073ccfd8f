import type { AttachmentInfo } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { formatTokyoDateTime } from '../../shared/tokyoTime';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { foldWriteAheadLogNow } from '../db/foldWriteAheadLog';
import { getAttachmentContent, getAttachmentInfo, removeAttachmentContent } from './messageContentRepository';

/** One attachment's content for download (base64 over the contract). */
export async function downloadAttachment(ws: Workspace, id: number): Promise<{ fileName: string; contentType: string; base64: string }> {
  const row = await getAttachmentContent(ws.db, id);
  if (!row) throw new AppError('NOT_FOUND', userMessage('attachmentNotFound', { id }));
  if (row.content === null && row.removedBy !== null && row.removedAt !== null) {
    throw new AppError('NOT_FOUND', userMessage('attachmentRemoved', { name: row.fileName, by: row.removedBy, at: formatTokyoDateTime(row.removedAt) }));
  }
  if (row.content === null && row.withheld) {
    throw new AppError('NOT_FOUND', userMessage(row.contentType === 'message/rfc822' ? 'attachmentWithheldForward' : 'attachmentWithheld', { name: row.fileName }));
  }
  if (row.content === null) {
    throw new AppError('NOT_FOUND', userMessage('attachmentTooLarge', { name: row.fileName }));
  }
  ws.logger.info('attachment.downloaded', { attachmentId: id });
  return { fileName: row.fileName || 'attachment', contentType: row.contentType, base64: Buffer.from(row.content).toString('base64') };
}

/**
 * Deletes the content of an attachment that staff found to hold card data the app could not read
 * when the mail came in (a photo of a card, a scanned form): the policy keeps no card data. The
 * file stays listed by name and size, with who deleted it and when; it cannot be undone.
 */
export async function removeAttachment(ws: Workspace, id: number): Promise<AttachmentInfo> {
  const found = await getAttachmentInfo(ws.db, id);
  if (!found) throw new AppError('NOT_FOUND', userMessage('attachmentNotFound', { id }));
  // Deleted already (pressed twice, or in two windows): it stays so.
  if (found.info.removedBy !== undefined) return found.info;
  const removed = await ws.db.transaction().execute((trx) => removeAttachmentContent(trx, id, ws.operator, ws.now()));
  if (!removed) throw new AppError('CONFLICT', userMessage('attachmentNothingToRemove', { name: found.info.fileName }));
  // The write-ahead log still holds the file's pages as they were.
  foldWriteAheadLogNow(ws.raw);
  ws.logger.info('attachment.removed', { attachmentId: id });
  ws.push('inquiries.changed', { inquiryIds: [found.inquiryId] });
  return ((await getAttachmentInfo(ws.db, id)) ?? found).info;
}

import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { AttachmentInfo } from '../../shared/domain';
import { isDangerousAttachment } from '../../shared/attachmentRisk';
import { maskCardNumbers } from '../../shared/cardMask';
import { maskCardNumbersInHtml } from '../../shared/htmlCardMask';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
// Type only: forwarded messages are stored as the mail parser reads them (unmasked; masked here).
import type { ForwardedMail } from '../mail/forwardedMessages';

/**
 * What a message holds besides its text: the HTML part and the attachments, stored in the
 * encrypted database next to the message. Card numbers are masked in the HTML and in file names
 * before storage (policy: no card data kept); attachment bytes are kept as they came.
 */
export interface MessageContent {
  html?: string | null;
  attachments: readonly {
    fileName: string;
    contentType: string;
    size: number;
    contentId?: string | null;
    /** Absent when the file was over the size limit: only its name and size are recorded. */
    content?: Buffer;
    /** A forwarded .eml not kept because it held a card number. */
    withheld?: boolean;
  }[];
  /** Messages forwarded in the mail. */
  forwarded?: readonly ForwardedMail[];
}

const MAX_FILE_NAME = 255;
const cleanFileName = (name: string) => maskCardNumbers(name).slice(0, MAX_FILE_NAME);

function rowsOf(messageId: number, content: Pick<MessageContent, 'attachments'>, forwardedMessageId: number | null = null) {
  return content.attachments.map((a) => ({
    messageId,
    forwardedMessageId,
    withheld: a.withheld ? 1 : 0,
    fileName: cleanFileName(a.fileName),
    contentType: a.contentType.slice(0, 200),
    size: a.size,
    contentId: a.contentId ? a.contentId.slice(0, 500) : null,
    // A Uint8Array (content that crossed a worker boundary) is bound as a Buffer view, not copied.
    content: a.content ? Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) : null,
  }));
}

/**
 * Stores the HTML, attachments and forwarded messages of a message just inserted, as prepared
 * statements on the raw handle inside the caller's synchronous transaction (the batch-ingest
 * path, see inquiryIngestStatements): call `store(messageId, mail)` right after inserting it.
 */
export interface MessageContentStatements {
  store(messageId: number, content: MessageContent): void;
}

export const messageContentStatements = cachedPerHandle((raw: BetterSqlite3.Database): MessageContentStatements => {
  const insertHtml = raw.prepare('INSERT INTO message_html (message_id, html) VALUES (?, ?)');
  const insertAttachment = raw.prepare(
    'INSERT INTO attachments (message_id, file_name, content_type, size, content_id, content, forwarded_message_id, withheld) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertForwarded = raw.prepare(
    'INSERT INTO forwarded_messages (message_id, parent_id, from_text, to_text, cc_text, sent_at, subject, body, html) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const storeAttachments = (messageId: number, content: Pick<MessageContent, 'attachments'>, forwardedMessageId: number | null) => {
    for (const a of rowsOf(messageId, content, forwardedMessageId)) {
      insertAttachment.run(a.messageId, a.fileName, a.contentType, a.size, a.contentId, a.content, a.forwardedMessageId, a.withheld);
    }
  };
  // Parents before children, so ids follow reading order and a nested forward can name its parent.
  const storeForwarded = (messageId: number, forwarded: readonly ForwardedMail[], parentId: number | null) => {
    for (const f of forwarded) {
      const mask = maskCardNumbers;
      const { lastInsertRowid } = insertForwarded.run(messageId, parentId, mask(f.from), mask(f.to), mask(f.cc), f.date, mask(f.subject), mask(f.text), f.html ? maskCardNumbersInHtml(f.html) : null);
      const id = Number(lastInsertRowid);
      storeAttachments(messageId, f, id);
      storeForwarded(messageId, f.forwarded, id);
    }
  };
  return {
    store(messageId: number, content: MessageContent): void {
      if (content.html) insertHtml.run(messageId, maskCardNumbersInHtml(content.html));
      storeAttachments(messageId, content, null);
      storeForwarded(messageId, content.forwarded ?? [], null);
    },
  };
});

export async function htmlOfMessages(db: Executor, messageIds: readonly number[]): Promise<Map<number, string>> {
  if (messageIds.length === 0) return new Map();
  const rows = await db.selectFrom('messageHtml').select(['messageId', 'html']).where('messageId', 'in', messageIds).execute();
  return new Map(rows.map((r) => [r.messageId, r.html]));
}

/** Attachment lists of these messages (never their content). */
export async function attachmentsOfMessages(db: Executor, messageIds: readonly number[]): Promise<Map<number, AttachmentInfo[]>> {
  const result = new Map<number, AttachmentInfo[]>();
  if (messageIds.length === 0) return result;
  // Attachments of forwarded messages are listed with those (forwardedAttachments).
  const rows = await attachmentInfoQuery(db).where('messageId', 'in', messageIds).where('forwardedMessageId', 'is', null).execute();
  for (const row of rows) {
    const list = result.get(row.messageId) ?? [];
    list.push(toAttachmentInfo(row));
    result.set(row.messageId, list);
  }
  return result;
}

/** What the attachment list shows of each row (never the content), ordered as the mail had them. */
export function attachmentInfoQuery(db: Executor) {
  return db
    .selectFrom('attachments')
    .select([
      'attachments.id',
      'attachments.messageId',
      'attachments.forwardedMessageId',
      'attachments.fileName',
      'attachments.contentType',
      'attachments.size',
      'attachments.contentId',
      'attachments.withheld',
      'attachments.removedBy',
      'attachments.removedAt',
    ])
    .select((eb) => eb.fn<number>('coalesce', [eb.fn('length', ['attachments.content']), eb.val(-1)]).as('keptLength'))
    .orderBy('attachments.id');
}

export function toAttachmentInfo(row: {
  id: number;
  fileName: string;
  contentType: string;
  size: number;
  contentId: string | null;
  keptLength: number;
  withheld: number;
  removedBy: string | null;
  removedAt: string | null;
}): AttachmentInfo {
  return {
    id: row.id,
    fileName: row.fileName,
    contentType: row.contentType,
    size: row.size,
    kept: row.keptLength >= 0,
    dangerous: isDangerousAttachment(row.fileName, row.contentType),
    contentId: row.contentId,
    ...(row.withheld ? { withheld: true } : {}),
    ...(row.removedBy !== null && row.removedAt !== null ? { removedBy: row.removedBy, removedAt: row.removedAt } : {}),
  };
}

export async function getAttachmentContent(
  db: Executor,
  id: number,
): Promise<{ fileName: string; contentType: string; content: Buffer | null; withheld: number; removedBy: string | null; removedAt: string | null } | null> {
  const row = await db.selectFrom('attachments').select(['fileName', 'contentType', 'content', 'withheld', 'removedBy', 'removedAt']).where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

/** One attachment as the list shows it, with the inquiry it belongs to; null when there is none. */
export async function getAttachmentInfo(db: Executor, id: number): Promise<{ info: AttachmentInfo; inquiryId: number } | null> {
  const row = await attachmentInfoQuery(db)
    .innerJoin('messages', 'messages.id', 'attachments.messageId')
    .select('messages.inquiryId')
    .where('attachments.id', '=', id)
    .executeTakeFirst();
  return row ? { info: toAttachmentInfo(row), inquiryId: row.inquiryId } : null;
}

/**
 * Deletes a kept attachment's content for good (the database overwrites freed pages: secure_delete),
 * recording who and when; its name and size stay listed. A file inside a forwarded message is also
 * inside the forward's own .eml, kept as an attachment of the same mail: the mail's .eml copies go
 * with it (their forwarded messages stay readable, stored apart). False when there was no content
 * to delete. Run it in a transaction.
 */
export async function removeAttachmentContent(db: Executor, id: number, by: string, at: string): Promise<boolean> {
  const removed = await db
    .updateTable('attachments')
    .set({ content: null, withheld: 1, removedBy: by, removedAt: at })
    .where('id', '=', id)
    .where('content', 'is not', null)
    .returning(['messageId', 'forwardedMessageId'])
    .executeTakeFirst();
  if (!removed) return false;
  if (removed.forwardedMessageId !== null) {
    await db
      .updateTable('attachments')
      .set({ content: null, withheld: 1, removedBy: by, removedAt: at })
      .where('messageId', '=', removed.messageId)
      .where('contentType', 'in', FORWARDED_TYPES)
      .where('content', 'is not', null)
      .execute();
  }
  return true;
}

/** The types a forwarded message is kept as (see mail/forwardedMessages.ts). */
const FORWARDED_TYPES = ['message/rfc822', 'message/global'];

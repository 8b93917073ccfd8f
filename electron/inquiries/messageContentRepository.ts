import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { AttachmentInfo } from '../../shared/domain';
import { isDangerousAttachment } from '../../shared/attachmentRisk';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';

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
  }[];
}

const MAX_FILE_NAME = 255;
const cleanFileName = (name: string) => maskCardNumbers(name).slice(0, MAX_FILE_NAME);

function rowsOf(messageId: number, content: MessageContent) {
  return content.attachments.map((a) => ({
    messageId,
    fileName: cleanFileName(a.fileName),
    contentType: a.contentType.slice(0, 200),
    size: a.size,
    contentId: a.contentId ? a.contentId.slice(0, 500) : null,
    // A Uint8Array (content that crossed a worker boundary) is bound as a Buffer view, not copied.
    content: a.content ? Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength) : null,
  }));
}

/** Stores the HTML and attachments of a message just inserted (inside the caller's transaction). */
export async function storeMessageContent(db: Executor, messageId: number, content: MessageContent): Promise<void> {
  if (content.html) {
    await db.insertInto('messageHtml').values({ messageId, html: maskCardNumbers(content.html) }).execute();
  }
  const rows = rowsOf(messageId, content);
  if (rows.length) await db.insertInto('attachments').values(rows).execute();
}

/**
 * The same write as prepared statements on the raw handle, for the synchronous batch-ingest path
 * (see inquiryIngestStatements): call `store(messageId, mail)` right after inserting the message.
 */
export interface MessageContentStatements {
  store(messageId: number, content: MessageContent): void;
}

export const messageContentStatements = cachedPerHandle((raw: BetterSqlite3.Database): MessageContentStatements => {
  const insertHtml = raw.prepare('INSERT INTO message_html (message_id, html) VALUES (?, ?)');
  const insertAttachment = raw.prepare(
    'INSERT INTO attachments (message_id, file_name, content_type, size, content_id, content) VALUES (?, ?, ?, ?, ?, ?)',
  );
  return {
    store(messageId: number, content: MessageContent): void {
      if (content.html) insertHtml.run(messageId, maskCardNumbers(content.html));
      for (const a of rowsOf(messageId, content)) {
        insertAttachment.run(a.messageId, a.fileName, a.contentType, a.size, a.contentId, a.content);
      }
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
  const rows = await db
    .selectFrom('attachments')
    .select(['id', 'messageId', 'fileName', 'contentType', 'size', 'contentId'])
    .select((eb) => eb.fn<number>('coalesce', [eb.fn('length', ['content']), eb.val(-1)]).as('keptLength'))
    .where('messageId', 'in', messageIds)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const list = result.get(row.messageId) ?? [];
    list.push({
      id: row.id,
      fileName: row.fileName,
      contentType: row.contentType,
      size: row.size,
      kept: row.keptLength >= 0,
      dangerous: isDangerousAttachment(row.fileName, row.contentType),
      contentId: row.contentId,
    });
    result.set(row.messageId, list);
  }
  return result;
}

export async function getAttachmentContent(
  db: Executor,
  id: number,
): Promise<{ fileName: string; contentType: string; content: Buffer | null } | null> {
  const row = await db.selectFrom('attachments').select(['fileName', 'contentType', 'content']).where('id', '=', id).executeTakeFirst();
  return row ?? null;
}

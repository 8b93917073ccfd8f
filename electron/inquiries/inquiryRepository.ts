import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { sql, type Selectable } from 'kysely';
import { INQUIRY_LIST_LIMIT, type InquirySummary, type Message } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
import { erasedMessageKey, isAnotherMail, isCopyByHeaders, isErasedMessageKey, reusedIdKey, type ArrivingOrigin, type StoredOrigin } from '../mail/messageIdentity';
import type { InquiriesTable, MessagesTable } from '../db/schema';
import { searchKey } from '../../shared/searchKey';

/** Every text that reaches storage passes through here: card numbers are masked first (policy: no card data kept). */
const clean = (text: string) => maskCardNumbers(text);

export interface NewInquiry {
  customerId: number;
  channel: InquiriesTable['channel'];
  subject: string;
  receivedAt: string;
  mailAccountId: number | null;
  loggedBy: string | null;
}

export async function insertInquiry(db: Executor, input: NewInquiry): Promise<number> {
  const row = await db
    .insertInto('inquiries')
    .values({ ...input, subject: clean(input.subject), status: 'open', firstResponseAt: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A message to store: the table's columns, with References as a list (stored space-separated). */
export type NewMessage = Omit<MessagesTable, 'id' | 'referenceIds' | 'originDate' | 'keyReused'> & { referenceIds: string[]; originDate?: string | null };

export async function insertMessage(db: Executor, input: NewMessage): Promise<Message> {
  const row = await db
    .insertInto('messages')
    .values({
      ...input,
      referenceIds: input.referenceIds.length ? input.referenceIds.join(' ') : null,
      subject: clean(input.subject),
      body: clean(input.body),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toMessage(row);
}

export function toMessage(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    direction: row.direction,
    fromAddress: row.fromAddress,
    toAddress: row.toAddress,
    subject: row.subject,
    body: row.body,
    at: row.at,
    author: row.author,
    messageId: row.messageKey,
  };
}

const summaryQuery = (db: Executor) =>
  db
    .selectFrom('inquiries as i')
    .innerJoin('customers as c', 'c.id', 'i.customerId')
    .select([
      'i.id',
      'i.channel',
      'i.status',
      'i.subject',
      'i.customerId',
      'c.name as customerName',
      'i.receivedAt',
      'i.firstResponseAt',
      sql<number>`(SELECT count(*) FROM messages m WHERE m.inquiry_id = i.id)`.as('messageCount'),
      'i.archived',
      sql<number>`EXISTS (SELECT 1 FROM outbox o WHERE o.inquiry_id = i.id AND o.status IN ('failed', 'retrying'))`.as('replyFailed'),
    ]);

function toSummary<R extends { archived: number; replyFailed: number }>(row: R): Omit<R, 'archived' | 'replyFailed'> & { archived: boolean; replyFailed: boolean } {
  return { ...row, archived: row.archived === 1, replyFailed: row.replyFailed === 1 };
}

export interface InquiryFilter {
  status?: InquiriesTable['status'];
  channel?: InquiriesTable['channel'];
  customerId?: number;
  /** Found in the subject, the customer's name or e-mail address (as shared/searchKey.ts reads them), or the inquiry's number. */
  query?: string;
  /** Only those after this one in the list's order (newest first): the next page. */
  after?: { id: number; receivedAt: string };
  /** Only these inquiries. */
  ids?: readonly number[];
}

/** Newest first; at most `limit` (null: all of them). */
export async function listInquiries(db: Executor, filter: InquiryFilter, limit: number | null = INQUIRY_LIST_LIMIT): Promise<InquirySummary[]> {
  let q = summaryQuery(db).orderBy('i.receivedAt', 'desc').orderBy('i.id', 'desc');
  if (limit !== null) q = q.limit(limit);
  const needle = searchKey(filter.query ?? '');
  // "#123" (or "＃１２３"): that inquiry alone, whatever its status or channel.
  const numbered = /^#(\d{1,9})$/.exec(needle)?.[1];
  if (numbered) return filter.after ? [] : (await summaryQuery(db).where('i.id', '=', Number(numbered)).execute()).map(toSummary);
  if (filter.status) q = q.where('i.status', '=', filter.status);
  if (filter.channel) q = q.where('i.channel', '=', filter.channel);
  if (filter.customerId !== undefined) q = q.where('i.customerId', '=', filter.customerId);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('i.id', 'in', filter.ids);
  }
  const { after } = filter;
  // A bare number is also the inquiry of that number, listed first (before subjects and addresses that hold
  // it): on the first page, so the next pages leave it out, and a page after it alone starts from the top.
  const number = needle && /^\d{1,9}$/.test(needle) ? Number(needle) : null;
  if (after && after.id !== number) {
    // Compared as stored: ISO in UTC, to the millisecond.
    const receivedAt = new Date(after.receivedAt).toISOString();
    q = q.where((eb) => eb.or([eb('i.receivedAt', '<', receivedAt), eb.and([eb('i.receivedAt', '=', receivedAt), eb('i.id', '<', after.id)])]));
  }
  if (needle) {
    q = q.where(
      sql<boolean>`(instr(search_key(i.subject), ${needle}) > 0 OR instr(search_key(c.name), ${needle}) > 0 OR instr(search_key(c.email), ${needle}) > 0${
        number !== null && !after ? sql` OR i.id = ${number}` : sql``
      })`,
    );
    if (number !== null && after) q = q.where('i.id', '!=', number);
    if (number !== null && !after) q = q.clearOrderBy().orderBy(sql`i.id = ${number}`, 'desc').orderBy('i.receivedAt', 'desc').orderBy('i.id', 'desc');
  }
  return (await q.execute()).map(toSummary);
}

export async function getInquirySummary(db: Executor, id: number): Promise<InquirySummary | null> {
  const row = await summaryQuery(db).where('i.id', '=', id).executeTakeFirst();
  return row ? toSummary(row) : null;
}

export async function getInquiryRow(db: Executor, id: number): Promise<Selectable<InquiriesTable> | null> {
  return (await db.selectFrom('inquiries').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function listMessages(db: Executor, inquiryId: number): Promise<Selectable<MessagesTable>[]> {
  return db.selectFrom('messages').selectAll().where('inquiryId', '=', inquiryId).orderBy('at').orderBy('id').execute();
}

/** The id of the inquiry's latest message (the last to reach Madoguchi); null when it has none. */
export async function latestMessageId(db: Executor, inquiryId: number): Promise<number | null> {
  const row = await db.selectFrom('messages').select('id').where('inquiryId', '=', inquiryId).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}

export async function setInquiryStatus(db: Executor, id: number, status: InquiriesTable['status']): Promise<void> {
  await db.updateTable('inquiries').set({ status }).where('id', '=', id).execute();
}

/** The first response is set once, by the first reply, and never moved. */
export async function recordResponse(db: Executor, id: number, at: string): Promise<void> {
  await db
    .updateTable('inquiries')
    .set({ firstResponseAt: sql<string>`coalesce(first_response_at, ${at})`, status: 'answered' })
    .where('id', '=', id)
    .execute();
}

/**
 * A first response set by marking the inquiry answered (at `markedAt`), taken back: the first reply
 * sent since the inquiry was received, if one was, is the first response instead (a reply to the
 * history it was before the customer wrote again answers nothing of this). One set otherwise, or since, stays.
 */
export async function takeBackFirstResponse(db: Executor, id: number, markedAt: string): Promise<void> {
  await db
    .updateTable('inquiries')
    .set((eb) => ({
      firstResponseAt: eb
        .selectFrom('messages')
        .select((sub) => sub.fn.min('messages.at').as('at'))
        .whereRef('messages.inquiryId', '=', 'inquiries.id')
        .where('messages.direction', '=', 'out')
        .whereRef('messages.at', '>=', 'inquiries.receivedAt'),
    }))
    .where('id', '=', id)
    .where('firstResponseAt', '=', markedAt)
    .execute();
}

/**
 * Inquiries received in [fromIso, toIso): what the response-time report needs. Archived history
 * (mail from before an account's import date) was never handled in Madoguchi and is left out.
 */
export async function listForResponseTimes(db: Executor, fromIso: string, toIso: string) {
  return db
    .selectFrom('inquiries')
    .select(['channel', 'receivedAt', 'firstResponseAt'])
    .where('receivedAt', '>=', fromIso)
    .where('receivedAt', '<', toIso)
    .where('archived', '=', 0)
    .execute();
}

/**
 * The inquiry and message writes of the mail ingest path, as prepared statements made once per
 * database handle: they run many times inside one synchronous transaction per batch of mails,
 * where Kysely would compile and prepare every query anew. Card numbers are masked here too.
 */
export interface InquiryIngestStatements {
  /**
   * Of a mail arriving with this key: the key a copy of it is stored under (`copy`); or, when the
   * message stored under its Message-ID is another mail (isAnotherMail), that message (`reusedBy`:
   * this mail is to be stored under reusedIdKey); null when neither is stored.
   */
  storedCopyOf(messageKey: string, arriving: ArrivingOrigin): { copy: string } | { reusedBy: number } | null;
  /** Of a mail of which only the Message-ID and Date headers were read: the key its stored copy has, if that is sure (isCopyByHeaders). */
  copyKnownByHeaders(messageId: string, originDate: string | null): string | null;
  /** Another mail came with this message's Message-ID. */
  markKeyReused(messageId: number): void;
  /**
   * The inquiry holding the newest of these Message-IDs (a mail's In-Reply-To and References), from
   * `sender`: a Message-ID that another mail came with too (see storedCopyOf) counts only from the inquiry's customer.
   */
  inquiryOfMessageKeys(keys: readonly string[], sender: string | null): number | null;
  customerOfInquiry(id: number): number | null;
  insertInquiry(input: NewInquiry & { status: InquiriesTable['status']; archived: boolean }): number;
  insertMessage(input: NewMessage): number;
  /** The customer wrote again: the inquiry needs attention (archived history becomes work received at `receivedAt`). */
  reopen(id: number, receivedAt: string): void;
  /**
   * A stored mail found again here: in its own folder under a new numbering (UIDVALIDITY), it is at
   * this UID now; marked deleted or moved out of its folder, it was moved here (answered: their mark
   * goes). A copy found again in the same numbering, or beside one still where it was, changes nothing.
   */
  relocateMessage(messageKey: string, at: { accountId: number; folder: string; uid: number; uidValidity: string }): number[];
}

export const inquiryIngestStatements = cachedPerHandle((raw: BetterSqlite3.Database): InquiryIngestStatements => {
  const keyExists = raw.prepare('SELECT 1 FROM messages WHERE message_key IN (?, ?)').pluck();
  /** A message is stored under this key, as it came or erased (see erasedMessageKey). */
  const stored = (key: string) => keyExists.get(key, erasedMessageKey(key)) !== undefined;
  const byKeys = raw
    // Never a thread of a customer whose registration was cancelled: their new mail starts afresh.
    .prepare(
      `SELECT m.inquiry_id FROM messages m JOIN inquiries i ON i.id = m.inquiry_id JOIN customers c ON c.id = i.customer_id
       WHERE m.message_key IN (SELECT value FROM json_each(?)) AND c.registration_cancelled_at IS NULL AND (m.key_reused = 0 OR c.email = ?)
       ORDER BY m.id DESC LIMIT 1`,
    )
    .pluck();
  const storedUnder = raw.prepare(
    'SELECT id, message_key AS messageKey, direction, from_address AS fromAddress, origin_date AS originDate, at FROM messages WHERE message_key IN (?, ?)',
  );
  const originOf = (key: string): (StoredOrigin & { id: number }) | null => {
    const row = storedUnder.get(key, erasedMessageKey(key)) as (Omit<StoredOrigin, 'erased'> & { id: number; messageKey: string }) | undefined;
    return row ? { ...row, erased: isErasedMessageKey(row.messageKey) } : null;
  };
  const markReused = raw.prepare('UPDATE messages SET key_reused = 1 WHERE id = ?');
  const customerOf = raw.prepare('SELECT customer_id FROM inquiries WHERE id = ?').pluck();
  const insertInquiry = raw.prepare(
    `INSERT INTO inquiries (customer_id, channel, status, subject, received_at, first_response_at, mail_account_id, logged_by, archived)
     VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
  );
  const insertMessage = raw.prepare(
    `INSERT INTO messages (inquiry_id, direction, message_key, in_reply_to, reference_ids, from_address, to_address,
       subject, body, at, author, mail_account_id, imap_folder, imap_uid, imap_uid_validity, sender_customer_id, sender_presumed, origin_date)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  // Archived history was never work in Madoguchi: reopened, it is received when the customer wrote
  // again (so the response-time report counts it then, not in the month the history began), and
  // not answered yet, whatever staff wrote to the history before.
  const reopen = raw.prepare(
    `UPDATE inquiries SET status = 'open',
       received_at = CASE WHEN archived = 1 THEN @receivedAt ELSE received_at END,
       first_response_at = CASE WHEN archived = 1 THEN NULL ELSE first_response_at END,
       archived = 0
     WHERE id = @id`,
  );
  const relocate = raw.prepare(
    `UPDATE messages SET imap_uid = @uid, imap_uid_validity = @uidValidity
     WHERE message_key IN (@key, @erased) AND mail_account_id = @accountId AND imap_folder = @folder AND imap_uid_validity IS NOT @uidValidity`,
  );
  const relocateGone = raw.prepare(
    `UPDATE messages SET mail_account_id = @accountId, imap_folder = @folder, imap_uid = @uid, imap_uid_validity = @uidValidity
     WHERE message_key IN (@key, @erased) AND id IN (SELECT message_id FROM message_server_state WHERE removed_at IS NOT NULL)
     RETURNING id`,
  ).pluck();
  return {
    storedCopyOf(key, arriving) {
      const origin = originOf(key);
      if (!origin) return null;
      if (!isAnotherMail(origin, arriving)) return { copy: key };
      const own = reusedIdKey(key, arriving);
      return stored(own) ? { copy: own } : { reusedBy: origin.id };
    },
    copyKnownByHeaders(messageId, originDate) {
      const origin = originOf(messageId);
      return origin && isCopyByHeaders(origin, originDate) ? messageId : null;
    },
    markKeyReused: (id) => void markReused.run(id),
    inquiryOfMessageKeys: (keys, sender) => (keys.length ? ((byKeys.get(JSON.stringify(keys), sender) as number | undefined) ?? null) : null),
    customerOfInquiry: (id) => (customerOf.get(id) as number | undefined) ?? null,
    insertInquiry: (i) =>
      Number(
        insertInquiry.run(i.customerId, i.channel, i.status, clean(i.subject), i.receivedAt, i.mailAccountId, i.loggedBy, i.archived ? 1 : 0)
          .lastInsertRowid,
      ),
    insertMessage: (m) =>
      Number(
        insertMessage.run(
          m.inquiryId,
          m.direction,
          m.messageKey,
          m.inReplyTo,
          m.referenceIds.length ? m.referenceIds.join(' ') : null,
          m.fromAddress,
          m.toAddress,
          clean(m.subject),
          clean(m.body),
          m.at,
          m.author,
          m.mailAccountId,
          m.imapFolder,
          m.imapUid,
          m.imapUidValidity,
          m.senderCustomerId,
          m.senderPresumed,
          m.originDate ?? null,
        ).lastInsertRowid,
      ),
    reopen: (id, receivedAt) => void reopen.run({ id, receivedAt }),
    relocateMessage(key, at) {
      const where = { key, erased: erasedMessageKey(key), ...at };
      const moved = relocateGone.all(where) as number[];
      relocate.run(where);
      return moved;
    },
  };
});

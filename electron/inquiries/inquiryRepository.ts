import { sql, type Selectable } from 'kysely';
import type { InquirySummary, Message } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';
import type { InquiriesTable, MessagesTable } from '../db/schema';

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

export interface NewMessage {
  inquiryId: number;
  direction: 'in' | 'out';
  messageKey: string | null;
  inReplyTo: string | null;
  referenceIds: string[];
  fromAddress: string | null;
  toAddress: string | null;
  subject: string;
  body: string;
  at: string;
  author: string | null;
  mailAccountId: number | null;
  imapFolder: string | null;
  imapUid: number | null;
}

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

export async function messageKeyExists(db: Executor, messageKey: string): Promise<boolean> {
  const row = await db.selectFrom('messages').select('id').where('messageKey', '=', messageKey).executeTakeFirst();
  return row !== undefined;
}

/** The inquiry that holds any of these Message-IDs (the mail's In-Reply-To and References). */
export async function findInquiryByMessageKeys(db: Executor, keys: string[]): Promise<number | null> {
  if (keys.length === 0) return null;
  const row = await db
    .selectFrom('messages')
    .select('inquiryId')
    .where('messageKey', 'in', keys)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.inquiryId ?? null;
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
    ]);

export interface InquiryFilter {
  status?: InquiriesTable['status'];
  channel?: InquiriesTable['channel'];
  customerId?: number;
}

export async function listInquiries(db: Executor, filter: InquiryFilter, limit = 500): Promise<InquirySummary[]> {
  let q = summaryQuery(db).orderBy('i.receivedAt', 'desc').orderBy('i.id', 'desc').limit(limit);
  if (filter.status) q = q.where('i.status', '=', filter.status);
  if (filter.channel) q = q.where('i.channel', '=', filter.channel);
  if (filter.customerId !== undefined) q = q.where('i.customerId', '=', filter.customerId);
  return q.execute();
}

export async function getInquirySummary(db: Executor, id: number): Promise<InquirySummary | null> {
  return (await summaryQuery(db).where('i.id', '=', id).executeTakeFirst()) ?? null;
}

export async function getInquiryRow(db: Executor, id: number): Promise<Selectable<InquiriesTable> | null> {
  return (await db.selectFrom('inquiries').selectAll().where('id', '=', id).executeTakeFirst()) ?? null;
}

export async function listMessages(db: Executor, inquiryId: number): Promise<Selectable<MessagesTable>[]> {
  return db.selectFrom('messages').selectAll().where('inquiryId', '=', inquiryId).orderBy('at').orderBy('id').execute();
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

/** Inquiries received in [fromIso, toIso): what the response-time report needs. */
export async function listForResponseTimes(db: Executor, fromIso: string, toIso: string) {
  return db
    .selectFrom('inquiries')
    .select(['channel', 'receivedAt', 'firstResponseAt'])
    .where('receivedAt', '>=', fromIso)
    .where('receivedAt', '<', toIso)
    .execute();
}

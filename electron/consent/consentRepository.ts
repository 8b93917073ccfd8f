import { sql, type Selectable } from 'kysely';
import type { ConsentEvent } from '../../shared/domain';
import type { PurposeKey } from '../../shared/purposes';
import { maskCardNumbers } from '../../shared/cardMask';
import type { ConsentEventsTable } from '../db/schema';
import type { Executor } from '../db/executor';
import { emailKey } from '../customers/customerRepository';

export function toConsentEvent(row: Selectable<ConsentEventsTable>): ConsentEvent {
  return {
    id: row.id,
    customerId: row.customerId,
    purpose: row.purpose as ConsentEvent['purpose'],
    channel: row.channel as ConsentEvent['channel'],
    action: row.action,
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt,
    source: row.source as ConsentEvent['source'],
    sourceInquiryId: row.sourceInquiryId,
    evidence: row.evidence,
  };
}

export type NewConsentEvent = Omit<ConsentEvent, 'id'>;

/** Appends one record; the table refuses UPDATE and DELETE (triggers), so history cannot be rewritten. */
export async function appendConsentEvent(db: Executor, event: NewConsentEvent): Promise<number> {
  const row = await db
    .insertInto('consentEvents')
    .values({ ...event, evidence: maskCardNumbers(event.evidence) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Oldest first: the order in which the customer's word was recorded. */
export async function listConsentEvents(db: Executor, customerId: number): Promise<ConsentEvent[]> {
  const rows = await db.selectFrom('consentEvents').selectAll().where('customerId', '=', customerId).orderBy('id').execute();
  return rows.map(toConsentEvent);
}

export interface PermittedRecipient {
  customerId: number;
  name: string;
  email: string;
  consentedAt: string;
}

/** Joins `e`, the customer `c`'s latest record for (purpose, e-mail), onto `customers c`. */
export function latestEmailRecord(purpose: string) {
  return sql`consent_events e ON e.id = (
    SELECT max(id) FROM consent_events
    WHERE customer_id = c.id AND purpose = ${purpose} AND channel = 'email'
  )`;
}

/** Whether `c` (with its `latestEmailRecord` `e`) may be mailed: the latest record is a grant, and an address is known that does not bounce. */
export const MAILABLE = sql`(e.action = 'grant' AND c.email IS NOT NULL AND c.email_undeliverable = 0)`;

/**
 * Customers whose LATEST record for (purpose, channel) is a grant, who have an e-mail address
 * that is not known to bounce. Never-consented and withdrawn customers are excluded by construction.
 * One mailbox is one recipient, however its address is spelled (see mailboxesStopped).
 */
export async function listPermittedEmailRecipients(db: Executor, purpose: string): Promise<PermittedRecipient[]> {
  const result = await sql<PermittedRecipient>`
    SELECT c.id AS customer_id, c.name, c.email, e.recorded_at AS consented_at
    FROM customers c JOIN ${latestEmailRecord(purpose)}
    WHERE ${MAILABLE}
    ORDER BY c.id`.execute(db);
  const stopped = await mailboxesStopped(db, purpose);
  const listed = new Set<string>();
  return result.rows.filter((recipient) => {
    const mailbox = emailKey(recipient.email);
    if (stopped.has(mailbox) || listed.has(mailbox)) return false;
    listed.add(mailbox);
    return true;
  });
}

/**
 * The mailboxes (as emailKey writes them) that one of their customers may not be mailed at: they
 * withdrew, or the address bounces. Two customers hold one mailbox only where an address stored
 * before addresses were kept as mail carries them could not take that form, the other customer
 * having it (migration 0027 leaves such pairs for staff, "yamada@例え.jp" beside
 * "yamada@xn--r8jz45g.jp"): an opt-out or a bounce of either stops both. Those addresses are the
 * ones with a capital or a character beyond ASCII; usually there are none, and nothing more is read.
 */
async function mailboxesStopped(db: Executor, purpose: string): Promise<Set<string>> {
  const legacy = await sql<{ email: string }>`SELECT email FROM customers WHERE email GLOB '*[^ -~]*' OR email GLOB '*[A-Z]*'`.execute(db);
  if (legacy.rows.length === 0) return new Set();
  const mailboxes = [...new Set(legacy.rows.map((row) => emailKey(row.email)))];
  const spellings = [...new Set([...mailboxes, ...legacy.rows.map((row) => row.email)])];
  const stopped = await sql<{ email: string }>`
    SELECT c.email FROM customers c LEFT JOIN ${latestEmailRecord(purpose)}
    WHERE c.email IN (${sql.join(spellings)}) AND (e.action = 'withdraw' OR c.email_undeliverable = 1)`.execute(db);
  return new Set(stopped.rows.map((row) => emailKey(row.email)));
}

/**
 * When the customer asked Madoguchi to stop using their data to respond to their inquiries
 * (purpose 4, "inquiry_response", withdrawn as its latest record); null while it may be used.
 */
export async function inquiryResponseWithdrawnAt(db: Executor, customerId: number): Promise<string | null> {
  const latest = await db
    .selectFrom('consentEvents')
    .select(['action', 'recordedAt'])
    .where('customerId', '=', customerId)
    .where('purpose', '=', INQUIRY_RESPONSE)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return latest?.action === 'withdraw' ? latest.recordedAt : null;
}

/** The purpose replies to a customer's inquiries serve. */
export const INQUIRY_RESPONSE: PurposeKey = 'inquiry_response';

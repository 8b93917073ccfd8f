import { sql, type Selectable } from 'kysely';
import type { ConsentEvent } from '../../shared/domain';
import type { PurposeKey } from '../../shared/purposes';
import { maskCardNumbers } from '../../shared/cardMask';
import type { ConsentEventsTable } from '../db/schema';
import type { Executor } from '../db/executor';

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
 */
export async function listPermittedEmailRecipients(db: Executor, purpose: string): Promise<PermittedRecipient[]> {
  const result = await sql<PermittedRecipient>`
    SELECT c.id AS customer_id, c.name, c.email, e.recorded_at AS consented_at
    FROM customers c JOIN ${latestEmailRecord(purpose)}
    WHERE ${MAILABLE}
    ORDER BY c.id`.execute(db);
  return result.rows;
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

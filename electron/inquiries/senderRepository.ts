import type { Executor } from '../db/executor';
import { holderOfAddress } from '../customers/customerRepository';

/*
 * Whose mail is which. A mail joins a thread by its headers whoever sent it (someone the customer
 * copied, replying to all), and is stored with the customer it is from (messages.sender_customer_id,
 * see migration 0023): what they wrote there is theirs, for disclosure, consent and erasure, not the
 * thread owner's.
 */

/**
 * Where the customer's set-aside mail is from: their address now (if any) and every address their
 * mail came from, each over the time it was theirs. Set-aside mail is known by its sender's address
 * alone, and an address can pass from one customer to another (a successor in a job): mail set
 * aside from one that another customer has now is theirs from when they had it, and the earlier
 * holders' before; mail from the customer's own address is theirs from when they had it where
 * someone else wrote from it before, and all of it otherwise.
 */
export async function setAsideSendersOf(db: Executor, customerId: number, current: string | null): Promise<SenderSpan[]> {
  const addresses = [...new Set([...(current ? [current] : []), ...(await addressesCustomerWroteFrom(db, customerId))])];
  const spans: SenderSpan[] = [];
  for (const address of addresses) {
    const holder = await holderOfAddress(db, address);
    if (!holder) spans.push({ address });
    else if (holder.id !== customerId) spans.push({ address, before: holder.since });
    else if (await othersWroteFrom(db, customerId, address)) spans.push({ address, since: holder.since });
    else spans.push({ address });
  }
  return spans;
}

/** An address, and the time (ISO) mail from it is someone's from (`since`) or until (`before`). */
export interface SenderSpan {
  address: string;
  since?: string;
  before?: string;
}

async function othersWroteFrom(db: Executor, customerId: number, address: string): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('direction', '=', 'in')
    .where('fromAddress', '=', address)
    .where((eb) => eb.or([eb('senderCustomerId', '!=', customerId), eb('senderCustomerId', 'is', null)]))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The customer's own mail, wherever it is stored (their inquiries, or another customer's thread it
 * joined): the messages from them (see migration 0023), except one only presumed theirs (from an
 * address no customer had) that is from another customer's address now, which is that customer's
 * instead. Addresses are stored in lower case, customers' and messages' alike.
 */
function ownMailOf(db: Executor, customerId: number) {
  const theirAddress = db.selectFrom('customers').select('email').where('id', '=', customerId);
  const othersAddresses = db.selectFrom('customers').select('email').where('id', '!=', customerId).where('email', 'is not', null);
  return db
    .selectFrom('messages')
    .where('messages.direction', '=', 'in')
    .where((eb) =>
      eb.or([
        eb.and([eb('messages.senderCustomerId', '=', customerId), eb.or([eb('messages.senderPresumed', '=', 0), eb('messages.fromAddress', 'not in', othersAddresses)])]),
        eb.and([eb('messages.senderPresumed', '=', 1), eb('messages.fromAddress', '=', theirAddress)]),
      ]),
    );
}

/**
 * Marks the customer's own mail (see ownMailOf) as theirs for good, all of it: before their
 * address is erased with the contents of their mail.
 */
export async function settleOwnMail(db: Executor, customerId: number): Promise<void> {
  await db.updateTable('messages').set({ senderCustomerId: customerId, senderPresumed: 0 }).where('id', 'in', ownMailIdsOf(db, customerId)).execute();
}

/**
 * Marks as the customer's for good the mail that is theirs only by the address they have (mail
 * presumed another's, from an address no customer had then): when their address changes or is
 * erased it would pass to whoever has the address next (the thread's owner again, or a stranger
 * who writes from it later), with what they wrote. Mail presumed theirs as a thread's owner is not
 * known by their address, and stays as it is: its writer may still become a customer. Run it before
 * their address changes.
 */
export async function settleMailKnownByAddress(db: Executor, customerId: number): Promise<void> {
  const theirAddress = db.selectFrom('customers').select('email').where('id', '=', customerId);
  await db
    .updateTable('messages')
    .set({ senderCustomerId: customerId, senderPresumed: 0 })
    .where('direction', '=', 'in')
    .where('senderPresumed', '=', 1)
    .where('fromAddress', '=', theirAddress)
    .execute();
}

/** Ids of the customer's own mail (see ownMailOf), for a subquery. */
function ownMailIdsOf(db: Executor, customerId: number) {
  return ownMailOf(db, customerId).select('messages.id');
}

/** The customer's own mail stored in other customers' inquiries, oldest first. */
export async function messagesOfSenderElsewhere(db: Executor, customerId: number): Promise<Array<{ id: number; inquiryId: number }>> {
  return ownMailOf(db, customerId)
    .innerJoin('inquiries', 'inquiries.id', 'messages.inquiryId')
    .select(['messages.id', 'messages.inquiryId'])
    .where('inquiries.customerId', '!=', customerId)
    .orderBy('messages.id')
    .execute();
}

/** Every address the customer's mail came from (the one they have now, and any they wrote from before), not those of others who wrote in their threads. */
export async function addressesCustomerWroteFrom(db: Executor, customerId: number): Promise<string[]> {
  const rows = await ownMailOf(db, customerId).select('messages.fromAddress').distinct().where('messages.fromAddress', 'is not', null).execute();
  return rows.map((row) => row.fromAddress as string);
}

/**
 * The inquiry's messages that are another customer's own mail (see ownMailOf): message id → that
 * customer's id. A mail only presumed the owner's (from an address no customer has) is the owner's,
 * until its address becomes another customer's.
 */
export async function othersMailIn(db: Executor, inquiryId: number, ownerId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('messages as m')
    .select((eb) => [
      'm.id',
      eb.fn
        .coalesce(
          eb.case().when('m.senderPresumed', '=', 1).then(eb.selectFrom('customers as c').select('c.id').whereRef('c.email', '=', 'm.fromAddress').limit(1)).end(),
          'm.senderCustomerId',
        )
        .as('senderId'),
    ])
    .where('m.inquiryId', '=', inquiryId)
    .where('m.direction', '=', 'in')
    .execute();
  return new Map(rows.flatMap((row) => (row.senderId !== null && row.senderId !== ownerId ? [[row.id, row.senderId] as const] : [])));
}

/** Whether the customer wrote in this inquiry (their own mail is in it, see ownMailOf), whoever's it is. */
export async function wroteIn(db: Executor, customerId: number, inquiryId: number): Promise<boolean> {
  return (await ownMailOf(db, customerId).select('messages.id').where('messages.inquiryId', '=', inquiryId).limit(1).executeTakeFirst()) !== undefined;
}

/** The other customers' inquiries the customer wrote in, by id. */
export async function othersInquiriesWrittenIn(db: Executor, customerId: number): Promise<number[]> {
  return [...new Set((await messagesOfSenderElsewhere(db, customerId)).map((m) => m.inquiryId))];
}

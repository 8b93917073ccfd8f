import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { domainToASCII } from 'node:url';
import { sql, type Selectable } from 'kysely';
import type { Customer, CustomerAmendment, CustomerField } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
import type { CustomersTable } from '../db/schema';
import { searchKey } from '../../shared/searchKey';

export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    postalAddress: row.postalAddress,
    emailUndeliverable: row.emailUndeliverable === 1,
    createdAt: row.createdAt,
    registrationCancelledAt: row.registrationCancelledAt,
  };
}

export interface NewCustomer {
  name: string;
  email?: string | null;
  phone?: string | null;
  postalAddress?: string | null;
}

/**
 * An e-mail address as Madoguchi keeps and matches it: full-width letters and digits typed with a
 * Japanese input method as their ASCII selves (NFKC), lower-cased, and a domain in Japanese (or
 * any Unicode) in its ASCII form (punycode), as mail carries it. So one address is one customer
 * however it was typed, and an opt-out recorded for it holds for every way of writing it.
 */
export function emailKey(address: string): string {
  const normal = address.trim().normalize('NFKC').toLowerCase();
  const at = normal.lastIndexOf('@');
  if (at < 0 || /^[\x00-\x7f]*$/.test(normal.slice(at + 1))) return normal;
  // An invalid domain has no ASCII form: it stays as typed (the address check refuses it).
  return `${normal.slice(0, at)}@${domainToASCII(normal.slice(at + 1)) || normal.slice(at + 1)}`;
}

/** The registration details as stored: card numbers masked, the e-mail address as emailKey keeps it (mail is matched by it), empty as null. */
export type CustomerDetails = Pick<Customer, 'name' | 'email' | 'phone' | 'postalAddress'>;

export function cleanCustomerDetails(input: NewCustomer): CustomerDetails {
  const text = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);
  const email = text(input.email);
  const phone = text(input.phone);
  const postalAddress = text(input.postalAddress);
  return {
    name: maskCardNumbers(input.name.trim()),
    email: email === null ? null : emailKey(email),
    phone: phone === null ? null : maskCardNumbers(phone),
    postalAddress: postalAddress === null ? null : maskCardNumbers(postalAddress),
  };
}

export async function insertCustomer(db: Executor, input: NewCustomer, at: string): Promise<Customer> {
  const row = await db
    .insertInto('customers')
    .values({ ...cleanCustomerDetails(input), createdAt: at })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCustomer(row);
}

export async function findCustomerByEmail(db: Executor, email: string): Promise<Customer | null> {
  const row = await db.selectFrom('customers').selectAll().where('email', '=', emailKey(email)).executeTakeFirst();
  return row ? toCustomer(row) : null;
}

export async function getCustomer(db: Executor, id: number): Promise<Customer | null> {
  const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toCustomer(row) : null;
}

/**
 * Matches name, e-mail or phone, case-insensitively; an empty query lists the newest customers.
 * Cancelled registrations are not found by what they were (it is erased), only by their number:
 * "#123" (or "＃１２３") is that customer alone, a bare "123" is also that customer, listed first.
 */
export async function searchCustomers(db: Executor, query: string, limit = 100): Promise<Customer[]> {
  const needle = searchKey(query);
  const numbered = /^#(\d{1,9})$/.exec(needle)?.[1];
  if (numbered) return (await db.selectFrom('customers').selectAll().where('id', '=', Number(numbered)).execute()).map(toCustomer);
  const number = /^\d{1,9}$/.test(needle) ? Number(needle) : null;
  let select = db.selectFrom('customers').selectAll().limit(limit);
  if (needle) {
    // search_key is shared/searchKey.ts, registered on the connection (see openDatabase).
    const matches = sql<boolean>`(registration_cancelled_at IS NULL AND (instr(search_key(name), ${needle}) > 0 OR instr(search_key(email), ${needle}) > 0 OR instr(search_key(phone), ${needle}) > 0))`;
    select = number !== null ? select.where(sql<boolean>`(${matches} OR id = ${number})`).orderBy(sql`id = ${number}`, 'desc') : select.where(matches);
  } else {
    select = select.where('registrationCancelledAt', 'is', null);
  }
  return (await select.orderBy('id', 'desc').execute()).map(toCustomer);
}

/** Marks the customer's address undeliverable, if it is still `address` (the one that bounced): not a new one given meanwhile. */
export async function markEmailUndeliverable(db: Executor, id: number, address: string): Promise<void> {
  await db.updateTable('customers').set({ emailUndeliverable: 1 }).where('id', '=', id).where('email', '=', address).execute();
}

/** The customer lookups of the mail ingest path, as prepared statements run inside its synchronous transaction. */
export interface CustomerIngestStatements {
  /** The customer with this (lower-cased) address, if any. */
  idByEmail(email: string): number | null;
  emailOf(id: number): string | null;
  insert(input: NewCustomer, at: string): number;
  /** Marks every customer with this address undeliverable (a bounce said so); returns how many changed. */
  markEmailUndeliverable(email: string): number;
}

export const customerIngestStatements = cachedPerHandle((raw: BetterSqlite3.Database): CustomerIngestStatements => {
  const byEmail = raw.prepare('SELECT id FROM customers WHERE email = ?').pluck();
  const emailOf = raw.prepare('SELECT email FROM customers WHERE id = ?').pluck();
  const insert = raw.prepare('INSERT INTO customers (name, email, phone, postal_address, created_at) VALUES (?, ?, ?, ?, ?)');
  const undeliverable = raw.prepare('UPDATE customers SET email_undeliverable = 1 WHERE email = ? AND email_undeliverable = 0');
  return {
    idByEmail: (email) => (byEmail.get(emailKey(email)) as number | undefined) ?? null,
    emailOf: (id) => (emailOf.get(id) as string | null | undefined) ?? null,
    insert: (input, at) => {
      const details = cleanCustomerDetails(input);
      return Number(insert.run(details.name, details.email, details.phone, details.postalAddress, at).lastInsertRowid);
    },
    markEmailUndeliverable: (email) => undeliverable.run(emailKey(email)).changes,
  };
});

/** Sets the details; a changed e-mail address is no longer known to bounce. */
export async function updateCustomerDetails(db: Executor, id: number, details: CustomerDetails, emailChanged: boolean): Promise<void> {
  await db
    .updateTable('customers')
    .set({ ...details, ...(emailChanged ? { emailUndeliverable: 0 } : {}) })
    .where('id', '=', id)
    .execute();
}

/**
 * Erases a customer's details (their registration was cancelled): the name becomes `name`, the
 * rest is cleared, and when it happened is kept. Their number stays, for the records that refer to it.
 */
export async function eraseCustomerDetails(db: Executor, id: number, name: string, at: string): Promise<void> {
  await db
    .updateTable('customers')
    .set({ name, email: null, phone: null, postalAddress: null, emailUndeliverable: 0, registrationCancelledAt: at })
    .where('id', '=', id)
    .execute();
}

/** Appends one amendment record; the table refuses UPDATE and DELETE (triggers). */
export async function appendCustomerAmendment(db: Executor, amendment: Omit<CustomerAmendment, 'id'>): Promise<number> {
  const row = await db
    .insertInto('customerAmendments')
    .values({ ...amendment, fields: JSON.stringify(amendment.fields), evidence: maskCardNumbers(amendment.evidence) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Oldest first. */
export async function listCustomerAmendments(db: Executor, customerId: number): Promise<CustomerAmendment[]> {
  const rows = await db.selectFrom('customerAmendments').selectAll().where('customerId', '=', customerId).orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    customerId: row.customerId,
    fields: JSON.parse(row.fields) as CustomerField[],
    recordedBy: row.recordedBy,
    recordedAt: row.recordedAt,
    source: row.source as CustomerAmendment['source'],
    sourceInquiryId: row.sourceInquiryId,
    evidence: row.evidence,
  }));
}

/** The customer whose address this is now, and since when (ISO): when they were registered, or last amended their address. */
export async function holderOfAddress(db: Executor, address: string): Promise<{ id: number; since: string } | null> {
  const holder = await db.selectFrom('customers').select(['id', 'createdAt']).where('email', '=', address).executeTakeFirst();
  if (!holder) return null;
  const amended = await db
    .selectFrom('customerAmendments')
    .select((eb) => eb.fn.max('recordedAt').as('at'))
    .where('customerId', '=', holder.id)
    .where(sql<boolean>`exists (SELECT 1 FROM json_each(fields) WHERE value = 'email')`)
    .executeTakeFirst();
  return { id: holder.id, since: amended?.at && amended.at > holder.createdAt ? amended.at : holder.createdAt };
}

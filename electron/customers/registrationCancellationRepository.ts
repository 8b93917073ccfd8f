import type { RegistrationCancellation } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';

/** Appends the cancellation of a registration; the table refuses UPDATE, DELETE (triggers) and a second one per customer. */
export async function appendRegistrationCancellation(db: Executor, entry: Omit<RegistrationCancellation, 'id'>): Promise<RegistrationCancellation> {
  const row = await db
    .insertInto('registrationCancellations')
    .values({ ...entry, evidence: maskCardNumbers(entry.evidence), contentsDeleted: entry.contentsDeleted ? 1 : 0 })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toCancellation(row);
}

export async function getRegistrationCancellation(db: Executor, customerId: number): Promise<RegistrationCancellation | null> {
  const row = await db.selectFrom('registrationCancellations').selectAll().where('customerId', '=', customerId).executeTakeFirst();
  return row ? toCancellation(row) : null;
}

function toCancellation(row: Omit<RegistrationCancellation, 'source' | 'contentsDeleted'> & { source: string; contentsDeleted: number }): RegistrationCancellation {
  return { ...row, source: row.source as RegistrationCancellation['source'], contentsDeleted: row.contentsDeleted === 1 };
}

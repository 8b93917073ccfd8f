import type { DisclosureEntry } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';

/** Appends one disclosure to the log; the table refuses UPDATE and DELETE (triggers). */
export async function appendDisclosure(db: Executor, entry: Omit<DisclosureEntry, 'id'>): Promise<DisclosureEntry> {
  const row = await db
    .insertInto('disclosureLog')
    .values({ ...entry, evidence: maskCardNumbers(entry.evidence) })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDisclosureEntry(row);
}

/** Oldest first. */
export async function listDisclosures(db: Executor, customerId: number): Promise<DisclosureEntry[]> {
  const rows = await db.selectFrom('disclosureLog').selectAll().where('customerId', '=', customerId).orderBy('id').execute();
  return rows.map(toDisclosureEntry);
}

function toDisclosureEntry(row: { id: number; customerId: number; disclosedBy: string; disclosedAt: string; source: string; sourceInquiryId: number | null; evidence: string }): DisclosureEntry {
  return { ...row, source: row.source as DisclosureEntry['source'] };
}

import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';

/**
 * Each account's reply signature, kept in its own table next to the account (the account
 * repository belongs to the sync engine). '' removes the signature.
 */
export async function saveSignature(db: Executor, accountId: number, signature: string): Promise<void> {
  const text = maskCardNumbers(signature.replace(/\r\n?/g, '\n').replace(/\s+$/, ''));
  if (text === '') {
    await db.deleteFrom('accountSignatures').where('mailAccountId', '=', accountId).execute();
    return;
  }
  await db
    .insertInto('accountSignatures')
    .values({ mailAccountId: accountId, signature: text })
    .onConflict((oc) => oc.column('mailAccountId').doUpdateSet({ signature: text }))
    .execute();
}

export async function signatureOf(db: Executor, accountId: number): Promise<string | null> {
  const row = await db.selectFrom('accountSignatures').select('signature').where('mailAccountId', '=', accountId).executeTakeFirst();
  return row?.signature ?? null;
}

export async function allSignatures(db: Executor): Promise<Map<number, string>> {
  const rows = await db.selectFrom('accountSignatures').selectAll().execute();
  return new Map(rows.map((r) => [r.mailAccountId, r.signature]));
}

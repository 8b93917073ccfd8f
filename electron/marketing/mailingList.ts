import { sql } from 'kysely';
import type { ExportLogEntry, ExportLogRow, MailingListRow } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import { maskCardNumbers } from '../../shared/cardMask';
import { toCsv } from '../../shared/csv';
import { formatTokyoDateTime } from '../../shared/tokyoTime';
import type { Workspace } from '../app/workspace';
import type { Executor } from '../db/executor';
import { latestEmailRecord, listPermittedEmailRecipients, MAILABLE } from '../consent/consentRepository';

/** The one list marketing may mail today: purpose 3 ("information on new products and services") by e-mail. */
export const NEW_PRODUCT_EMAIL_LIST = 'new_product_information/email';
const PURPOSE = 'new_product_information';

export async function permittedMailingList(ws: Workspace): Promise<MailingListRow[]> {
  return listPermittedEmailRecipients(ws.db, PURPOSE);
}

/** Builds the CSV and logs the export (who, when, how many, to whom it is handed, and whom it holds) in the same transaction. */
export async function exportMailingList(ws: Workspace, handedTo: string): Promise<{ filename: string; csv: string; count: number }> {
  const at = ws.now();
  const rows = await ws.db.transaction().execute(async (trx) => {
    const recipients = await listPermittedEmailRecipients(trx, PURPOSE);
    const { id } = await trx
      .insertInto('exportLog')
      .values({ listKey: NEW_PRODUCT_EMAIL_LIST, exportedBy: ws.operator, exportedAt: at, rowCount: recipients.length, handedTo: maskCardNumbers(handedTo) })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const recipient of recipients) await trx.insertInto('exportRecipients').values({ exportId: id, customerId: recipient.customerId }).execute();
    return recipients;
  });
  ws.logger.info('marketing.exported', { list: NEW_PRODUCT_EMAIL_LIST, count: rows.length });
  const csv = toCsv(
    ['顧客ID (customer id)', '氏名 (name)', 'メールアドレス (e-mail)', '同意日時 JST (consented at)'],
    rows.map((r) => [r.customerId, r.name, r.email, formatTokyoDateTime(r.consentedAt)]),
  );
  const stamp = formatTokyoDateTime(at).replace(/[-: ]/g, '').slice(0, 12);
  return { filename: `madoguchi-new-products-email-${stamp}.csv`, csv, count: rows.length };
}

export async function listExportLog(ws: Workspace): Promise<ExportLogRow[]> {
  const entries = await ws.db.selectFrom('exportLog').selectAll().orderBy('id', 'desc').limit(200).execute();
  if (entries.length === 0) return [];
  const counts = await sql<{ exportId: number; count: number }>`
    WITH ${standingOf()}
    SELECT r.export_id, count(*) AS count
    FROM ${HELD}
    WHERE r.export_id IN (${sql.join(entries.map((entry) => entry.id))}) AND ${TO_DELETE}
    GROUP BY r.export_id`.execute(ws.db);
  const byExport = new Map(counts.rows.map((row) => [row.exportId, row.count]));
  return entries.map((entry) => ({ ...entry, noLongerMailable: byExport.get(entry.id) ?? 0 }));
}

/**
 * The standing `s` of each customer (of those one export held, when it is given), found once per
 * customer rather than per export that held them: whether they may be mailed now, why not, and
 * when their e-mail address was last amended. For the whole log, all customers: choosing those of
 * its exports reads every recipient row once more, and took as long as the rest together.
 */
const standingOf = (of: { exportId?: number; customerId?: number } = {}) => sql`standing AS MATERIALIZED (
  SELECT c.id, coalesce(${MAILABLE}, 0) AS mailable, c.registration_cancelled_at, e.action, e.recorded_at, c.email_undeliverable,
    (SELECT max(a.recorded_at) FROM customer_amendments a
      WHERE a.customer_id = c.id AND EXISTS (SELECT 1 FROM json_each(a.fields) WHERE value = 'email')) AS address_changed_at
  FROM customers c LEFT JOIN ${latestEmailRecord(PURPOSE)}
  ${of.exportId !== undefined ? sql`WHERE c.id IN (SELECT customer_id FROM export_recipients WHERE export_id = ${of.exportId})` : of.customerId !== undefined ? sql`WHERE c.id = ${of.customerId}` : sql``})`;
/** An export `x`'s recipients `r`, with their standing `s` (standingOf). */
const HELD = sql`export_recipients r JOIN export_log x ON x.id = r.export_id JOIN standing s ON s.id = r.customer_id`;
/** Of those HELD, whom the holder of the list is to delete: no longer to be mailed at the address it holds (or their address changed since). */
const TO_DELETE = sql`(NOT s.mailable OR s.address_changed_at >= x.exported_at)`;

interface NoLongerMailable {
  customerId: number;
  registrationCancelledAt: string | null;
  action: 'grant' | 'withdraw' | null;
  recordedAt: string | null;
  addressChangedAt: string | null;
  emailUndeliverable: number;
}

/**
 * Those an earlier export held who may no longer be mailed at the address it holds, for whoever holds
 * that list to delete (the policy's discontinuation of use reaches the contractor too, and an address
 * corrected since may be someone else's). It names them by the customer id
 * the list carries and says why; it hands out no address.
 */
export async function stopListOfExport(ws: Workspace, exportId: number): Promise<{ filename: string; csv: string; count: number }> {
  const entry = await ws.db.selectFrom('exportLog').selectAll().where('id', '=', exportId).executeTakeFirst();
  if (!entry) throw new AppError('NOT_FOUND', userMessage('exportNotFound', { id: exportId }));
  const { rows } = await sql<NoLongerMailable>`
    WITH ${standingOf({ exportId })}
    SELECT r.customer_id, s.registration_cancelled_at, s.action, s.recorded_at, s.email_undeliverable,
      CASE WHEN s.address_changed_at >= x.exported_at THEN s.address_changed_at END AS address_changed_at
    FROM ${HELD}
    WHERE r.export_id = ${exportId} AND ${TO_DELETE}
    ORDER BY r.customer_id`.execute(ws.db);
  const why = (row: NoLongerMailable): [string, string | null] => {
    if (row.registrationCancelledAt !== null) return ['登録抹消 (registration cancelled)', row.registrationCancelledAt];
    if (row.action === 'withdraw') return ['配信停止 (opted out)', row.recordedAt];
    // The next export holds the new address, if they may still be mailed.
    if (row.addressChangedAt !== null) return ['アドレス変更 (address changed)', row.addressChangedAt];
    if (row.emailUndeliverable) return ['宛先不達 (address bounces)', null];
    return ['メールアドレスなし (no address)', null];
  };
  const csv = toCsv(
    ['顧客ID (customer id)', '理由 (reason)', '日時 JST (since)'],
    rows.map((row) => {
      const [reason, since] = why(row);
      return [row.customerId, reason, since === null ? '' : formatTokyoDateTime(since)];
    }),
  );
  ws.logger.info('marketing.stopListExported', { exportId, count: rows.length });
  const stamp = formatTokyoDateTime(entry.exportedAt).replace(/[-: ]/g, '').slice(0, 12);
  return { filename: `madoguchi-new-products-email-${stamp}-stop.csv`, csv, count: rows.length };
}

/** Whether the customer is on the new-products e-mail list now. */
export async function isOnMailingList(db: Executor, customerId: number): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`
    SELECT 1 AS one FROM customers c JOIN ${latestEmailRecord(PURPOSE)}
    WHERE c.id = ${customerId} AND ${MAILABLE}`.execute(db);
  return rows.length > 0;
}

/**
 * Whether a list handed out still holds the customer for its holder to delete (on the stop list of
 * one of their exports): what the customer page warns of, decided as the stop list decides it.
 */
export async function isOnAStopList(db: Executor, customerId: number): Promise<boolean> {
  const { rows } = await sql<{ one: number }>`
    WITH ${standingOf({ customerId })}
    SELECT 1 AS one FROM ${HELD} WHERE r.customer_id = ${customerId} AND ${TO_DELETE} LIMIT 1`.execute(db);
  return rows.length > 0;
}

/** The exports that held the customer, oldest first: when their address was handed out, and by whom. */
export async function listExportsOfCustomer(db: Executor, customerId: number): Promise<ExportLogEntry[]> {
  return db
    .selectFrom('exportLog')
    .innerJoin('exportRecipients', 'exportRecipients.exportId', 'exportLog.id')
    .selectAll('exportLog')
    .where('exportRecipients.customerId', '=', customerId)
    .orderBy('exportLog.id')
    .execute();
}

import type { ExportLogEntry, MailingListRow } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import { toCsv } from '../../shared/csv';
import { formatTokyoDateTime } from '../../shared/tokyoTime';
import type { Workspace } from '../app/workspace';
import type { Executor } from '../db/executor';
import { listPermittedEmailRecipients } from '../consent/consentRepository';

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

export async function listExportLog(ws: Workspace): Promise<ExportLogEntry[]> {
  return ws.db.selectFrom('exportLog').selectAll().orderBy('id', 'desc').limit(200).execute();
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

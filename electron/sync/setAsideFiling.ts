import type { QuarantineRetry } from '../../shared/mailAccounts';
import type { Workspace } from '../app/workspace';
import { rawTransaction } from '../db/rawTransaction';
import type { FetchedMail } from '../mail/imapFetch';
import { ingestMail, ingestStore, quarantineSummaryOf, refusedDataReason, type IngestContext } from './ingestMail';
import type { ParseResult } from './ingestPipeline';

/**
 * Files a set-aside mail fetched again, as the sync would now, in one transaction: it becomes an
 * inquiry (and leaves the list), or stays set aside with the reason as it is now. For staff's
 * retry and for the sync's own retry of mails the server refused before.
 */
export async function fileSetAsideMail(
  ws: Workspace,
  row: { id: number; accountId: number; folder: string; uid: number },
  uidValidity: string,
  fetched: FetchedMail,
  parsed: ParseResult,
  context: Pick<IngestContext, 'archiveBefore' | 'ownAddresses'>,
  options: { asInquiry?: boolean } = {},
): Promise<QuarantineRetry> {
  const now = ws.now();
  const store = ingestStore(ws.raw);
  const place = { accountId: row.accountId, folder: row.folder, uidValidity, uid: row.uid };
  try {
    return await rawTransaction(ws.db, ws.raw, (): QuarantineRetry => {
      const id = store.cursor.numbered(row.id, place);
      if (!parsed.ok) {
        store.cursor.quarantine(place, parsed.reason, now);
        return { outcome: 'setAside', inquiryId: null, reason: parsed.reason };
      }
      const mail = options.asInquiry ? { ...parsed.mail, automatic: false, failedRecipients: [] } : parsed.mail;
      const outcome = ingestMail(
        store,
        { uid: row.uid, internalDate: fetched.internalDate, mail, answeredOnServer: fetched.answered === true },
        { ...context, accountId: row.accountId, folder: row.folder, uidValidity, now },
      );
      if (outcome.kind === 'automatic' || outcome.kind === 'own') {
        // ingestMail set it aside again, with the reason as it is now.
        return { outcome: 'setAside', inquiryId: null, reason: store.cursor.quarantineReason(id) };
      }
      store.cursor.release(id);
      return { outcome: outcome.kind, inquiryId: outcome.kind === 'duplicate' ? null : outcome.inquiryId, reason: null };
    });
  } catch (error) {
    // The database refuses its data (rolled back, as the sync's batch is): set aside for that, as the sync does, instead of failing every retry.
    const reason = parsed.ok ? refusedDataReason(error) : null;
    if (!parsed.ok || reason === null) throw error;
    await rawTransaction(ws.db, ws.raw, () => {
      store.cursor.numbered(row.id, place);
      store.cursor.quarantine(place, reason, now, quarantineSummaryOf(parsed.mail));
    });
    return { outcome: 'setAside', inquiryId: null, reason };
  }
}

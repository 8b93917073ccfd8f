import type { QuarantineRetry } from '../../shared/mailAccounts';
import type { Workspace } from '../app/workspace';
import { rawTransaction } from '../db/rawTransaction';
import type { FetchedMail } from '../mail/imapFetch';
import { ingestMail, ingestStore, type IngestContext } from './ingestMail';
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
  return rawTransaction(ws.db, ws.raw, (): QuarantineRetry => {
    const id = store.cursor.numbered(row.id, { accountId: row.accountId, folder: row.folder, uidValidity, uid: row.uid });
    if (!parsed.ok) {
      store.cursor.quarantine({ accountId: row.accountId, folder: row.folder, uidValidity, uid: row.uid }, parsed.reason, now);
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
}

import type { QuarantineRetry } from '../../shared/mailAccounts';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import { FORGOTTEN, getQuarantined, isOfOldMailbox } from '../accounts/syncStateRepository';
import { withMailLogin } from '../accounts/mailLogin';
import { fetchOneMail } from '../mail/imapFetch';
import { parseOutcome } from './ingestPipeline';
import { fileSetAsideMail } from './setAsideFiling';
import { accountIngestContext, type MailParse } from './syncAccount';
import { userMessage } from '../../shared/userMessages';

export interface RetryQuarantinedOptions {
  /**
   * Staff judged the mail a customer's inquiry though it looks automatic (a web form or shop
   * system that marks its mail "Precedence: bulk" or "Auto-Submitted"): it is filed as one. A mail
   * from Madoguchi's own address, or one that cannot be read, still cannot be.
   */
  asInquiry?: boolean;
}

/**
 * Fetches a mail the sync set aside and files it anew, as the sync would now: after a fix to the
 * parser, a sending address that changed, or a crash that was not the mail's fault. It becomes
 * an inquiry (and leaves the list), or stays set aside with the reason as it is now. The mail on
 * the server is not changed. `parse` is the sync's, so a mail that crashes the parser does so on
 * a worker thread, not in the app.
 */
export async function retryQuarantinedMail(ws: Workspace, id: number, parse: MailParse, options: RetryQuarantinedOptions = {}): Promise<QuarantineRetry> {
  const row = await getQuarantined(ws.db, id);
  if (!row) throw new AppError('NOT_FOUND', userMessage('setAsideGone'));
  // Its sender asked for their registration, and what they wrote, to be deleted: it is not filed again.
  if (row.reasonKey === FORGOTTEN) throw new AppError('CONFLICT', userMessage(FORGOTTEN));
  if (isOfOldMailbox(row.uidValidity)) throw new AppError('CONFLICT', userMessage('setAsideFromOldMailbox', { folder: row.folder, uid: row.uid }));
  // An OAuth2 token the server refuses is renewed once, as for a sync.
  const { account, uidValidity, mail: fetched } = await withMailLogin(ws, row.accountId, async ({ account, imap }) => ({
    account,
    ...(await fetchOneMail(imap, row.folder, row.uid)),
  }));
  if (row.uidValidity !== null && row.uidValidity !== uidValidity) {
    throw new AppError('CONFLICT', userMessage('setAsideRenumbered', { folder: row.folder, uid: row.uid }));
  }
  if (!fetched) {
    throw new AppError('NOT_FOUND', userMessage('setAsideNoLongerOnServer', { folder: row.folder, uid: row.uid }));
  }
  const parsed = await parseOutcome(parse(fetched.raw, fetched.internalDate));
  const context = await accountIngestContext(ws, account);
  const result = await fileSetAsideMail(ws, { id, accountId: row.accountId, folder: row.folder, uid: row.uid }, uidValidity, fetched, parsed, context, options);
  ws.logger.info('sync.quarantine_retried', { accountId: row.accountId, outcome: result.outcome, asInquiry: options.asInquiry === true });
  if (result.inquiryId !== null) ws.push('inquiries.changed', { inquiryIds: [result.inquiryId] });
  return result;
}

import type { SyncReport } from '../../shared/domain';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import {
  getAccountWithSecrets,
  getSyncState,
  quarantineMail,
  recordSyncHealth,
  saveSyncState,
} from '../accounts/accountRepository';
import { fetchNewMail } from '../mail/imapFetch';
import { parseInboundMail, type InboundMail } from '../mail/parseInboundMail';
import { ingestMail } from './ingestMail';

const FOLDER = 'INBOX';

/**
 * Fetches the account's new mail and files it. Each mail is stored together with the advanced
 * UID cursor in one transaction, so a crash at any point resumes where it stopped: no mail is
 * lost (the cursor never passes an unstored mail) and none is duplicated (a mail stored before
 * the crash is recognised by its Message-ID key).
 */
export async function syncAccount(ws: Workspace, accountId: number, signal?: AbortSignal): Promise<SyncReport> {
  const account = await getAccountWithSecrets(ws.db, ws.secrets, accountId);
  const report: SyncReport = { accountId, fetched: 0, newInquiries: 0, addedToThreads: 0, skippedDuplicates: 0, quarantined: 0 };
  const changed = new Set<number>();
  const state = await getSyncState(ws.db, accountId, FOLDER);
  ws.push('sync.progress', { accountId, phase: 'connecting', done: 0, total: 0 });
  ws.logger.info('sync.start', { accountId });
  try {
    const result = await fetchNewMail(
      { host: account.imapHost, port: account.imapPort, tls: account.imapTls, user: account.imapUser, password: account.imapPassword },
      {
        folder: FOLDER,
        knownUidValidity: state?.uidValidity ?? null,
        lastUid: state?.lastUid ?? 0,
        signal,
        logger: ws.logger,
        onProgress: (done, total) => ws.push('sync.progress', { accountId, phase: 'fetching', done, total }),
        onMail: async (mail, uidValidity) => {
          let parsed: InboundMail | null = null;
          let reason = '';
          try {
            parsed = await parseInboundMail(mail.raw, mail.internalDate);
          } catch (error) {
            reason = `Unreadable mail: ${error instanceof Error ? error.message : String(error)}`;
          }
          const now = ws.now();
          await ws.db.transaction().execute(async (trx) => {
            if (parsed) {
              const outcome = await ingestMail(trx, parsed, { accountId, folder: FOLDER, uid: mail.uid }, now);
              if (outcome.kind === 'new') report.newInquiries++;
              if (outcome.kind === 'threaded') report.addedToThreads++;
              if (outcome.kind === 'duplicate') report.skippedDuplicates++;
              if (outcome.kind === 'automatic') {
                await quarantineMail(trx, accountId, FOLDER, mail.uid, 'Automatic mail (auto-reply or bounce): no inquiry opened', now);
              }
              if (outcome.kind === 'new' || outcome.kind === 'threaded') changed.add(outcome.inquiryId);
            } else {
              await quarantineMail(trx, accountId, FOLDER, mail.uid, reason, now);
              report.quarantined++;
            }
            await saveSyncState(trx, accountId, FOLDER, uidValidity, mail.uid);
          });
          report.fetched++;
        },
      },
    );
    if (!state || state.uidValidity !== result.uidValidity) {
      const after = await getSyncState(ws.db, accountId, FOLDER);
      if (!after || after.uidValidity !== result.uidValidity) await saveSyncState(ws.db, accountId, FOLDER, result.uidValidity, 0);
    }
    await recordSyncHealth(ws.db, accountId, ws.now(), null);
    ws.push('sync.progress', { accountId, phase: 'done', done: report.fetched, total: report.fetched });
    ws.logger.info('sync.done', { accountId, fetched: report.fetched, newInquiries: report.newInquiries });
    return report;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordSyncHealth(ws.db, accountId, ws.now(), message);
    ws.push('sync.progress', { accountId, phase: 'failed', done: report.fetched, total: 0 });
    ws.logger.warn('sync.failed', { accountId, code: error instanceof AppError ? error.code : 'INTERNAL' });
    throw error;
  } finally {
    if (changed.size) ws.push('inquiries.changed', { inquiryIds: [...changed] });
  }
}

import type { QuarantineRetry } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { startOfTokyoDay } from '../../shared/tokyoTime';
import type { Workspace } from '../app/workspace';
import { listOwnAddresses } from '../accounts/accountRepository';
import { openMailLogin } from '../accounts/mailLogin';
import { rawTransaction } from '../db/rawTransaction';
import { fetchOneMail } from '../mail/imapFetch';
import { ingestMail, ingestStore } from './ingestMail';
import type { MailParse } from './syncAccount';

/**
 * Fetches a mail the sync set aside and files it anew, as the sync would now: after a fix to the
 * parser, a sending address that changed, or a crash that was not the mail's fault. It becomes
 * an inquiry (and leaves the list), or stays set aside with the reason as it is now. The mail on
 * the server is not changed. `parse` is the sync's, so a mail that crashes the parser does so on
 * a worker thread, not in the app.
 */
export async function retryQuarantinedMail(ws: Workspace, id: number, parse: MailParse): Promise<QuarantineRetry> {
  const row = await ws.db.selectFrom('quarantine').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', 'This mail is no longer in the list of mails set aside: reopen Settings.');
  const { account, imap } = await openMailLogin(ws, row.mailAccountId);
  const { uidValidity, mail: fetched } = await fetchOneMail(imap, row.folder, row.imapUid);
  if (row.uidValidity !== null && row.uidValidity !== uidValidity) {
    throw new AppError(
      'CONFLICT',
      `The server renumbered the folder ${row.folder} since this mail was set aside: UID ${row.imapUid} may now be another mail, so it is not fetched. The sync has read the folder again; look for the mail in your mail client.`,
    );
  }
  if (!fetched) {
    throw new AppError(
      'NOT_FOUND',
      `The mail (UID ${row.imapUid} in ${row.folder}) is no longer on the server: it was moved or deleted there. Look for it in your mail client.`,
    );
  }
  const now = ws.now();
  const parsed = await parse(fetched.raw, fetched.internalDate).then(
    (mail) => ({ ok: true as const, mail }),
    (error: unknown) => ({ ok: false as const, reason: `Unreadable mail: ${error instanceof Error ? error.message : String(error)}` }),
  );
  const store = ingestStore(ws.raw);
  const ownAddresses = new Set(await listOwnAddresses(ws.db));
  const result = await rawTransaction(ws.db, ws.raw, (): QuarantineRetry => {
    if (!parsed.ok) {
      store.cursor.quarantine({ accountId: row.mailAccountId, folder: row.folder, uidValidity, uid: row.imapUid }, parsed.reason, now);
      return { outcome: 'setAside', inquiryId: null, reason: parsed.reason };
    }
    const outcome = ingestMail(
      store,
      { uid: row.imapUid, internalDate: fetched.internalDate, mail: parsed.mail },
      { accountId: row.mailAccountId, folder: row.folder, uidValidity, archiveBefore: account.importSince ? startOfTokyoDay(account.importSince) : null, ownAddresses, now },
    );
    if (outcome.kind === 'automatic' || outcome.kind === 'own') {
      // ingestMail set it aside again, with the reason as it is now.
      const reason = ws.raw.prepare('SELECT reason FROM quarantine WHERE id = ?').pluck().get(id) as string | undefined;
      return { outcome: 'setAside', inquiryId: null, reason: reason ?? null };
    }
    ws.raw.prepare('DELETE FROM quarantine WHERE id = ?').run(id);
    return { outcome: outcome.kind, inquiryId: outcome.kind === 'duplicate' ? null : outcome.inquiryId, reason: null };
  });
  ws.logger.info('sync.quarantine_retried', { accountId: row.mailAccountId, outcome: result.outcome });
  if (result.inquiryId !== null) ws.push('inquiries.changed', { inquiryIds: [result.inquiryId] });
  return result;
}

import type { Selectable } from 'kysely';
import type { MailAccount, MailAccountInput } from '../../shared/domain';
import { AppError } from '../../shared/result';
import type { Executor } from '../db/executor';
import type { MailAccountsTable } from '../db/schema';
import type { SecretBox } from '../security/secretBox';

function toMailAccount(row: Selectable<MailAccountsTable>): MailAccount {
  return {
    id: row.id,
    label: row.label,
    imapHost: row.imapHost,
    imapPort: row.imapPort,
    imapTls: row.imapTls === 1,
    imapUser: row.imapUser,
    smtpHost: row.smtpHost,
    smtpPort: row.smtpPort,
    smtpTls: row.smtpTls === 1,
    smtpUser: row.smtpUser,
    fromAddress: row.fromAddress,
    fromName: row.fromName,
    hasImapPassword: row.imapPassword !== null,
    hasSmtpPassword: row.smtpPassword !== null,
    lastSyncAt: row.lastSyncAt,
    lastError: row.lastError,
  };
}

/** An account with its passwords opened, for the mail transports only: never returned over IPC. */
export interface MailAccountWithSecrets extends MailAccount {
  imapPassword: string;
  smtpPassword: string | null;
}

export async function listAccounts(db: Executor): Promise<MailAccount[]> {
  return (await db.selectFrom('mailAccounts').selectAll().orderBy('id').execute()).map(toMailAccount);
}

export async function getAccountWithSecrets(db: Executor, secrets: SecretBox, id: number): Promise<MailAccountWithSecrets> {
  const row = await db.selectFrom('mailAccounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `Mail account ${id} does not exist. It may have been removed: reopen Settings.`);
  if (row.imapPassword === null) throw new AppError('BAD_REQUEST', `Mail account "${row.label}" has no IMAP password: enter it in Settings.`);
  return {
    ...toMailAccount(row),
    imapPassword: secrets.open(row.imapPassword),
    smtpPassword: row.smtpPassword === null ? null : secrets.open(row.smtpPassword),
  };
}

export async function saveAccount(db: Executor, secrets: SecretBox, input: MailAccountInput): Promise<MailAccount> {
  const { id, imapPassword, smtpPassword, imapTls, smtpTls, ...rest } = input;
  const values = {
    ...rest,
    imapTls: imapTls ? 1 : 0,
    smtpTls: smtpTls ? 1 : 0,
    // A blank password on edit keeps the stored one.
    ...(imapPassword ? { imapPassword: secrets.seal(imapPassword) } : {}),
    ...(smtpPassword ? { smtpPassword: secrets.seal(smtpPassword) } : {}),
  };
  if (id === undefined) {
    if (!imapPassword) throw new AppError('BAD_REQUEST', 'Enter the IMAP password for the new account.');
    const row = await db
      .insertInto('mailAccounts')
      .values({ imapPassword: null, smtpPassword: null, lastSyncAt: null, lastError: null, ...values })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMailAccount(row);
  }
  const row = await db.updateTable('mailAccounts').set(values).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `Mail account ${id} does not exist.`);
  return toMailAccount(row);
}

export async function removeAccount(db: Executor, id: number): Promise<void> {
  const used = await db.selectFrom('inquiries').select('id').where('mailAccountId', '=', id).executeTakeFirst();
  if (used) {
    throw new AppError('CONFLICT', 'This account has inquiries; it cannot be removed without losing their link. Stop syncing it instead.');
  }
  await db.deleteFrom('syncState').where('mailAccountId', '=', id).execute();
  await db.deleteFrom('quarantine').where('mailAccountId', '=', id).execute();
  await db.deleteFrom('mailAccounts').where('id', '=', id).execute();
}

export async function recordSyncHealth(db: Executor, id: number, at: string, error: string | null): Promise<void> {
  await db
    .updateTable('mailAccounts')
    .set(error === null ? { lastSyncAt: at, lastError: null } : { lastError: error })
    .where('id', '=', id)
    .execute();
}

export async function getSyncState(db: Executor, accountId: number, folder: string) {
  return (
    (await db
      .selectFrom('syncState')
      .selectAll()
      .where('mailAccountId', '=', accountId)
      .where('folder', '=', folder)
      .executeTakeFirst()) ?? null
  );
}

export async function saveSyncState(db: Executor, accountId: number, folder: string, uidValidity: string, lastUid: number) {
  await db
    .insertInto('syncState')
    .values({ mailAccountId: accountId, folder, uidValidity, lastUid })
    .onConflict((oc) => oc.columns(['mailAccountId', 'folder']).doUpdateSet({ uidValidity, lastUid }))
    .execute();
}

export async function quarantineMail(db: Executor, accountId: number, folder: string, uid: number, reason: string, at: string) {
  await db
    .insertInto('quarantine')
    .values({ mailAccountId: accountId, folder, imapUid: uid, reason, at })
    .onConflict((oc) => oc.columns(['mailAccountId', 'folder', 'imapUid']).doNothing())
    .execute();
}

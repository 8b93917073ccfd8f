import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Selectable } from 'kysely';
import type { MailAccount, MailAccountInput, QuarantinedMail } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { maskCardNumbers } from '../../shared/cardMask';
import type { Executor } from '../db/executor';
import { cachedPerHandle } from '../db/rawTransaction';
import type { MailAccountsTable, SyncStateTable } from '../db/schema';
import { isLoopbackHost } from '../mail/loopbackHost';
import type { SecretBox } from '../security/secretBox';

export const DEFAULT_FOLDERS = ['INBOX'];

/** The stored JSON folder list; anything unreadable falls back to INBOX rather than syncing nothing. */
function foldersOf(value: string): string[] {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.length && parsed.every((f) => typeof f === 'string' && f.length > 0)) return parsed as string[];
  } catch {
    // fall through
  }
  return [...DEFAULT_FOLDERS];
}

/** Folder names compared as IMAP does: INBOX in any case is INBOX; other names are case-sensitive. */
function normalizeFolders(folders: readonly string[]): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const raw of folders) {
    const folder = raw.trim().toUpperCase() === 'INBOX' ? 'INBOX' : raw.trim();
    if (!seen.has(folder)) {
      seen.add(folder);
      result.push(folder);
    }
  }
  return result;
}

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
    folders: foldersOf(row.folders),
    importSince: row.importSince,
    hasImapPassword: row.imapPassword !== null,
    hasSmtpPassword: row.smtpPassword !== null,
    authMethod: row.authMethod,
    hasOAuthAccessToken: row.oauthAccessToken !== null,
    hasOAuthRefresh: isRefreshable(row),
    oauthExpiresAt: row.oauthExpiresAt,
    oauthTokenUrl: row.oauthTokenUrl ?? '',
    oauthClientId: row.oauthClientId ?? '',
    oauthAuthorizeUrl: row.oauthAuthorizeUrl ?? '',
    oauthScope: row.oauthScope ?? '',
    lastSyncAt: row.lastSyncAt,
    lastError: row.lastError,
    nextRetryAt: row.nextRetryAt,
    failureCount: row.failureCount,
  };
}

function isRefreshable(row: Selectable<MailAccountsTable>): boolean {
  return row.oauthRefreshToken !== null && !!row.oauthTokenUrl && !!row.oauthClientId;
}

/** Whether staff can sign in with the provider from Madoguchi (see oauthSignIn.ts). */
function canSignIn(row: Pick<MailAccountInput, 'oauthAuthorizeUrl' | 'oauthTokenUrl' | 'oauthClientId'>): boolean {
  return !!row.oauthAuthorizeUrl && !!row.oauthTokenUrl && !!row.oauthClientId;
}

/** What renews an OAuth2 access token (RFC 6749 refresh grant). */
export interface OAuthRefreshSettings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string | null;
  refreshToken: string;
}

/** An account with its secrets opened, for the mail transports only: never returned over IPC. */
export interface MailAccountWithSecrets extends MailAccount {
  folders: string[];
  importSince: string | null;
  /** The IMAP password; '' for an OAuth2 account. */
  imapPassword: string;
  smtpPassword: string | null;
  /** OAuth2 accounts: the access token (null until one is entered or renewed) and how to renew it. */
  oauthAccessToken: string | null;
  oauthRefresh: OAuthRefreshSettings | null;
}

export async function listAccounts(db: Executor): Promise<MailAccount[]> {
  return (await db.selectFrom('mailAccounts').selectAll().orderBy('id').execute()).map(toMailAccount);
}

export async function getAccountWithSecrets(db: Executor, secrets: SecretBox, id: number): Promise<MailAccountWithSecrets> {
  const row = await db.selectFrom('mailAccounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `Mail account ${id} does not exist. It may have been removed: reopen Settings.`);
  const oauth = row.authMethod === 'oauth2';
  if (!oauth && row.imapPassword === null) throw new AppError('BAD_REQUEST', `Mail account "${row.label}" has no IMAP password: enter it in Settings.`);
  const open = (sealed: string | null) => (sealed === null ? null : secrets.open(sealed));
  return {
    ...toMailAccount(row),
    folders: foldersOf(row.folders),
    importSince: row.importSince,
    imapPassword: oauth ? '' : (open(row.imapPassword) ?? ''),
    smtpPassword: open(row.smtpPassword),
    oauthAccessToken: oauth ? open(row.oauthAccessToken) : null,
    oauthRefresh:
      oauth && isRefreshable(row)
        ? {
            tokenUrl: row.oauthTokenUrl as string,
            clientId: row.oauthClientId as string,
            clientSecret: open(row.oauthClientSecret),
            refreshToken: open(row.oauthRefreshToken) as string,
          }
        : null,
  };
}

/** A renewed access token, sealed before it is stored, with when it expires and the rotated refresh token if one came. */
export async function saveRenewedToken(
  db: Executor,
  secrets: SecretBox,
  id: number,
  renewed: { accessToken: string; expiresAt: string | null; refreshToken: string | null },
): Promise<void> {
  await db
    .updateTable('mailAccounts')
    .set({
      oauthAccessToken: secrets.seal(renewed.accessToken),
      oauthExpiresAt: renewed.expiresAt,
      ...(renewed.refreshToken ? { oauthRefreshToken: secrets.seal(renewed.refreshToken) } : {}),
    })
    .where('id', '=', id)
    .execute();
}

export async function saveAccount(db: Executor, secrets: SecretBox, input: MailAccountInput): Promise<MailAccount> {
  const {
    id,
    imapPassword,
    smtpPassword,
    imapTls,
    smtpTls,
    folders,
    importSince,
    oauthAccessToken,
    oauthRefreshToken,
    oauthClientSecret,
    oauthTokenUrl,
    oauthClientId,
    oauthAuthorizeUrl,
    oauthScope,
    ...rest
  } = input;
  requireUsableOAuth(input);
  // '' removes an optional OAuth2 secret; omitted keeps it.
  const optionalSecret = (value: string) => (value === '' ? null : secrets.seal(value));
  const values = {
    ...rest,
    imapTls: imapTls ? 1 : 0,
    smtpTls: smtpTls ? 1 : 0,
    // A blank password on edit keeps the stored one; so do omitted folders and import date.
    ...(imapPassword ? { imapPassword: secrets.seal(imapPassword) } : {}),
    ...(smtpPassword ? { smtpPassword: secrets.seal(smtpPassword) } : {}),
    // A token typed by staff replaces a renewed one; when it expires is then unknown.
    ...(oauthAccessToken ? { oauthAccessToken: secrets.seal(oauthAccessToken), oauthExpiresAt: null } : {}),
    ...(oauthRefreshToken !== undefined ? { oauthRefreshToken: optionalSecret(oauthRefreshToken) } : {}),
    ...(oauthClientSecret !== undefined ? { oauthClientSecret: optionalSecret(oauthClientSecret) } : {}),
    ...(oauthTokenUrl !== undefined ? { oauthTokenUrl: oauthTokenUrl || null } : {}),
    ...(oauthClientId !== undefined ? { oauthClientId: oauthClientId || null } : {}),
    ...(oauthAuthorizeUrl !== undefined ? { oauthAuthorizeUrl: oauthAuthorizeUrl || null } : {}),
    ...(oauthScope !== undefined ? { oauthScope: oauthScope || null } : {}),
    ...(folders ? { folders: JSON.stringify(normalizeFolders(folders)) } : {}),
    ...(importSince !== undefined ? { importSince } : {}),
  };
  if (id === undefined) {
    const oauth = input.authMethod === 'oauth2';
    if (!oauth && !imapPassword) throw new AppError('BAD_REQUEST', 'Enter the IMAP password for the new account.');
    // Without tokens, staff sign in with the provider once the account is saved.
    if (oauth && !oauthAccessToken && !oauthRefreshToken && !canSignIn(input)) {
      throw new AppError(
        'BAD_REQUEST',
        'Enter the OAuth2 authorization URL, token URL and client ID to sign in with the provider (or an access token, or a refresh token with the token URL and client ID).',
      );
    }
    const row = await db
      .insertInto('mailAccounts')
      .values({
        imapPassword: null,
        smtpPassword: null,
        lastSyncAt: null,
        lastError: null,
        importSince: null,
        nextRetryAt: null,
        oauthAccessToken: null,
        oauthExpiresAt: null,
        oauthRefreshToken: null,
        oauthTokenUrl: null,
        oauthClientId: null,
        oauthClientSecret: null,
        oauthAuthorizeUrl: null,
        oauthScope: null,
        ...values,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMailAccount(row);
  }
  const row = await db.updateTable('mailAccounts').set(values).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `Mail account ${id} does not exist.`);
  return toMailAccount(row);
}

/**
 * A refresh token is of use only with the endpoint and client ID it was issued for, and is sent
 * there with the client secret: never in cleartext across a network. Nor is a sign-in.
 */
function requireUsableOAuth(input: MailAccountInput): void {
  if (input.oauthRefreshToken && (!input.oauthTokenUrl || !input.oauthClientId)) {
    throw new AppError('BAD_REQUEST', 'A refresh token needs the token URL and the client ID it was issued for: enter both, or leave the refresh token empty.');
  }
  for (const [name, value] of [['token URL', input.oauthTokenUrl], ['authorization URL', input.oauthAuthorizeUrl]] as const) {
    if (!value) continue;
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
      throw new AppError('BAD_REQUEST', `The ${name} must start with https:// (${url.host} is not this computer): tokens must not cross the network readable.`);
    }
  }
}

/** Where and as whom to sign in with the provider; null when the account lacks any of it. */
export interface OAuthSignInSettings {
  authorizeUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string | null;
  scope: string;
}

export async function getSignInSettings(db: Executor, secrets: SecretBox, id: number): Promise<{ account: MailAccount; signIn: OAuthSignInSettings | null }> {
  const row = await db.selectFrom('mailAccounts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `Mail account ${id} does not exist. It may have been removed: reopen Settings.`);
  const account = toMailAccount(row);
  if (row.authMethod !== 'oauth2' || !canSignIn(account)) return { account, signIn: null };
  return {
    account,
    signIn: {
      authorizeUrl: row.oauthAuthorizeUrl as string,
      tokenUrl: row.oauthTokenUrl as string,
      clientId: row.oauthClientId as string,
      clientSecret: row.oauthClientSecret === null ? null : secrets.open(row.oauthClientSecret),
      scope: row.oauthScope ?? '',
    },
  };
}

/**
 * The outcome of a sync: success clears the error and the failure count; a failure keeps the
 * last successful time, records what went wrong and counts it (the scheduler backs off by it).
 * A partial success (some folders failed) is a sync that happened, with the error kept to show.
 */
export async function recordSyncHealth(db: Executor, id: number, at: string, error: string | null, options: { partial?: boolean } = {}): Promise<number> {
  const synced = error === null || options.partial === true;
  const row = await db
    .updateTable('mailAccounts')
    .set((eb) =>
      synced ? { lastSyncAt: at, lastError: error, failureCount: 0 } : { lastError: error, failureCount: eb('failureCount', '+', 1) },
    )
    .where('id', '=', id)
    .returning('failureCount')
    .executeTakeFirst();
  return row?.failureCount ?? 0;
}

/** A better explanation of the failure just recorded, without counting it twice. */
export async function replaceLastSyncError(db: Executor, id: number, error: string): Promise<void> {
  await db.updateTable('mailAccounts').set({ lastError: error }).where('id', '=', id).execute();
}

export async function setNextRetry(db: Executor, id: number, at: string | null): Promise<void> {
  await db.updateTable('mailAccounts').set({ nextRetryAt: at }).where('id', '=', id).execute();
}

export async function getSyncState(db: Executor, accountId: number, folder: string): Promise<Selectable<SyncStateTable> | null> {
  return (
    (await db
      .selectFrom('syncState')
      .selectAll()
      .where('mailAccountId', '=', accountId)
      .where('folder', '=', folder)
      .executeTakeFirst()) ?? null
  );
}

export async function listSyncStates(db: Executor, accountId: number): Promise<Selectable<SyncStateTable>[]> {
  return db.selectFrom('syncState').selectAll().where('mailAccountId', '=', accountId).execute();
}

export async function saveSyncState(db: Executor, accountId: number, folder: string, uidValidity: string, lastUid: number) {
  await db
    .insertInto('syncState')
    .values({ mailAccountId: accountId, folder, uidValidity, lastUid })
    .onConflict((oc) => oc.columns(['mailAccountId', 'folder']).doUpdateSet({ uidValidity, lastUid }))
    .execute();
}

/** One set-aside mail, with where it is on the server; null when it is not in the list. */
export async function getQuarantined(db: Executor, id: number): Promise<(QuarantinePlace & { id: number }) | null> {
  const row = await db
    .selectFrom('quarantine')
    .select(['id', 'mailAccountId as accountId', 'folder', 'uidValidity', 'imapUid as uid'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ?? null;
}

export async function listQuarantine(db: Executor, accountId?: number, limit = 500): Promise<QuarantinedMail[]> {
  let query = db
    .selectFrom('quarantine')
    .select(['id', 'mailAccountId as accountId', 'folder', 'imapUid as uid', 'reason', 'at', 'fromText as from', 'subject', 'sentAt'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit);
  if (accountId !== undefined) query = query.where('mailAccountId', '=', accountId);
  return query.execute();
}

/**
 * The sync cursor and quarantine as prepared statements, for the ingest path: they run inside
 * the synchronous transaction that also stores the mails, so the cursor never passes a mail
 * that is not stored.
 */
export interface SyncCursorStatements {
  save(accountId: number, folder: string, uidValidity: string, lastUid: number): void;
  /** Sets the mail aside with why, and what staff recognise it by (`summary`, of a mail that could be read). */
  quarantine(mail: QuarantinePlace, reason: string, at: string, summary?: QuarantineSummary | null): void;
  /** Why the mail is set aside now; null when it is not (any more). */
  quarantineReason(id: number): string | null;
  /** The mail is filed after all: it leaves the list. */
  release(id: number): void;
}

/** What staff recognise a set-aside mail by. */
export interface QuarantineSummary {
  from: string | null;
  subject: string;
  /** ISO */
  date: string;
}

/** Where a set-aside mail is on the server: its UID in that numbering (UIDVALIDITY) of the folder. */
export interface QuarantinePlace {
  accountId: number;
  folder: string;
  uidValidity: string | null;
  uid: number;
}

export const syncCursorStatements = cachedPerHandle((raw: BetterSqlite3.Database): SyncCursorStatements => {
  // A new numbering forgets the old one's HIGHESTMODSEQ: until a sync of it completes, nothing is taken to be unchanged.
  const save = raw.prepare(
    `INSERT INTO sync_state (mail_account_id, folder, uid_validity, last_uid) VALUES (?, ?, ?, ?)
     ON CONFLICT (mail_account_id, folder) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
       highest_modseq = CASE WHEN uid_validity = excluded.uid_validity THEN highest_modseq END`,
  );
  const quarantine = raw.prepare(
    `INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, at, uid_validity, from_text, subject, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (mail_account_id, folder, imap_uid) DO UPDATE SET reason = excluded.reason, at = excluded.at, uid_validity = excluded.uid_validity,
       from_text = coalesce(excluded.from_text, from_text), subject = coalesce(excluded.subject, subject), sent_at = coalesce(excluded.sent_at, sent_at)`,
  );
  // Mails set aside under an earlier numbering of the folder: their UIDs name other mails now, and
  // the sync that moves the cursor into the new numbering finds them again (listed anew, once).
  // A row without a numbering (set aside before migration 0009) is of the folder's numbering as last saved.
  const forgetOldNumbering = raw.prepare(
    `DELETE FROM quarantine WHERE mail_account_id = ? AND folder = ?
       AND coalesce(uid_validity, (SELECT s.uid_validity FROM sync_state s WHERE s.mail_account_id = quarantine.mail_account_id AND s.folder = quarantine.folder)) IS NOT ?`,
  );
  const reasonOf = raw.prepare('SELECT reason FROM quarantine WHERE id = ?').pluck();
  const release = raw.prepare('DELETE FROM quarantine WHERE id = ?');
  return {
    save: (accountId, folder, uidValidity, lastUid) => {
      forgetOldNumbering.run(accountId, folder, uidValidity);
      save.run(accountId, folder, uidValidity, lastUid);
    },
    quarantine: (mail, reason, at, summary) =>
      void quarantine.run(
        mail.accountId,
        mail.folder,
        mail.uid,
        reason,
        at,
        mail.uidValidity,
        summary?.from != null ? maskCardNumbers(summary.from) : null,
        summary ? maskCardNumbers(summary.subject) : null,
        summary?.date ?? null,
      ),
    quarantineReason: (id) => (reasonOf.get(id) as string | undefined) ?? null,
    release: (id) => void release.run(id),
  };
});

/** The addresses Madoguchi sends from: mail from them is our own, never a customer's inquiry. */
export async function listOwnAddresses(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('mailAccounts').select('fromAddress').execute();
  return [...new Set(rows.map((r) => r.fromAddress.trim().toLowerCase()))];
}

import type { Selectable } from 'kysely';
import type { MailAccount, MailAccountInput } from '../../shared/mailAccounts';
import { AppError } from '../../shared/result';
import type { Executor } from '../db/executor';
import type { MailAccountsTable } from '../db/schema';
import { isLoopbackHost } from '../mail/loopbackHost';
import type { SecretBox } from '../security/secretBox';
import { userMessage } from '../../shared/userMessages';

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
  if (!row) throw new AppError('NOT_FOUND', userMessage('accountRemoved', { id }));
  const oauth = row.authMethod === 'oauth2';
  if (!oauth && row.imapPassword === null) throw new AppError('BAD_REQUEST', userMessage('accountWithoutPassword', { label: row.label }));
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
  // Refused here, when staff can fix it, rather than on every sync and reply.
  if (!imapTls && !isLoopbackHost(rest.imapHost)) throw new AppError('BAD_REQUEST', userMessage('imapNeedsTlsSetting', { host: rest.imapHost }));
  if (!smtpTls && !isLoopbackHost(rest.smtpHost)) throw new AppError('BAD_REQUEST', userMessage('smtpNeedsTls', { host: rest.smtpHost }));
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
    if (!oauth && !imapPassword) throw new AppError('BAD_REQUEST', userMessage('newAccountPassword'));
    // Without tokens, staff sign in with the provider once the account is saved.
    if (oauth && !oauthAccessToken && !oauthRefreshToken && !canSignIn(input)) {
      throw new AppError('BAD_REQUEST', userMessage('newAccountOAuthSettings'));
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
  if (!imapPassword) {
    // Switched to a password (from OAuth2) without typing one: the sync could never log in.
    const stored = await db.selectFrom('mailAccounts').select(['imapPassword', 'authMethod']).where('id', '=', id).executeTakeFirst();
    const signsInWithPassword = (input.authMethod ?? stored?.authMethod) !== 'oauth2';
    if (stored && signsInWithPassword && stored.imapPassword === null) throw new AppError('BAD_REQUEST', userMessage('accountPasswordNeeded'));
  }
  const row = await db.updateTable('mailAccounts').set(values).where('id', '=', id).returningAll().executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', userMessage('accountNotFound', { id }));
  return toMailAccount(row);
}

/**
 * A refresh token is of use only with the endpoint and client ID it was issued for, and is sent
 * there with the client secret: never in cleartext across a network. Nor is a sign-in.
 */
function requireUsableOAuth(input: MailAccountInput): void {
  if (input.oauthRefreshToken && (!input.oauthTokenUrl || !input.oauthClientId)) {
    throw new AppError('BAD_REQUEST', userMessage('refreshTokenWithoutEndpoint'));
  }
  for (const [notHttps, value] of [['tokenUrlNotHttps', input.oauthTokenUrl], ['authorizationUrlNotHttps', input.oauthAuthorizeUrl]] as const) {
    if (!value) continue;
    const url = new URL(value);
    if (url.protocol !== 'https:' && !isLoopbackHost(url.hostname)) {
      throw new AppError('BAD_REQUEST', userMessage(notHttps, { host: url.host }));
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
  if (!row) throw new AppError('NOT_FOUND', userMessage('accountRemoved', { id }));
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

/** The addresses Madoguchi sends from: mail from them is our own, never a customer's inquiry. */
export async function listOwnAddresses(db: Executor): Promise<string[]> {
  const rows = await db.selectFrom('mailAccounts').select('fromAddress').execute();
  return [...new Set(rows.map((r) => r.fromAddress.trim().toLowerCase()))];
}

import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import type { ImapConfig } from '../mail/imapClient';
import type { SmtpConfig } from '../mail/smtpSend';
import { getAccountWithSecrets, saveRenewedToken, type MailAccountWithSecrets } from './accountRepository';
import { refreshAccessToken } from './oauthRefresh';
import { userMessage } from '../../shared/userMessages';

/** An account opened for the mail transports: how its IMAP and SMTP connections log in. */
export interface MailLogin {
  account: MailAccountWithSecrets;
  imap: ImapConfig;
  smtp: SmtpConfig;
}

/** A token this close to its end is renewed before use, so a long sync does not lose it halfway. */
const RENEW_BEFORE_MS = 60_000;

/**
 * Opens the account for IMAP and SMTP. An OAuth2 account whose access token has expired (or is
 * about to) is renewed first when it can be; one that has no token and cannot renew one fails
 * with a message that says to enter a token.
 */
export async function openMailLogin(ws: Workspace, accountId: number): Promise<MailLogin> {
  let account = await getAccountWithSecrets(ws.db, ws.secrets, accountId);
  if (account.authMethod === 'oauth2') {
    const expiresAt = account.oauthExpiresAt ? Date.parse(account.oauthExpiresAt) : null;
    const ending = expiresAt !== null && expiresAt - RENEW_BEFORE_MS <= Date.parse(ws.now());
    if (account.oauthRefresh && (account.oauthAccessToken === null || ending)) {
      await renewAccessToken(ws, account);
      account = await getAccountWithSecrets(ws.db, ws.secrets, accountId);
    }
    if (account.oauthAccessToken === null) {
      throw new AppError('OAUTH_TOKEN_EXPIRED', userMessage('oauthNotSignedIn', { label: account.label }));
    }
  }
  return { account, imap: imapConfigOf(account), smtp: smtpConfigOf(account) };
}

/** Runs `use` with the account's logins, renewing a refused OAuth2 token once (see retryWithRenewedToken). */
export function withMailLogin<T>(ws: Workspace, accountId: number, use: (login: MailLogin) => Promise<T>): Promise<T> {
  return retryWithRenewedToken(ws, accountId, async () => use(await openMailLogin(ws, accountId)));
}

/**
 * Runs `work`; when a server refuses the account's OAuth2 access token (it expired early, or its
 * lifetime was never known) and the account can renew it, renews it once and runs `work` again.
 * Otherwise the refusal stands, with its "enter a new token" message. `work` must open the
 * account's login itself, so that the second run uses the new token.
 */
export async function retryWithRenewedToken<T>(
  ws: Workspace,
  accountId: number,
  work: () => Promise<T>,
  options: { onRenewFailed?: (error: AppError) => Promise<void> } = {},
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'OAUTH_TOKEN_EXPIRED')) throw error;
    const account = await getAccountWithSecrets(ws.db, ws.secrets, accountId);
    if (!account.oauthRefresh) throw error;
    try {
      await renewAccessToken(ws, account);
    } catch (renewError) {
      if (renewError instanceof AppError) await options.onRenewFailed?.(renewError);
      throw renewError;
    }
    return work();
  }
}

/**
 * Renewals under way, per database and account: keyed by the database, not the Workspace object,
 * since a reply is sent with a copy of it that names who queued it (see outbox.ts), and a
 * renewal keyed by that copy was not shared with the sync's (a rotated refresh token was then
 * spent twice, and the sync failed with "sign in again").
 */
const renewing = new WeakMap<object, Map<number, Promise<void>>>();

/**
 * Renews the account's access token with its refresh token and stores the new one. A sync and a
 * reply that both find the token expired share one renewal: a provider that rotates refresh
 * tokens would refuse the second use of the old one, and staff would be asked to sign in again
 * for nothing. So does one that read the account before another renewal ended: `account` is the
 * account as the caller read it, and nothing is renewed if its token has changed since.
 */
export function renewAccessToken(ws: Workspace, account: MailAccountWithSecrets): Promise<void> {
  const underWay = renewing.get(ws.raw) ?? new Map<number, Promise<void>>();
  renewing.set(ws.raw, underWay);
  const current = underWay.get(account.id);
  if (current) return current;
  const renewal = (async () => {
    // Renewed meanwhile, by a sync or a reply that found the token expired a moment before and
    // whose renewal has ended: its refresh token may be spent (rotated), and the new one is stored.
    const now = await getAccountWithSecrets(ws.db, ws.secrets, account.id);
    if (now.oauthAccessToken !== account.oauthAccessToken) return;
    await renewOnce(ws, now);
  })().finally(() => underWay.delete(account.id));
  underWay.set(account.id, renewal);
  return renewal;
}

async function renewOnce(ws: Workspace, account: MailAccountWithSecrets): Promise<void> {
  if (!account.oauthRefresh) throw new AppError('OAUTH_TOKEN_EXPIRED', userMessage('oauthCannotRenew', { label: account.label }));
  const renewed = await refreshAccessToken(account.oauthRefresh, account.imapUser, new Date(ws.now()));
  await saveRenewedToken(ws.db, ws.secrets, account.id, renewed);
  ws.logger.info('oauth.token_renewed', { accountId: account.id, expiresKnown: renewed.expiresAt !== null, rotated: renewed.refreshToken !== null });
}

function imapConfigOf(account: MailAccountWithSecrets): ImapConfig {
  return {
    host: account.imapHost,
    port: account.imapPort,
    tls: account.imapTls,
    user: account.imapUser,
    password: account.imapPassword,
    ...(account.oauthAccessToken ? { accessToken: account.oauthAccessToken } : {}),
  };
}

function smtpConfigOf(account: MailAccountWithSecrets): SmtpConfig {
  if (account.oauthAccessToken) {
    // The provider's token covers sending too; the login is the SMTP user or, unset, the IMAP one.
    return { host: account.smtpHost, port: account.smtpPort, tls: account.smtpTls, user: account.smtpUser || account.imapUser, password: null, accessToken: account.oauthAccessToken };
  }
  return { host: account.smtpHost, port: account.smtpPort, tls: account.smtpTls, user: account.smtpUser, password: account.smtpPassword };
}

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { MailAccount } from '../../shared/mailAccounts';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import { getSignInSettings, saveRenewedToken, type OAuthSignInSettings } from './accountRepository';
import { postTokenRequest } from './oauthRefresh';
import { userMessage } from '../../shared/userMessages';

/** How long the provider's sign-in page may take (staff typing a password, a second factor). */
const SIGN_IN_TIMEOUT_MS = 5 * 60 * 1000;
const CALLBACK_PATH = '/oauth/callback';

interface Flow {
  server: Server;
  /** Settles when the provider has sent staff back and the tokens are stored (or it failed). */
  done: Promise<MailAccount>;
  cancel(reason: AppError): void;
}

/** Sign-ins under way, per unlocked session and account. */
const flows = new WeakMap<Workspace, Map<number, Flow>>();

/**
 * Signs in with an OAuth2 provider for a mail account, as a desktop app should (RFC 8252): the
 * provider's page opens in the browser, and sends staff back to a one-off address on this
 * computer (127.0.0.1, a free port) with a code, which Madoguchi exchanges for the tokens at the
 * token endpoint, proving with PKCE (RFC 7636, S256) that it asked for that code. Nothing but the
 * provider can complete it: the state and the code verifier are random per sign-in.
 *
 * beginOAuthSignIn returns the address to open; completeOAuthSignIn waits until the tokens are
 * stored (at most five minutes). Beginning again abandons the previous sign-in.
 */
export async function beginOAuthSignIn(ws: Workspace, accountId: number): Promise<{ authorizeUrl: string }> {
  const { account, signIn } = await getSignInSettings(ws.db, ws.secrets, accountId);
  if (!signIn) {
    throw new AppError('BAD_REQUEST', userMessage('signInNotConfigured', { label: account.label }));
  }
  const perAccount = flows.get(ws) ?? new Map<number, Flow>();
  flows.set(ws, perAccount);
  perAccount.get(accountId)?.cancel(new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInSuperseded')));

  const state = randomBytes(24).toString('base64url');
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  let settle: { resolve(account: MailAccount): void; reject(error: AppError): void } | null = null;
  /** The provider's answer was taken: a code is redeemed once. */
  let answered = false;
  /** Completed, failed or abandoned: nothing more is stored or answered. */
  let ended = false;
  const done = new Promise<MailAccount>((resolve, reject) => (settle = { resolve, reject }));
  // Nobody may be waiting yet: a failure before completeOAuthSignIn is asked for is not unhandled.
  done.catch(() => undefined);

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== CALLBACK_PATH) {
      response.writeHead(404).end();
      return;
    }
    const reply = (ok: boolean, message: string) => {
      response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(callbackPage(ok, message));
    };
    if (url.searchParams.get('state') !== state) {
      reply(false, 'この応答は Madoguchi が始めたサインインのものではありません。This answer does not belong to the sign-in Madoguchi started.');
      return;
    }
    // A reload of this page, or the browser asking twice, must not redeem the code again: the
    // provider would then revoke the tokens of the first exchange.
    if (answered) {
      reply(false, 'このサインインはすでに処理しました。Madoguchi に戻ってください。This sign-in was already handled: return to Madoguchi.');
      return;
    }
    answered = true;
    const code = url.searchParams.get('code');
    if (!code) {
      const said = (url.searchParams.get('error') ?? 'no code').replace(/[^\w.-]/g, '').slice(0, 60);
      const error = new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInRefused', { user: account.imapUser, reason: said }));
      reply(false, 'サインインできませんでした。Madoguchi に戻ってください。The sign-in did not complete: return to Madoguchi.');
      finish(error);
      return;
    }
    exchange(signIn, code, verifier, redirectUri(server), account, new Date(ws.now()))
      .then(async (token) => {
        // Abandoned meanwhile (locked, or begun again): the tokens are not stored.
        if (ended) throw new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInAbandoned'));
        await saveRenewedToken(ws.db, ws.secrets, accountId, token);
        ws.logger.info('oauth.signed_in', { accountId, renewable: token.refreshToken !== null });
        reply(true, 'サインインしました。このタブを閉じて Madoguchi に戻ってください。Signed in: close this tab and return to Madoguchi.');
        finish(null, { ...account, hasOAuthAccessToken: true, hasOAuthRefresh: account.hasOAuthRefresh || token.refreshToken !== null, oauthExpiresAt: token.expiresAt });
      })
      .catch((error: unknown) => {
        reply(false, 'サインインできませんでした。Madoguchi に戻ってください。The sign-in did not complete: return to Madoguchi.');
        finish(error instanceof AppError ? error : new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInFailed', { detail: error instanceof Error ? error.message : String(error) })));
      });
  });
  const timer = setTimeout(
    () => finish(new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInTimedOut'))),
    SIGN_IN_TIMEOUT_MS,
  );
  timer.unref();
  const finish = (error: AppError | null, signedIn?: MailAccount) => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    server.close();
    server.closeAllConnections();
    if (perAccount.get(accountId)?.server === server) perAccount.delete(accountId);
    if (error) settle?.reject(error);
    else settle?.resolve(signedIn as MailAccount);
  };

  // Registered before listening, so that a sign-in begun again meanwhile (or a lock) ends this one.
  perAccount.set(accountId, { server, done, cancel: (reason) => finish(reason) });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (error) {
    const failed = new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInCannotListen', { detail: error instanceof Error ? error.message : String(error) }));
    finish(failed);
    throw failed;
  }
  if (ended) {
    // Ended while it started listening: nothing may keep listening for it.
    server.close();
    throw new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInSuperseded'));
  }
  server.unref();

  const authorize = new URL(signIn.authorizeUrl);
  authorize.searchParams.set('response_type', 'code');
  authorize.searchParams.set('client_id', signIn.clientId);
  authorize.searchParams.set('redirect_uri', redirectUri(server));
  if (signIn.scope) authorize.searchParams.set('scope', signIn.scope);
  authorize.searchParams.set('state', state);
  authorize.searchParams.set('code_challenge', challenge);
  authorize.searchParams.set('code_challenge_method', 'S256');
  // The mailbox to sign in as (Google and Microsoft preselect the account).
  authorize.searchParams.set('login_hint', account.imapUser);
  ws.logger.info('oauth.sign_in_started', { accountId });
  return { authorizeUrl: authorize.toString() };
}

/** Waits for the sign-in begun for the account; resolves with the account once its tokens are stored. */
export async function completeOAuthSignIn(ws: Workspace, accountId: number): Promise<MailAccount> {
  const flow = flows.get(ws)?.get(accountId);
  if (!flow) throw new AppError('BAD_REQUEST', userMessage('signInNotUnderWay'));
  return flow.done;
}

/** Abandons every sign-in of the session (Madoguchi is being locked). */
export function cancelOAuthSignIns(ws: Workspace): void {
  for (const flow of flows.get(ws)?.values() ?? []) flow.cancel(new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInLocked')));
}

function redirectUri(server: Server): string {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

async function exchange(signIn: OAuthSignInSettings, code: string, verifier: string, redirect: string, account: MailAccount, now: Date) {
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirect, client_id: signIn.clientId, code_verifier: verifier });
  if (signIn.clientSecret) body.set('client_secret', signIn.clientSecret);
  const endpoint = new URL(signIn.tokenUrl).host;
  const answer = await postTokenRequest(signIn.tokenUrl, body, now);
  if (answer === 'unreachable') {
    throw new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInEndpointUnreachable', { user: account.imapUser, endpoint }));
  }
  if ('token' in answer) return answer.token;
  throw new AppError('OAUTH_SIGNIN_FAILED', userMessage('signInCodeRefused', { user: account.imapUser, endpoint, answer: answer.error ? `${answer.status}: ${answer.error}` : String(answer.status) }));
}

/** The page the browser shows when the provider sends staff back: says what happened, in both languages; runs no script. */
function callbackPage(ok: boolean, message: string): string {
  const escaped = message.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
  return `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>Madoguchi</title></head><body style="font-family:sans-serif;margin:3em"><h1>${ok ? '✓' : '✗'} Madoguchi</h1><p data-testid="oauth-callback-message">${escaped}</p></body></html>`;
}

import { AppError } from '../../shared/result';
import type { OAuthRefreshSettings } from './accountRepository';
import { userMessage } from '../../shared/userMessages';

export interface RenewedToken {
  accessToken: string;
  /** ISO UTC; null when the provider did not say. */
  expiresAt: string | null;
  /** Providers that rotate refresh tokens (Microsoft) send a new one; the old one then stops working. */
  refreshToken: string | null;
}

const TOKEN_ENDPOINT_TIMEOUT_MS = 15_000;

/**
 * Renews an OAuth2 access token with the refresh-token grant (RFC 6749 §6). Errors say what
 * staff should do: sign in again (the grant was refused), check the client settings, or the network.
 * Tokens never appear in a message.
 */
export async function refreshAccessToken(settings: OAuthRefreshSettings, user: string, now: Date): Promise<RenewedToken> {
  const body = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: settings.refreshToken, client_id: settings.clientId });
  if (settings.clientSecret) body.set('client_secret', settings.clientSecret);
  const endpoint = new URL(settings.tokenUrl).host;
  const answer = await postTokenRequest(settings.tokenUrl, body, now);
  if (answer === 'unreachable') {
    throw new AppError('OAUTH_REFRESH_FAILED', userMessage('oauthEndpointUnreachable', { user, endpoint }));
  }
  if ('token' in answer) return answer.token;
  const { error, status } = answer;
  if (error === 'invalid_grant') {
    throw new AppError('OAUTH_TOKEN_EXPIRED', userMessage('oauthSignInExpired', { user }));
  }
  if (error === 'invalid_client' || error === 'unauthorized_client') {
    throw new AppError('OAUTH_REFRESH_FAILED', userMessage('oauthClientRefused', { endpoint, error }));
  }
  throw new AppError('OAUTH_REFRESH_FAILED', userMessage('oauthRenewFailed', { user, endpoint, answer: error ? `${status}: ${error}` : String(status) }));
}

/** A token endpoint's answer: the tokens, or its error code (word characters only, never a token) and HTTP status. */
export type TokenAnswer = { token: RenewedToken } | { error: string; status: number };

/** Posts a grant to a token endpoint (RFC 6749 §5): 'unreachable' when it does not answer in time. */
export async function postTokenRequest(tokenUrl: string, body: URLSearchParams, now: Date = new Date()): Promise<TokenAnswer | 'unreachable'> {
  let response: Response;
  try {
    response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(TOKEN_ENDPOINT_TIMEOUT_MS),
    });
  } catch {
    return 'unreachable';
  }
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok || !json || typeof json.access_token !== 'string' || json.access_token === '') {
    return { error: typeof json?.error === 'string' ? json.error.replace(/[^\w.-]/g, '').slice(0, 60) : '', status: response.status };
  }
  const lifetime = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in);
  return {
    token: {
      accessToken: json.access_token,
      expiresAt: Number.isFinite(lifetime) && lifetime > 0 ? new Date(now.getTime() + lifetime * 1000).toISOString() : null,
      refreshToken: typeof json.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : null,
    },
  };
}

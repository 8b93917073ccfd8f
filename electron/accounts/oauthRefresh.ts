import { AppError } from '../../shared/result';
import type { OAuthRefreshSettings } from './accountRepository';

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
  let response: Response;
  try {
    response = await fetch(settings.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(TOKEN_ENDPOINT_TIMEOUT_MS),
    });
  } catch {
    throw new AppError(
      'OAUTH_REFRESH_FAILED',
      `The OAuth2 access token for ${user} has expired and could not be renewed: the token endpoint ${endpoint} did not answer. Check the network and the token URL in Settings.`,
    );
  }
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok || !json || typeof json.access_token !== 'string' || json.access_token === '') {
    const error = typeof json?.error === 'string' ? json.error.replace(/[^\w.-]/g, '').slice(0, 60) : '';
    if (error === 'invalid_grant') {
      throw new AppError(
        'OAUTH_TOKEN_EXPIRED',
        `The OAuth2 sign-in for ${user} has expired or was revoked (the provider refused the refresh token). Sign in with the provider again and enter the new tokens in Settings.`,
      );
    }
    if (error === 'invalid_client' || error === 'unauthorized_client') {
      throw new AppError('OAUTH_REFRESH_FAILED', `The token endpoint ${endpoint} refused the client ID or secret (${error}): check them in Settings.`);
    }
    const said = error ? `: ${error}` : '';
    throw new AppError(
      'OAUTH_REFRESH_FAILED',
      `The OAuth2 access token for ${user} has expired and could not be renewed (token endpoint ${endpoint} answered HTTP ${response.status}${said}). Try again later, or enter a new access token in Settings.`,
    );
  }
  const lifetime = typeof json.expires_in === 'number' ? json.expires_in : Number(json.expires_in);
  return {
    accessToken: json.access_token,
    expiresAt: Number.isFinite(lifetime) && lifetime > 0 ? new Date(now.getTime() + lifetime * 1000).toISOString() : null,
    refreshToken: typeof json.refresh_token === 'string' && json.refresh_token !== '' ? json.refresh_token : null,
  };
}

import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A small OAuth2 authorization server for tests, on 127.0.0.1: it issues bearer tokens, answers
 * RFC 7662 token introspection (which the test Dovecot asks for each XOAUTH2 login), the
 * RFC 6749 refresh-token grant (which Madoguchi uses to renew an expired access token) and the
 * authorization-code grant with PKCE (RFC 7636) behind an authorization page that signs in the
 * `login_hint` user at once, as a provider does for a user who is already signed in and consents.
 * Tokens can be expired or revoked at will, so tests see what a real provider does an hour later.
 */
export interface OAuthProvider {
  /** http://127.0.0.1:port/introspect, for Dovecot's oauth2 passdb. */
  introspectionUrl: string;
  /** http://127.0.0.1:port/token, the token endpoint Madoguchi refreshes at. */
  tokenUrl: string;
  /** http://127.0.0.1:port/authorize, the sign-in page. */
  authorizeUrl: string;
  /** The scopes the last sign-in asked for. */
  readonly lastScope: string;
  /** From now on the token endpoint answers this late (ms). */
  setTokenDelay(ms: number): void;
  clientId: string;
  /** A new access token for `user` (and, unless told otherwise, a refresh token that renews it). */
  issue(user: string): { accessToken: string; refreshToken: string };
  /** The access token stops working, as it does when its lifetime ends. */
  expire(accessToken: string): void;
  /** The refresh token stops working (the user revoked Madoguchi's access). */
  revokeRefresh(refreshToken: string): void;
  /** Every token issued so far stops working, access and refresh alike (the user revoked Madoguchi's access at the provider). */
  revokeEverything(): void;
  /** Whether the token is active and was issued to `user` (what the test SMTP receiver asks). */
  accepts(user: string, accessToken: string): Promise<boolean>;
  /** Access tokens issued by refreshing so far. */
  readonly refreshCount: number;
  /** The access token the last refresh issued. */
  readonly latestAccessToken: string;
  stop(): Promise<void>;
}

interface Grant {
  user: string;
  active: boolean;
}

export async function startOAuthProvider(
  options: {
    /** Each refresh issues a new refresh token and retires the old one, as Microsoft's does. */
    rotateRefreshTokens?: boolean;
    /** The token endpoint answers this late (a provider across the internet), so renewals can overlap. */
    tokenDelayMs?: number;
    /** The sign-in page sends the user back with error=access_denied (the user declined). */
    denySignIn?: boolean;
  } = {},
): Promise<OAuthProvider> {
  const clientId = 'madoguchi-test-client';
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  let refreshCount = 0;
  let latestAccess = '';
  let lastScope = '';
  /** Codes from the sign-in page: for whom, where they may be redeemed, and the PKCE challenge. */
  const codes = new Map<string, { user: string; redirectUri: string; challenge: string }>();
  const newToken = (kind: string) => `${kind}-${randomBytes(18).toString('base64url')}`;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === 'GET' && request.url?.startsWith('/authorize?')) return authorize(new URL(request.url, 'http://127.0.0.1').searchParams, response);
    const body = new URLSearchParams(await readBody(request));
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (request.method === 'POST' && request.url === '/introspect') {
      const grant = accessTokens.get(body.get('token') ?? '');
      return reply(200, grant?.active ? { active: true, username: grant.user, scope: 'mail' } : { active: false });
    }
    if (request.method === 'POST' && request.url === '/token' && body.get('grant_type') === 'authorization_code') {
      if (body.get('client_id') !== clientId) return reply(401, { error: 'invalid_client' });
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      const code = codes.get(body.get('code') ?? '');
      codes.delete(body.get('code') ?? '');
      const verifier = body.get('code_verifier') ?? '';
      if (!code || code.redirectUri !== body.get('redirect_uri') || createHash('sha256').update(verifier).digest('base64url') !== code.challenge) {
        return reply(400, { error: 'invalid_grant', error_description: 'Unknown code, another redirect URI, or a code verifier that does not match.' });
      }
      const issued = issue(code.user);
      latestAccess = issued.accessToken;
      return reply(200, { access_token: issued.accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: issued.refreshToken });
    }
    if (request.method === 'POST' && request.url === '/token') {
      if (body.get('grant_type') !== 'refresh_token') return reply(400, { error: 'unsupported_grant_type' });
      if (body.get('client_id') !== clientId) return reply(401, { error: 'invalid_client' });
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      const grant = refreshTokens.get(body.get('refresh_token') ?? '');
      if (!grant?.active) return reply(400, { error: 'invalid_grant', error_description: 'The refresh token was revoked or has expired.' });
      const accessToken = newToken('access');
      accessTokens.set(accessToken, { user: grant.user, active: true });
      latestAccess = accessToken;
      refreshCount++;
      if (!options.rotateRefreshTokens) return reply(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
      grant.active = false;
      const refreshToken = newToken('refresh');
      refreshTokens.set(refreshToken, { user: grant.user, active: true });
      return reply(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, refresh_token: refreshToken });
    }
    reply(404, { error: 'not_found' });
  };

  const issue = (user: string) => {
    const accessToken = newToken('access');
    const refreshToken = newToken('refresh');
    accessTokens.set(accessToken, { user, active: true });
    refreshTokens.set(refreshToken, { user, active: true });
    return { accessToken, refreshToken };
  };

  /** The sign-in page: a desktop app's loopback redirect only, with a PKCE challenge; then straight back with a code. */
  const authorize = (query: URLSearchParams, response: ServerResponse) => {
    const redirect = query.get('redirect_uri') ?? '';
    const challenge = query.get('code_challenge') ?? '';
    if (query.get('client_id') !== clientId || !/^http:\/\/127\.0\.0\.1:\d+\//.test(redirect) || query.get('response_type') !== 'code') {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('invalid request');
      return;
    }
    if (query.get('code_challenge_method') !== 'S256' || !challenge) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('PKCE (S256) is required');
      return;
    }
    lastScope = query.get('scope') ?? '';
    const back = new URL(redirect);
    back.searchParams.set('state', query.get('state') ?? '');
    if (options.denySignIn) back.searchParams.set('error', 'access_denied');
    else {
      const code = newToken('code');
      codes.set(code, { user: query.get('login_hint') ?? '', redirectUri: redirect, challenge });
      back.searchParams.set('code', code);
    }
    response.writeHead(302, { location: back.toString() }).end();
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    introspectionUrl: `http://127.0.0.1:${port}/introspect`,
    tokenUrl: `http://127.0.0.1:${port}/token`,
    authorizeUrl: `http://127.0.0.1:${port}/authorize`,
    clientId,
    issue,
    setTokenDelay(ms) {
      options.tokenDelayMs = ms;
    },
    get lastScope() {
      return lastScope;
    },
    expire(accessToken) {
      const grant = accessTokens.get(accessToken);
      if (grant) grant.active = false;
    },
    revokeRefresh(refreshToken) {
      const grant = refreshTokens.get(refreshToken);
      if (grant) grant.active = false;
    },
    revokeEverything() {
      for (const grant of [...accessTokens.values(), ...refreshTokens.values()]) grant.active = false;
    },
    async accepts(user, accessToken) {
      const grant = accessTokens.get(accessToken);
      return grant?.active === true && grant.user === user;
    },
    get refreshCount() {
      return refreshCount;
    },
    get latestAccessToken() {
      return latestAccess;
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

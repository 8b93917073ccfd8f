import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * A small OAuth2 authorization server for tests, on 127.0.0.1: it issues bearer tokens, answers
 * RFC 7662 token introspection (which the test Dovecot asks for each XOAUTH2 login) and the
 * RFC 6749 refresh-token grant (which Madoguchi uses to renew an expired access token).
 * Tokens can be expired or revoked at will, so tests see what a real provider does an hour later.
 */
export interface OAuthProvider {
  /** http://127.0.0.1:port/introspect, for Dovecot's oauth2 passdb. */
  introspectionUrl: string;
  /** http://127.0.0.1:port/token, the token endpoint Madoguchi refreshes at. */
  tokenUrl: string;
  clientId: string;
  /** A new access token for `user` (and, unless told otherwise, a refresh token that renews it). */
  issue(user: string): { accessToken: string; refreshToken: string };
  /** The access token stops working, as it does when its lifetime ends. */
  expire(accessToken: string): void;
  /** The refresh token stops working (the user revoked Madoguchi's access). */
  revokeRefresh(refreshToken: string): void;
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
  } = {},
): Promise<OAuthProvider> {
  const clientId = 'madoguchi-test-client';
  const accessTokens = new Map<string, Grant>();
  const refreshTokens = new Map<string, Grant>();
  let refreshCount = 0;
  let latestAccess = '';
  const newToken = (kind: string) => `${kind}-${randomBytes(18).toString('base64url')}`;

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const body = new URLSearchParams(await readBody(request));
    const reply = (status: number, json: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(json));
    };
    if (request.method === 'POST' && request.url === '/introspect') {
      const grant = accessTokens.get(body.get('token') ?? '');
      return reply(200, grant?.active ? { active: true, username: grant.user, scope: 'mail' } : { active: false });
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
    clientId,
    issue(user) {
      const accessToken = newToken('access');
      const refreshToken = newToken('refresh');
      accessTokens.set(accessToken, { user, active: true });
      refreshTokens.set(refreshToken, { user, active: true });
      return { accessToken, refreshToken };
    },
    expire(accessToken) {
      const grant = accessTokens.get(accessToken);
      if (grant) grant.active = false;
    },
    revokeRefresh(refreshToken) {
      const grant = refreshTokens.get(refreshToken);
      if (grant) grant.active = false;
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

import { ImapFlow } from 'imapflow';
import { AppError } from '../../shared/result';
import { isLoopbackHost } from './loopbackHost';
import { userMessage } from '../../shared/userMessages';

export interface ImapConfig {
  host: string;
  port: number;
  /** true: TLS from the first byte (993 and any other port), or STARTTLS, required, on port 143. false: cleartext, loopback hosts only. */
  tls: boolean;
  user: string;
  /** Unused when an access token is given. */
  password: string;
  /** An OAuth2 access token: log in with SASL XOAUTH2 instead of the password. */
  accessToken?: string;
}

/** Unreachable servers should fail while the user still looks at the settings screen. */
export const IMAP_CONNECT_TIMEOUT_MS = 15_000;
/** Silence this long mid-session means the connection is dead (a mail being stored between two fetches counts as silence too). */
export const IMAP_SOCKET_TIMEOUT_MS = 120_000;
const STARTTLS_PORT = 143;

/**
 * A client for one session. Never logs (imapflow would otherwise log through pino, mail
 * addresses and subjects included), never idles, and never sends credentials in cleartext
 * except to this machine.
 */
export function createImapClient(config: ImapConfig, options: { maxIdleTimeMs?: number; socketTimeoutMs?: number } = {}): ImapFlow {
  requireTlsUnlessLoopback(config);
  const implicitTls = config.tls && config.port !== STARTTLS_PORT;
  const client = new ImapFlow({
    host: config.host,
    port: config.port,
    secure: implicitTls,
    // With TLS on, port 143 must upgrade or fail; never fall back to cleartext on a stripped STARTTLS.
    doSTARTTLS: config.tls && !implicitTls,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    auth: config.accessToken ? { user: config.user, accessToken: config.accessToken } : { user: config.user, pass: config.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: IMAP_CONNECT_TIMEOUT_MS,
    greetingTimeout: IMAP_CONNECT_TIMEOUT_MS,
    socketTimeout: options.socketTimeoutMs ?? IMAP_SOCKET_TIMEOUT_MS,
    clientInfo: { name: 'Madoguchi' },
    // Where the server offers it, what changed in a folder since the last sync (deleted mails, flags) comes with EXAMINE.
    qresync: true,
    // For a watching connection only (see imapIdle): IDLE is renewed this often, so a dead
    // connection is noticed and servers that end long IDLEs do not.
    ...(options.maxIdleTimeMs ? { maxIdleTime: options.maxIdleTimeMs } : {}),
  });
  // Failures reach us through the rejected command; an 'error' event without a listener would crash the process.
  client.on('error', () => undefined);
  return client;
}

export function requireTlsUnlessLoopback(config: Pick<ImapConfig, 'host' | 'tls'>): void {
  if (!config.tls && !isLoopbackHost(config.host)) {
    throw new AppError('IMAP_TLS_FAILED', userMessage('imapNeedsTlsSetting', { host: config.host }));
  }
}

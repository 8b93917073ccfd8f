import { userMessage } from '../../shared/userMessages';

/**
 * What went wrong on the wire, in the terms the user can act on, for both IMAP and SMTP: the
 * server could not be reached, or the TLS connection could not be trusted. imapflow and
 * nodemailer pass Node's socket, DNS and TLS error codes through and add their own; this reads
 * both, looking through wrapped errors, so the two protocols explain failures alike.
 */
export type TransportFailure =
  | { kind: 'unreachable'; timedOut: boolean }
  | { kind: 'tls'; problem: string }
  | null;

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NONAME',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  // imapflow
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  // nodemailer
  'ECONNECTION',
  'EDNS',
]);

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);

const UNTRUSTED_CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
]);

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  tlsFailed?: unknown;
  cause?: unknown;
  _err?: unknown;
  reason?: unknown;
}

export function classifyTransportFailure(error: unknown): TransportFailure {
  for (const e of errorChain(error)) {
    const message = typeof e.message === 'string' ? e.message : '';
    const code = codeOf(e, message);
    const tls = describeTlsProblem(code, message, e.tlsFailed === true);
    if (tls) return { kind: 'tls', problem: tls };
    if (TIMEOUT_CODES.has(code)) return { kind: 'unreachable', timedOut: true };
    if (UNREACHABLE_CODES.has(code)) return { kind: 'unreachable', timedOut: false };
  }
  return null;
}

/**
 * nodemailer overwrites Node's code with its own ESOCKET/ECONNECTION but keeps the message,
 * which names Node's code ("connect ECONNREFUSED 127.0.0.1:25") or the TLS complaint.
 */
function codeOf(e: ErrorLike, message: string): string {
  const code = typeof e.code === 'string' ? e.code : '';
  if (code !== 'ESOCKET' && code !== 'ECONNECTION' && code !== 'ETLS') return code;
  const named = /\b(E[A-Z]{3,}|ERR_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_[A-Z_]+)\b/.exec(message)?.[1];
  if (named && named !== 'ESOCKET') return named;
  for (const [pattern, tlsCode] of TLS_MESSAGES) if (pattern.test(message)) return tlsCode;
  return code;
}

const TLS_MESSAGES: Array<[RegExp, string]> = [
  [/self[- ]signed certificate/i, 'DEPTH_ZERO_SELF_SIGNED_CERT'],
  [/unable to (?:verify|get)/i, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'],
  [/certificate has expired/i, 'CERT_HAS_EXPIRED'],
  [/certificate is not yet valid/i, 'CERT_NOT_YET_VALID'],
  [/does not match certificate's altnames/i, 'ERR_TLS_CERT_ALTNAME_INVALID'],
  [/wrong version number/i, 'ERR_SSL_WRONG_VERSION_NUMBER'],
];

/** The error and the errors it wraps (cause, imapflow's _err), outermost first. */
export function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current: unknown = error;
  while (current && typeof current === 'object' && chain.length < 5) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.cause ?? e._err;
  }
  return chain;
}

/** Finishes the sentence "The server …", or null when this is not a TLS problem. */
function describeTlsProblem(code: string, message: string, flaggedTls: boolean): string | null {
  if (UNTRUSTED_CERTIFICATE_CODES.has(code)) {
    return userMessage('tlsUntrusted');
  }
  if (code === 'CERT_HAS_EXPIRED') return userMessage('tlsExpired');
  if (code === 'CERT_NOT_YET_VALID') return userMessage('tlsNotYetValid');
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return userMessage('tlsWrongHost');
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number|packet length too long|unknown protocol/i.test(message)) {
    return userMessage('tlsNotOnPort');
  }
  if (/STARTTLS/i.test(message) || code === 'UPGRADE_TIMEOUT') {
    return userMessage('tlsNoStartTls');
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'ETLS' || code === 'EPROTO' || flaggedTls) {
    return userMessage('tlsRefused', { code: code || userMessage('tlsErrorWithoutCode') });
  }
  return null;
}

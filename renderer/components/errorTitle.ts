import type { TFunction } from 'i18next';
import type { ApiErrorCode } from '../api/client';

const KNOWN: readonly ApiErrorCode[] = [
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'LOCKED',
  'NOT_INITIALIZED',
  'ALREADY_INITIALIZED',
  'WRONG_PASSPHRASE',
  'NOT_FOUND',
  'CONFLICT',
  'IMAP_AUTH_FAILED',
  'IMAP_UNREACHABLE',
  'IMAP_TLS_FAILED',
  'IMAP_ERROR',
  'SMTP_AUTH_FAILED',
  'SMTP_UNREACHABLE',
  'SMTP_ERROR',
  'SMTP_REJECTED',
  'SMTP_OUTCOME_UNKNOWN',
  'SENT_NOT_RECORDED',
  'OAUTH_TOKEN_EXPIRED',
  'OAUTH_REFRESH_FAILED',
  'OAUTH_SIGNIN_FAILED',
  'DATABASE_FROM_FUTURE',
  'INTERNAL',
  'DISCONNECTED',
  'NO_TRANSPORT',
  'BAD_RESPONSE',
];

/** A short translated headline for an error code; the message from main follows it. */
export function errorTitle(t: TFunction, code: string): string {
  const known = KNOWN.find((k) => k === code) ?? 'INTERNAL';
  return t(`errors.${known}`);
}

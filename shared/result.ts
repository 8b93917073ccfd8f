/** What crosses a transport: a value, or a plain error with a stable code. Never a stack. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_METHOD'
  | 'LOCKED'
  | 'NOT_INITIALIZED'
  | 'ALREADY_INITIALIZED'
  | 'WRONG_PASSPHRASE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'IMAP_AUTH_FAILED'
  | 'IMAP_UNREACHABLE'
  | 'IMAP_TLS_FAILED'
  | 'IMAP_ERROR'
  | 'SMTP_AUTH_FAILED'
  | 'SMTP_UNREACHABLE'
  | 'SMTP_ERROR'
  /** The SMTP server refused the mail for good (a 5xx answer: no such recipient, sender not allowed): sending it again cannot help. */
  | 'SMTP_REJECTED'
  | 'SMTP_OUTCOME_UNKNOWN'
  | 'SENT_NOT_RECORDED'
  | 'OAUTH_TOKEN_EXPIRED'
  | 'OAUTH_REFRESH_FAILED'
  | 'OAUTH_SIGNIN_FAILED'
  | 'DATABASE_FROM_FUTURE'
  | 'INTERNAL';

export interface AppErrorData {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData };

/** An error meant for the user: its message says what to do next. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

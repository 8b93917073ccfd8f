import { AppError } from '../../shared/result';
import { oauthTokenRefused } from './oauthTokenRefused';
import { classifyTransportFailure, errorChain } from './transportFailure';

interface ImapFailureDetails {
  authenticationFailed?: unknown;
  serverResponseCode?: unknown;
  responseText?: unknown;
  mailboxMissing?: unknown;
}

/**
 * Turns whatever imapflow or the socket threw into an AppError that tells the user what to do.
 * The message may name the account's own user and host (company settings the user typed), never
 * the password: no underlying error text is copied in except the server's own short reply.
 */
export function toImapAppError(error: unknown, target: { host: string; port: number; user: string; accessToken?: string }, folder?: string): AppError {
  if (error instanceof AppError) return error;
  const where = `${target.host}:${target.port}`;
  const details = errorChain(error) as ImapFailureDetails[];
  const responseCode = details.map((d) => (typeof d.serverResponseCode === 'string' ? d.serverResponseCode.toUpperCase() : '')).find(Boolean) ?? '';

  if (details.some((d) => d.authenticationFailed === true) || ['AUTHENTICATIONFAILED', 'AUTHORIZATIONFAILED'].includes(responseCode)) {
    if (target.accessToken) return oauthTokenRefused('IMAP', target.user);
    return new AppError('IMAP_AUTH_FAILED', `IMAP login failed for ${target.user}: check the user name and password`);
  }
  if (responseCode === 'PRIVACYREQUIRED' || responseCode === 'LOGINDISABLED') {
    return new AppError('IMAP_TLS_FAILED', `IMAP server ${where} refuses to log in without TLS: turn TLS on (usually port 993)`);
  }

  const failure = classifyTransportFailure(error);
  if (failure?.kind === 'tls') {
    return new AppError('IMAP_TLS_FAILED', `Secure connection to IMAP server ${where} failed: the server ${failure.problem}`);
  }
  if (failure?.kind === 'unreachable') {
    const why = failure.timedOut ? ' (no answer in time)' : '';
    return new AppError('IMAP_UNREACHABLE', `Cannot reach IMAP server ${where}${why}: check the host, port and network`);
  }

  if (folder && (details.some((d) => d.mailboxMissing === true) || responseCode === 'NONEXISTENT')) {
    return new AppError('IMAP_ERROR', `The folder "${folder}" does not exist on IMAP server ${where}: check the folder name`);
  }
  const reply = details.map((d) => (typeof d.responseText === 'string' ? d.responseText : '')).find(Boolean);
  const said = reply ? ` (the server said: ${sanitizeServerText(reply)})` : '';
  return new AppError('IMAP_ERROR', `IMAP server ${where} reported an error${said}: try again later, or check the account settings`);
}

/** A server's reply, cut short and stripped of control characters, to quote in a message. */
function sanitizeServerText(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

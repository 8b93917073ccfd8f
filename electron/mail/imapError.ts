import { AppError } from '../../shared/result';
import { oauthTokenRefused } from './oauthTokenRefused';
import { classifyTransportFailure, errorChain } from './transportFailure';
import { userMessage } from '../../shared/userMessages';

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
    return new AppError('IMAP_AUTH_FAILED', userMessage('imapAuthFailed', { user: target.user }));
  }
  if (responseCode === 'PRIVACYREQUIRED' || responseCode === 'LOGINDISABLED') {
    return new AppError('IMAP_TLS_FAILED', userMessage('imapNeedsTls', { where }));
  }

  const failure = classifyTransportFailure(error);
  if (failure?.kind === 'tls') {
    return new AppError('IMAP_TLS_FAILED', userMessage('imapTlsFailed', { where, problem: failure.problem }));
  }
  if (failure?.kind === 'unreachable') {
    const why = failure.timedOut ? userMessage('noAnswerInTime') : '';
    return new AppError('IMAP_UNREACHABLE', userMessage('imapUnreachable', { where, why }));
  }

  if (folder && (details.some((d) => d.mailboxMissing === true) || responseCode === 'NONEXISTENT')) {
    return new AppError('IMAP_ERROR', userMessage('imapFolderMissing', { folder, where }));
  }
  const reply = details.map((d) => (typeof d.responseText === 'string' ? d.responseText : '')).find(Boolean);
  const said = reply ? userMessage('serverSaid', { reply: sanitizeServerText(reply) }) : '';
  return new AppError('IMAP_ERROR', userMessage('imapServerError', { where, said }));
}

/** A server's reply, cut short and stripped of control characters, to quote in a message. */
function sanitizeServerText(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

import { AppError } from '../../shared/result';
import { oauthTokenRefused } from './oauthTokenRefused';
import { classifyTransportFailure, errorChain } from './transportFailure';
import { userMessage } from '../../shared/userMessages';

interface SmtpFailureDetails {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

/**
 * Turns a nodemailer failure into an AppError that tells the user what to do. Messages may name
 * the account's own user and host, never the password, and never a recipient: server replies are
 * quoted with any mail address in them blanked out.
 */
export function toSmtpAppError(error: unknown, target: { host: string; port: number; user: string; accessToken?: string }): AppError {
  if (error instanceof AppError) return error;
  const where = `${target.host}:${target.port}`;
  const chain = errorChain(error) as SmtpFailureDetails[];
  const code = chain.map((d) => (typeof d.code === 'string' ? d.code : '')).find(Boolean) ?? '';
  const responseCode = chain.map((d) => (typeof d.responseCode === 'number' ? d.responseCode : 0)).find(Boolean) ?? 0;
  const reply = chain.map((d) => (typeof d.response === 'string' ? d.response : '')).find(Boolean) ?? '';
  const command = chain.map((d) => (typeof d.command === 'string' ? d.command : '')).find(Boolean) ?? '';

  if (code === 'EAUTH' || code === 'ENOAUTH' || responseCode === 535 || responseCode === 534) {
    if (target.accessToken) return oauthTokenRefused('SMTP', target.user);
    return new AppError('SMTP_AUTH_FAILED', userMessage('smtpAuthFailed', { user: target.user || userMessage('noUserName') }));
  }
  if (responseCode === 530 && !/^(?:RCPT|DATA)/i.test(command)) {
    return new AppError(
      'SMTP_AUTH_FAILED',
      target.user
        ? userMessage('smtpLoginRefused', { where, user: target.user })
        : userMessage('smtpLoginRequired', { where }),
    );
  }

  const failure = classifyTransportFailure(error);
  if (failure?.kind === 'tls') {
    return new AppError('SMTP_ERROR', userMessage('smtpTlsFailed', { where, problem: failure.problem }));
  }
  if (failure?.kind === 'unreachable') {
    const why = failure.timedOut ? userMessage('noAnswerInTime') : '';
    return new AppError('SMTP_UNREACHABLE', userMessage('smtpUnreachable', { where, why }));
  }

  const said = reply ? userMessage('serverSaid', { reply: sanitizeServerReply(reply) }) : '';
  // A 5xx answer is the server's final word (RFC 5321 4.2.1): the outbox does not send again.
  const refused = responseCode >= 500 && responseCode < 600 ? 'SMTP_REJECTED' : 'SMTP_ERROR';
  // A 4xx answer, to any command, is "not now" (a busy mailbox, greylisting): nothing to check but the clock.
  const temporary = responseCode >= 400 && responseCode < 500;
  if (temporary) return new AppError('SMTP_ERROR', userMessage('smtpNotAcceptedTemporary', { where, said }));
  if (code === 'EENVELOPE' || /^RCPT/i.test(command)) {
    const error = new AppError(refused, userMessage('smtpRecipientRefused', { where, said }));
    return refused === 'SMTP_REJECTED' && saysNoSuchMailbox(reply) ? Object.assign(error, { recipientUnknown: true }) : error;
  }
  if (/^MAIL FROM/i.test(command)) {
    return new AppError(refused, userMessage('smtpSenderRefused', { where, said }));
  }
  return new AppError(refused, userMessage('smtpNotAccepted', { where, said }));
}

/** A server reply fit to show: one short line, mail addresses blanked (they may be a customer's). */
function sanitizeServerReply(text: string): string {
  const clean = text
    .replace(/[^\s@<>"'()]+@[^\s@<>"'()]+/g, '[address]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

/**
 * The server refused the recipient for good because the address does not exist (RFC 3463: 5.1.1
 * bad mailbox, 5.1.2 bad domain, 5.1.10 no mail accepted there; or a 550/551/553 saying so in
 * words), not for a reason of the sender's (5.7.x policy, relaying).
 */
function saysNoSuchMailbox(reply: string): boolean {
  const enhanced = /\b5\.(\d{1,3})\.(\d{1,3})\b/.exec(reply);
  if (enhanced) return enhanced[1] === '1' && ['1', '2', '10'].includes(enhanced[2] as string);
  return /^55[013]\b/.test(reply) && /unknown|no such|does not exist|doesn't exist|not found|invalid (?:mailbox|recipient|address)/i.test(reply);
}

/** A send failed because the customer's address does not exist (see toSmtpAppError): the address bounces. */
export function isUnknownRecipient(error: unknown): boolean {
  return (error as { recipientUnknown?: unknown } | null)?.recipientUnknown === true;
}

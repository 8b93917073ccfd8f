import { AppError } from '../../shared/result';
import { oauthTokenRefused } from './oauthTokenRefused';
import { classifyTransportFailure, errorChain } from './transportFailure';

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
    return new AppError('SMTP_AUTH_FAILED', `SMTP login failed for ${target.user || '(no user name)'}: check the user name and password`);
  }
  if (responseCode === 530 && !/^(?:RCPT|DATA)/i.test(command)) {
    return new AppError(
      'SMTP_AUTH_FAILED',
      target.user
        ? `SMTP server ${where} refused the login of ${target.user}: check the user name and password`
        : `SMTP server ${where} requires a login: enter the user name and password`,
    );
  }

  const failure = classifyTransportFailure(error);
  if (failure?.kind === 'tls') {
    return new AppError('SMTP_ERROR', `Secure connection to SMTP server ${where} failed: the server ${failure.problem}`);
  }
  if (failure?.kind === 'unreachable') {
    const why = failure.timedOut ? ' (no answer in time)' : '';
    return new AppError('SMTP_UNREACHABLE', `Cannot reach SMTP server ${where}${why}: check the host, port and network`);
  }

  const said = reply ? ` (the server said: ${sanitizeServerReply(reply)})` : '';
  if (code === 'EENVELOPE' || /^RCPT/i.test(command)) {
    return new AppError('SMTP_ERROR', `SMTP server ${where} refused the recipient${said}: check the address`);
  }
  if (/^MAIL FROM/i.test(command)) {
    return new AppError('SMTP_ERROR', `SMTP server ${where} refused the sender address${said}: check the account's mail address`);
  }
  const temporary = responseCode >= 400 && responseCode < 500;
  return new AppError(
    'SMTP_ERROR',
    `SMTP server ${where} did not accept the mail${said}: ${temporary ? 'try again in a few minutes' : 'check the account settings, or ask your mail provider'}`,
  );
}

/** A server reply fit to show: one short line, mail addresses blanked (they may be a customer's). */
function sanitizeServerReply(text: string): string {
  const clean = text
    .replace(/[^\s@<>"'()]+@[^\s@<>"'()]+/g, '[address]')
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .trim();
  return clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
}

import { randomUUID } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { createTransport } from 'nodemailer';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Logger } from 'nodemailer/lib/shared';
import { AppError } from '../../shared/result';
import { isLoopbackHost } from './loopbackHost';
import { toSmtpAppError } from './smtpError';
import { errorChain } from './transportFailure';
import { userMessage } from '../../shared/userMessages';

export interface SmtpConfig {
  host: string;
  port: number;
  /** true: implicit TLS on port 465, STARTTLS required on any other port. false: cleartext, loopback hosts only. */
  tls: boolean;
  /** Empty: the server takes mail without login. */
  user: string;
  password: string | null;
  /** An OAuth2 access token: log in with SASL XOAUTH2 as `user` instead of the password. */
  accessToken?: string;
}

export interface OutgoingMail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  /** Domain for the generated Message-ID. */
  messageIdDomain: string;
  /** The Message-ID's own part (a UUID), kept by the caller so that sending again sends the same mail; a new one otherwise. */
  messageIdLocalPart?: string;
}

const IMPLICIT_TLS_PORT = 465;
/** Unreachable servers should fail while the user still waits on the send button. */
const SMTP_CONNECT_TIMEOUT_MS = 15_000;
const SMTP_SOCKET_TIMEOUT_MS = 60_000;

/**
 * Sends one plain-text mail and returns its Message-ID and the exact bytes sent, so the sent
 * copy we store is the mail the customer received. nodemailer writes Japanese as UTF-8: the
 * subject and names as RFC 2047 encoded words, the body base64 or quoted-printable, which every
 * Japanese mail client reads.
 */
export async function sendMail(config: SmtpConfig, mail: OutgoingMail): Promise<{ messageId: string; raw: Buffer }> {
  if (!config.tls && !isLoopbackHost(config.host)) {
    throw new AppError('SMTP_ERROR', userMessage('smtpNeedsTls', { host: config.host }));
  }
  const localPart = mail.messageIdLocalPart && /^[0-9a-f-]{36}$/.test(mail.messageIdLocalPart) ? mail.messageIdLocalPart : randomUUID();
  const messageId = `<${localPart}@${messageIdDomainOf(mail)}>`;
  const references = [...(mail.references ?? [])];
  if (mail.inReplyTo && !references.includes(mail.inReplyTo)) references.push(mail.inReplyTo);

  const raw = await new MailComposer({
    from: { name: mail.from.name, address: mail.from.address },
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    messageId,
    date: new Date(),
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(references.length ? { references } : {}),
    // Outgoing text is typed by staff; nothing in it may make nodemailer read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  })
    .compile()
    .build();

  // Whether every byte of the mail went to the server, after it said DATA. The mail's own stream
  // cannot tell: nodemailer reads it into a buffer right after login, before MAIL FROM. Its
  // connection logs one entry when the data stream to the socket has ended; nothing else is read.
  let handedOver = false;
  const handOverWatch = {
    ...Object.fromEntries((['level', 'trace', 'debug', 'warn', 'error', 'fatal'] as const).map((level) => [level, () => undefined])),
    info: (entry: unknown) => {
      if (isEndOfData(entry)) handedOver = true;
    },
  } as unknown as Logger;

  const implicitTls = config.tls && config.port === IMPLICIT_TLS_PORT;
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: implicitTls,
    requireTLS: config.tls && !implicitTls,
    // Cleartext (loopback only) stays cleartext: a local relay's STARTTLS would offer an unverifiable certificate.
    ignoreTLS: !config.tls,
    tls: { rejectUnauthorized: true, minVersion: 'TLSv1.2' },
    ...(config.accessToken
      ? { auth: { type: 'OAuth2' as const, user: config.user, accessToken: config.accessToken } }
      : config.user
        ? { auth: { user: config.user, pass: config.password ?? '' } }
        : {}),
    connectionTimeout: SMTP_CONNECT_TIMEOUT_MS,
    greetingTimeout: SMTP_CONNECT_TIMEOUT_MS,
    socketTimeout: SMTP_SOCKET_TIMEOUT_MS,
    logger: handOverWatch,
    debug: false,
  });
  try {
    await transport.sendMail({ envelope: { from: mail.from.address, to: [mail.to] }, raw });
  } catch (error) {
    // The link broke (or timed out) after the whole mail went, before the server answered: it may
    // have queued the mail already (servers scan it before they answer). Sending it again could
    // give the customer two copies, so staff are asked to check instead. A refusal is a refusal.
    const refused = errorChain(error).some((d) => typeof (d as { responseCode?: unknown }).responseCode === 'number');
    if (handedOver && !refused) {
      throw new AppError('SMTP_OUTCOME_UNKNOWN', userMessage('smtpOutcomeUnknown', { where: `${config.host}:${config.port}` }));
    }
    throw toSmtpAppError(error, config);
  } finally {
    transport.close();
  }
  return { messageId, raw };
}

/** nodemailer's log entry for the end of the DATA stream (smtp-connection's `tnx: 'message'` with its byte count). */
function isEndOfData(entry: unknown): boolean {
  const fields = entry as { tnx?: unknown; outByteCount?: unknown } | null;
  return typeof fields === 'object' && fields !== null && fields.tnx === 'message' && typeof fields.outByteCount === 'number';
}

/** The configured domain, or the sender's, reduced to characters a Message-ID may hold. */
function messageIdDomainOf(mail: OutgoingMail): string {
  const candidates = [mail.messageIdDomain, mail.from.address.split('@')[1] ?? ''];
  for (const candidate of candidates) {
    // Internationalized domains in their ASCII (punycode) form, as header syntax requires.
    const domain = domainToASCII(candidate.trim().toLowerCase()).replace(/[^a-z0-9.-]/g, '');
    if (domain.includes('.')) return domain;
  }
  return 'madoguchi.invalid';
}

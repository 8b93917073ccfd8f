import type { Customer, InquiryDetail, InquirySummary, Message } from '../../shared/domain';
import type { MethodInput } from '../../shared/contract';
import { maskCardNumbers } from '../../shared/cardMask';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import type { Executor } from '../db/executor';
import { listAccounts } from '../accounts/accountRepository';
import { withMailLogin, type MailLogin } from '../accounts/mailLogin';
import { emailKey, findCustomerByEmail, getCustomer, insertCustomer } from '../customers/customerRepository';
import { isErasedMessageKey } from '../mail/messageIdentity';
import { sendMail } from '../mail/smtpSend';
import { appendToSentFolder } from '../mail/appendSent';
import { signatureOf } from '../replies/signatureRepository';
import { composeReplyText, quoteOriginal, replyLanguage } from '../../shared/replyText';
import { replySubject } from '../../shared/inquiryNumber';
import * as repo from './inquiryRepository';
import { othersMailIn } from './senderRepository';
import { serverStateOfMessages } from './serverStateRepository';
import { attachmentsOfMessages, htmlOfMessages } from './messageContentRepository';
import { forwardedOfMessages } from './forwardedMessageRepository';
import { ownWords } from '../../shared/storedPlaceholders';
import { userMessage } from '../../shared/userMessages';
import { formatTokyoDateTime } from '../../shared/tokyoTime';
import { inquiryResponseWithdrawnAt } from '../consent/consentRepository';

export async function getInquiryDetail(ws: Workspace, id: number): Promise<InquiryDetail> {
  const inquiry = await repo.getInquirySummary(ws.db, id);
  if (!inquiry) throw new AppError('NOT_FOUND', userMessage('inquiryNotFound', { id }));
  const customer = await getCustomer(ws.db, inquiry.customerId);
  if (!customer) throw new AppError('NOT_FOUND', userMessage('inquiryCustomerNotFound', { id }));
  const messages = (await repo.listMessages(ws.db, id)).map(repo.toMessage);
  const ids = messages.map((m) => m.id);
  const [html, attachments, forwarded, serverState, others] = await Promise.all([
    htmlOfMessages(ws.db, ids),
    attachmentsOfMessages(ws.db, ids),
    forwardedOfMessages(ws.db, ids),
    serverStateOfMessages(ws.db, ids),
    othersMailIn(ws.db, id, customer.id),
  ]);
  for (const m of messages) {
    m.html = html.get(m.id) ?? null;
    m.attachments = attachments.get(m.id) ?? [];
    m.forwarded = forwarded.get(m.id) ?? [];
    Object.assign(m, serverState.get(m.id) ?? { removedOnServerAt: null, answeredElsewhereAt: null });
    const senderCustomerId = others.get(m.id);
    if (senderCustomerId !== undefined) m.senderCustomerId = senderCustomerId;
  }
  const participants: Customer[] = [];
  for (const participantId of new Set(others.values())) {
    const participant = await getCustomer(ws.db, participantId);
    if (participant) participants.push(participant);
  }
  return { inquiry, customer, messages, participants, inquiryResponseWithdrawnAt: await inquiryResponseWithdrawnAt(ws.db, customer.id) };
}

async function summaryOrThrow(ws: Workspace, id: number): Promise<InquirySummary> {
  const summary = await repo.getInquirySummary(ws.db, id);
  if (!summary) throw new AppError('NOT_FOUND', userMessage('inquiryNotFound', { id }));
  return summary;
}

/** An inquiry that came by post, fax or phone, typed in by staff. */
/** How far past now a logged inquiry's received time may be (clocks differ by a little). */
const FUTURE_LEEWAY_MS = 5 * 60_000;
/** No inquiry logged by staff was received before this. */
const EARLIEST_RECEIVED_AT = '2000-01-01T00:00:00.000Z';

export async function logOfflineInquiry(ws: Workspace, input: MethodInput<'inquiries.logOffline'>): Promise<InquirySummary> {
  const at = ws.now();
  // Stored as UTC, as every time is: "…+09:00" compared as text would fall on the wrong day of a report.
  const receivedAt = new Date(input.receivedAt).toISOString();
  // A call logged as received later than now would be answered before it came (a negative response
  // time in the report). A few minutes' leeway for a clock that differs from the caller's.
  if (Date.parse(receivedAt) > Date.parse(at) + FUTURE_LEEWAY_MS) {
    throw new AppError('BAD_REQUEST', userMessage('receivedInFuture', { at: formatTokyoDateTime(receivedAt) }));
  }
  // A year mistyped ("0026" for 2026) would put the inquiry in no report anyone reads.
  if (Date.parse(receivedAt) < Date.parse(EARLIEST_RECEIVED_AT)) throw new AppError('BAD_REQUEST', userMessage('receivedLongAgo'));
  const id = await ws.db.transaction().execute(async (trx) => {
    let customerId = input.customerId;
    if (customerId === undefined) {
      const newCustomer = input.newCustomer as NonNullable<typeof input.newCustomer>;
      // Addresses are one customer's each: staff are pointed to the one who has it, rather than told of a database error.
      const holder = newCustomer.email ? await findCustomerByEmail(trx, newCustomer.email) : null;
      if (holder) throw new AppError('CONFLICT', userMessage('customerEmailTaken', { email: holder.email ?? '', id: holder.id }));
      customerId = (await insertCustomer(trx, newCustomer, at)).id;
    } else {
      const customer = await getCustomer(trx, customerId);
      if (!customer) throw new AppError('NOT_FOUND', userMessage('customerNotFoundSearchAgain', { id: customerId }));
      if (customer.registrationCancelledAt !== null) throw new AppError('CONFLICT', userMessage('customerRegistrationCancelled', { id: customerId }));
    }
    const inquiryId = await repo.insertInquiry(trx, {
      customerId,
      channel: input.channel,
      subject: input.subject,
      receivedAt,
      mailAccountId: null,
      loggedBy: ws.operator,
    });
    await repo.insertMessage(trx, {
      inquiryId,
      direction: 'in',
      messageKey: null,
      inReplyTo: null,
      referenceIds: [],
      fromAddress: null,
      toAddress: null,
      subject: input.subject,
      body: input.body,
      at: receivedAt,
      author: ws.operator,
      mailAccountId: null,
      imapFolder: null,
      imapUid: null,
      imapUidValidity: null,
      senderCustomerId: customerId,
      senderPresumed: 0,
    });
    // Answered on the line: the response time is that of the call, not of when it was typed in.
    if (input.answeredDuringCall) await repo.recordResponse(trx, inquiryId, receivedAt);
    return inquiryId;
  });
  ws.logger.info('inquiry.logged', { inquiryId: id, channel: input.channel, answeredDuringCall: input.answeredDuringCall === true });
  ws.push('inquiries.changed', { inquiryIds: [id] });
  return summaryOrThrow(ws, id);
}

export interface ReplyOptions {
  quoteOriginal?: boolean;
  /**
   * The inquiry's latest message when staff wrote the reply: it answers and quotes the thread as it
   * was then, not a mail that came while the reply waited. Absent or null: the thread as it is now.
   */
  threadSeenUpTo?: number | null;
  /**
   * Runs in the transaction that stores the sent reply, so that whoever sent it (the outbox)
   * records it as sent together with it, before anything else can fail.
   */
  recordSent?: (trx: Executor, message: Message) => Promise<void>;
  /** The Message-ID's own part (before the @), the same at every attempt of one reply; a new one otherwise. */
  messageIdLocalPart?: string;
}

/**
 * Replies by e-mail to the customer, threaded under the latest message of the inquiry, stores
 * the reply and sets the first-response time (once) as soon as the SMTP server took it, then
 * copies it to the Sent folder. Card numbers typed by staff are masked before the mail leaves
 * and before it is stored. Once the server took the mail, nothing may make it be sent again:
 * a failure to store it is SENT_NOT_RECORDED, which says so.
 */
export async function replyToInquiry(ws: Workspace, inquiryId: number, body: string, options: ReplyOptions = {}): Promise<Message> {
  const detail = await getInquiryDetail(ws, inquiryId);
  // Refused as final (BAD_REQUEST): the outbox must not try again.
  if (detail.customer.registrationCancelledAt !== null) throw new AppError('BAD_REQUEST', userMessage('customerRegistrationCancelled', { id: detail.customer.id }));
  // They asked that their data no longer be used to answer them (discontinuation of use): refused as final too.
  if (detail.inquiryResponseWithdrawnAt !== null) throw responseWithdrawn(detail.customer.id, detail.inquiryResponseWithdrawnAt);
  const to = detail.customer.email;
  if (!to) throw new AppError('BAD_REQUEST', userMessage('customerHasNoEmail'));
  const row = await repo.getInquiryRow(ws.db, inquiryId);
  const accountId = row?.mailAccountId ?? (await listAccounts(ws.db))[0]?.id;
  if (accountId === undefined) throw new AppError('BAD_REQUEST', userMessage('noMailAccount'));
  const reply: Reply = { inquiryId, detail, to, body, quoteOriginal: options.quoteOriginal !== false, threadSeenUpTo: options.threadSeenUpTo ?? null, recordSent: options.recordSent, messageIdLocalPart: options.messageIdLocalPart };
  return withMailLogin(ws, accountId, (login) => sendReply(ws, reply, login));
}

interface Reply {
  inquiryId: number;
  detail: InquiryDetail;
  to: string;
  body: string;
  quoteOriginal: boolean;
  threadSeenUpTo: number | null;
  recordSent: ReplyOptions['recordSent'];
  messageIdLocalPart: string | undefined;
}

async function sendReply(ws: Workspace, { inquiryId, detail, to, body, quoteOriginal: quote, threadSeenUpTo, recordSent, messageIdLocalPart }: Reply, { account, imap, smtp }: MailLogin): Promise<Message> {
  const rows = await repo.listMessages(ws.db, inquiryId);
  // Latest first in the order the mails reached Madoguchi: a customer's Date header may be behind
  // our own reply's (a slow clock, a mail sent late from an outbox), and still answers it. Only
  // what staff saw when they wrote: a mail that came while the reply waited is not what it answers.
  // Nor what was erased with a registration (someone copied on the thread, who cancelled theirs).
  const seen = rows.filter((m) => (threadSeenUpTo === null || m.id <= threadSeenUpTo) && !(m.messageKey !== null && isErasedMessageKey(m.messageKey)));
  const latestFirst = [...seen].sort((a, b) => b.id - a.id);
  // The reply goes to the customer, so it answers and quotes their own latest mail: one from someone
  // else in the thread (a colleague they copied once, who then wrote to us alone) may never have
  // reached them, and is not theirs to be shown. Where they wrote none with a Message-ID (a phone
  // inquiry), it follows our own latest reply.
  const customerAddress = emailKey(to);
  const fromCustomer = (m: StoredMessage) => m.direction === 'in' && ((m.senderCustomerId === detail.customer.id && m.senderPresumed === 0) || (m.fromAddress !== null && emailKey(m.fromAddress) === customerAddress));
  const parent = latestFirst.find((m) => fromCustomer(m) && hasMessageId(m)) ?? latestFirst.find((m) => m.direction === 'out' && hasMessageId(m));
  const references = parent ? referencesAfter(parent, seen) : [];
  // Quoted under an attribution line: what staff are answering.
  const original = quote ? latestFirst.find(fromCustomer) : undefined;
  // Its attribution line in the language staff wrote the reply in: an English reply says "wrote:", not "様:".
  // A name stored for a customer who gave none is not theirs to be called by: the attribution goes without it.
  const quoted = original ? quoteOriginal(original.body, original.at, ownWords(detail.customer.name), replyLanguage(body)) : null;
  const signature = await signatureOf(ws.db, account.id);
  const text = maskCardNumbers(composeReplyText(body, { signature, quote: quoted }));
  // A subject stored for a mail without one is not the customer's words: "Re: [#12]", as a mail client answers such a mail.
  const subject = replySubject(ownWords(detail.inquiry.subject), detail.inquiry.id);
  const sent = await sendMail(
    smtp,
    {
      from: { name: account.fromName, address: account.fromAddress },
      to,
      subject,
      text,
      ...(parent?.messageKey ? { inReplyTo: parent.messageKey } : {}),
      references,
      messageIdDomain: account.fromAddress.split('@')[1] ?? 'madoguchi.local',
      ...(messageIdLocalPart ? { messageIdLocalPart } : {}),
    },
  );
  const at = ws.now();
  let message: Message;
  try {
    message = await ws.db.transaction().execute(async (trx) => {
      const stored = await repo.insertMessage(trx, {
        inquiryId,
        direction: 'out',
        messageKey: sent.messageId,
        inReplyTo: parent?.messageKey ?? null,
        referenceIds: references,
        fromAddress: account.fromAddress,
        toAddress: to,
        subject,
        body: text,
        at,
        author: ws.operator,
        mailAccountId: account.id,
        imapFolder: null,
        imapUid: null,
        imapUidValidity: null,
        senderCustomerId: null,
        senderPresumed: 0,
      });
      await repo.recordResponse(trx, inquiryId, at);
      const reply = { ...stored, html: null, attachments: [] };
      await recordSent?.(trx, reply);
      return reply;
    });
  } catch (error) {
    // The database's code (SQLITE_FULL …), never its words or the mail's.
    const code = error instanceof AppError ? error.code : typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : 'INTERNAL';
    ws.logger.error('inquiry.replyNotRecorded', { inquiryId, code });
    // Its copy in Sent is then the record of what went out: staff are told to look there before anything else.
    await appendToSentFolder(imap, sent.raw).catch(() => ws.logger.warn('inquiry.sentCopyFailed', { inquiryId, code: 'NOT_RECORDED' }));
    throw new AppError('SENT_NOT_RECORDED', userMessage('sentNotRecorded', { detail: code }));
  }
  ws.logger.info('inquiry.replied', { inquiryId });
  ws.push('inquiries.changed', { inquiryIds: [inquiryId] });
  // A copy in the Sent folder, as a mail client keeps one; failing that is reported, not fatal.
  let sentCopy: NonNullable<Message['sentCopy']>;
  try {
    const folder = await appendToSentFolder(imap, sent.raw);
    sentCopy = { folder, error: null };
  } catch (error) {
    sentCopy = { folder: null, error: error instanceof Error ? error.message : String(error) };
    ws.logger.warn('inquiry.sentCopyFailed', { inquiryId, code: error instanceof AppError ? error.code : 'INTERNAL' });
  }
  return { ...message, sentCopy };
}

type StoredMessage = Awaited<ReturnType<typeof repo.listMessages>>[number];

/** A message with a Message-ID of its own (not the content hash of a mail without one, nor a phone note's key). */
function hasMessageId(message: StoredMessage): boolean {
  return message.messageKey !== null && !message.messageKey.includes('@madoguchi.invalid');
}

/** How many earlier messages of the thread a reply names when its parent names none (the first and the latest). */
const MAX_THREAD_REFERENCES = 10;

/**
 * The References of a reply to `parent` (RFC 5322 3.6.4): the parent's References and its
 * Message-ID. A parent with only In-Reply-To (some webmail writes no References) gets the chain
 * of the message it answered, where that is in the thread; a parent with neither (a mail that
 * joined by the inquiry number in its subject) gets the thread's earlier mails, the first and
 * the latest. So mail clients that thread by References still see the whole conversation.
 */
function referencesAfter(parent: StoredMessage, thread: StoredMessage[]): string[] {
  const split = (ids: string | null) => ids?.split(' ').filter(Boolean) ?? [];
  let before = split(parent.referenceIds);
  if (!before.length && parent.inReplyTo) {
    const answered = thread.find((m) => m.messageKey === parent.inReplyTo);
    before = [...(answered ? split(answered.referenceIds) : []), parent.inReplyTo];
  }
  if (!before.length) {
    const earlier = thread.filter((m) => m.id < parent.id && hasMessageId(m)).sort((a, b) => a.id - b.id).map((m) => m.messageKey as string);
    before = earlier.length > MAX_THREAD_REFERENCES ? [earlier[0] as string, ...earlier.slice(1 - MAX_THREAD_REFERENCES)] : earlier;
  }
  return [...new Set([...before, parent.messageKey as string])];
}

/**
 * Sets an inquiry's status. Marked answered, it is answered now unless it was before: the first
 * response of an inquiry staff answered by phone, letter or fax (or from another mail program),
 * which the response-time report counts like a reply sent from here.
 */
export async function setInquiryStatus(
  ws: Workspace,
  inquiryId: number,
  status: InquirySummary['status'],
  options: { undoFirstResponseAt?: string | undefined } = {},
): Promise<InquirySummary> {
  await summaryOrThrow(ws, inquiryId);
  if (status === 'answered') await repo.recordResponse(ws.db, inquiryId, ws.now());
  else await repo.setInquiryStatus(ws.db, inquiryId, status);
  // "Answered" picked by mistake and undone: the first response it set goes with it (the first reply sent since, if any, is the first response).
  if (options.undoFirstResponseAt !== undefined && status !== 'answered') await repo.takeBackFirstResponse(ws.db, inquiryId, options.undoFirstResponseAt);
  ws.push('inquiries.changed', { inquiryIds: [inquiryId] });
  return summaryOrThrow(ws, inquiryId);
}

/** Why no reply goes to a customer who asked that their data no longer be used to respond to them (BAD_REQUEST: final for the outbox). */
export function responseWithdrawn(customerId: number, at: string): AppError {
  return new AppError('BAD_REQUEST', userMessage('inquiryResponseWithdrawn', { id: customerId, at: formatTokyoDateTime(at) }));
}

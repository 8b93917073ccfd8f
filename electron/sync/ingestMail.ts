import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { syncCursorStatements, type QuarantineSummary, type SyncCursorStatements } from '../accounts/syncStateRepository';
import { customerIngestStatements, emailKey, type CustomerIngestStatements } from '../customers/customerRepository';
import { inquiryIngestStatements, type InquiryIngestStatements } from '../inquiries/inquiryRepository';
import { messageContentStatements, type MessageContentStatements } from '../inquiries/messageContentRepository';
import { serverStateIngestStatements, type ServerStateIngestStatements } from '../inquiries/serverStateRepository';
import type { InboundMail } from '../mail/parseInboundMail';
import { isReadableDate, reusedIdKey } from '../mail/messageIdentity';
import { inquiryNumbersIn } from '../../shared/inquiryNumber';
import { STORED_PLACEHOLDERS } from '../../shared/storedPlaceholders';
import { userMessage } from '../../shared/userMessages';

export type IngestOutcome =
  | { kind: 'new'; inquiryId: number; archived: boolean }
  | { kind: 'threaded'; inquiryId: number; archived: boolean }
  | { kind: 'duplicate' }
  | { kind: 'automatic'; undeliverable: number }
  | { kind: 'own' };

/** Where a mail was found, and what the account says about it. */
export interface IngestContext {
  accountId: number;
  folder: string;
  /** The folder's UIDVALIDITY, recorded with a mail set aside. */
  uidValidity: string | null;
  /** ISO: mail that arrived on the server before this instant is history (stored archived, closed); null: all mail is new. */
  archiveBefore: string | null;
  /** Lower-cased addresses Madoguchi sends from. */
  ownAddresses: ReadonlySet<string>;
  now: string;
}

export interface ArrivedMail {
  uid: number;
  /** When the server received it (INTERNALDATE), ISO. */
  internalDate: string;
  mail: InboundMail;
  /** Someone answered it from another mail client before it was fetched (\\Answered): marked so, as a later change would be. */
  answeredOnServer?: boolean;
}

/** The prepared statements ingest runs on, from the repositories of each concern. */
export interface IngestStore {
  inquiries: InquiryIngestStatements;
  customers: CustomerIngestStatements;
  cursor: SyncCursorStatements;
  serverState: ServerStateIngestStatements;
  /** The HTML part and attachments of each stored message. */
  content?: MessageContentStatements;
}

export function ingestStore(raw: BetterSqlite3.Database): IngestStore {
  return { inquiries: inquiryIngestStatements(raw), customers: customerIngestStatements(raw), cursor: syncCursorStatements(raw), serverState: serverStateIngestStatements(raw), content: messageContentStatements(raw) };
}

/**
 * Files one parsed mail, synchronously, inside the caller's transaction:
 *
 * - a mail already stored (same Message-ID, or the same content hash) is skipped: that is how a
 *   mail found in several folders or accounts, or found again after a crash or a UIDVALIDITY
 *   change, stays one message;
 * - automatic mail (auto-replies, bounces) opens nothing and is never answered, so no robot can
 *   start a loop with Madoguchi; a bounce marks the failed addresses undeliverable, unless it
 *   arrived before the account's import date;
 * - mail from Madoguchi's own sending addresses is not a customer's inquiry;
 * - a reply joins its thread by In-Reply-To/References, then by an inquiry number "[#123]" in the
 *   subject from the same customer; anything else opens a new inquiry. Subjects alone never merge.
 *
 * Mail that arrived before the account's import date is stored as history: a new inquiry is
 * closed and archived, and joining a thread does not reopen it.
 */
export function ingestMail(store: IngestStore, arrived: ArrivedMail, ctx: IngestContext): IngestOutcome {
  let { mail } = arrived;
  const stored = store.inquiries.storedCopyOf(mail.messageKey, mail);
  const found = (keys: string[]) => store.cursor.foundInMailboxReadNow(ctx.accountId, { keys, summary: quarantineSummaryOf(arrived.mail), dated: isReadableDate(mail.originDate) });
  if (stored && 'copy' in stored) {
    found([arrived.mail.messageKey, stored.copy]);
    // Perhaps fetched again after its folder was renumbered (a sync cut short before it could skip it).
    foundAgain(store, stored.copy, arrived.uid, ctx);
    return { kind: 'duplicate' };
  }
  // Another mail already came with this Message-ID (its program gives every mail the same): this
  // one is kept under a key of its own.
  if (stored) mail = { ...mail, messageKey: reusedIdKey(mail.messageKey, mail) };
  found([arrived.mail.messageKey, mail.messageKey]);

  const archived = ctx.archiveBefore !== null && arrived.internalDate < ctx.archiveBefore;
  if (mail.automatic) {
    // A bounce from before the import date is history: the address may have been fixed since.
    let undeliverable = 0;
    if (!archived) for (const address of mail.failedRecipients) undeliverable += store.customers.markEmailUndeliverable(address);
    const failed = mail.failedRecipients.length;
    const reason = failed ? userMessage(archived ? 'bounceBeforeImportDate' : 'bounce', { failed, marked: undeliverable }) : userMessage('automaticMail');
    store.cursor.quarantine({ ...ctx, uid: arrived.uid }, reason, ctx.now, quarantineSummaryOf(mail));
    return { kind: 'automatic', undeliverable };
  }
  if (mail.fromAddress && ctx.ownAddresses.has(mail.fromAddress)) {
    store.cursor.quarantine({ ...ctx, uid: arrived.uid }, userMessage('ownAddress'), ctx.now, quarantineSummaryOf(mail));
    return { kind: 'own' };
  }

  let inquiryId = store.inquiries.inquiryOfMessageKeys([...(mail.inReplyTo ? [mail.inReplyTo] : []), ...mail.references], mail.fromAddress ? emailKey(mail.fromAddress) : null);
  if (inquiryId === null) inquiryId = inquiryNumberedBySameCustomer(store, mail);

  const kind = inquiryId === null ? 'new' : 'threaded';
  const receivedAt = receivedAtOf(mail.date, arrived.internalDate);
  const knownSender = mail.fromAddress ? store.customers.idByEmail(mail.fromAddress) : null;
  let senderCustomerId: number | null;
  let senderPresumed = 0;
  if (inquiryId === null) {
    senderCustomerId = knownSender ?? store.customers.insert({ name: mail.fromName || mail.fromAddress || STORED_PLACEHOLDERS.unknownSender, email: mail.fromAddress }, ctx.now);
    inquiryId = store.inquiries.insertInquiry({
      customerId: senderCustomerId,
      channel: 'email',
      subject: mail.subject || STORED_PLACEHOLDERS.noSubject,
      receivedAt,
      mailAccountId: ctx.accountId,
      loggedBy: null,
      status: archived ? 'closed' : 'open',
      archived,
    });
  } else {
    // In the thread by its headers, whoever sent it: the mail is the customer's whose address it came
    // from (someone they copied, replying to all), or from an address no customer has, presumed their own.
    senderCustomerId = knownSender ?? store.inquiries.customerOfInquiry(inquiryId);
    if (knownSender === null && mail.fromAddress) senderPresumed = 1;
    // The customer wrote again: the inquiry needs attention.
    if (!archived) store.inquiries.reopen(inquiryId, receivedAt);
  }
  const messageId = store.inquiries.insertMessage({
    inquiryId,
    direction: 'in',
    messageKey: mail.messageKey,
    inReplyTo: mail.inReplyTo,
    referenceIds: mail.references,
    fromAddress: mail.fromAddress,
    toAddress: mail.toAddress,
    subject: mail.subject,
    body: mail.text,
    at: mail.date,
    author: null,
    mailAccountId: ctx.accountId,
    imapFolder: ctx.folder,
    imapUid: arrived.uid,
    imapUidValidity: ctx.uidValidity,
    senderCustomerId,
    senderPresumed,
    originDate: mail.originDate,
  });
  // The Message-ID it came with no longer threads mail from others (stored only now: set-aside mail, an auto-reply that copied it, does not count).
  if (stored) store.inquiries.markKeyReused(stored.reusedBy);
  // The HTML part, attachments (kept encrypted, size-limited) and forwarded messages go with the message.
  store.content?.store(messageId, { html: mail.html ?? null, attachments: mail.attachments, forwarded: mail.forwarded ?? [] });
  if (arrived.answeredOnServer) store.serverState.markAnsweredElsewhere(messageId, ctx.now);
  return { kind, inquiryId, archived };
}

/**
 * A stored mail found in this folder again, under `uid`: after the server renumbered the folder,
 * or after the mail was moved here from the folder it was stored from, that is where it is now,
 * so that changes to it on the server are still learned.
 */
export function foundAgain(store: IngestStore, messageKey: string, uid: number, ctx: IngestContext): void {
  if (ctx.uidValidity === null) return;
  for (const moved of store.inquiries.relocateMessage(messageKey, { accountId: ctx.accountId, folder: ctx.folder, uid, uidValidity: ctx.uidValidity })) store.serverState.markFoundElsewhere(moved);
}

/** How much earlier than its arrival a mail's Date may be and still count as when the customer wrote. */
const MAX_SENDER_CLOCK_BEHIND_MS = 24 * 60 * 60 * 1000;

/**
 * When the customer wrote (the Date header), but never after the mail reached their server: a
 * sender's clock that runs fast would make a prompt answer look given before the question (a
 * negative response time). Nor more than a day before: a clock years behind, or a mail that sat in
 * an outbox over a weekend, would put the inquiry in a month already reported, with days of wait
 * staff could not have cut. Then it is when the mail arrived.
 */
export function receivedAtOf(dateHeader: string, arrivedAt: string): string {
  const behindMs = Date.parse(arrivedAt) - Date.parse(dateHeader);
  return behindMs > 0 && behindMs <= MAX_SENDER_CLOCK_BEHIND_MS ? dateHeader : arrivedAt;
}

/** What staff recognise a mail set aside by (its sender, subject and date), and its key. */
export function quarantineSummaryOf(mail: InboundMail): QuarantineSummary {
  const from = mail.fromName && mail.fromAddress ? `${mail.fromName} <${mail.fromAddress}>` : (mail.fromAddress ?? mail.fromName);
  return { from, subject: mail.subject, date: mail.date, messageKey: mail.messageKey };
}

/**
 * Why a mail is set aside when the database refused its data (a constraint, a value too big):
 * null for anything else (a full disk, an I/O error, a bug), which fails what was being stored, so
 * that no mail is ever set aside for a reason that is not its own.
 */
export function refusedDataReason(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  const refused = typeof code === 'string' && (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_TOOBIG' || code === 'SQLITE_MISMATCH');
  return refused ? userMessage('notStored', { code }) : null;
}

/** The first inquiry numbered in the subject (the last written first) that is the sender's own. */
function inquiryNumberedBySameCustomer(store: IngestStore, mail: InboundMail): number | null {
  if (!mail.fromAddress) return null;
  for (const inquiryId of inquiryNumbersIn(mail.subject)) {
    const customerId = store.inquiries.customerOfInquiry(inquiryId);
    if (customerId !== null && store.customers.emailOf(customerId) === mail.fromAddress) return inquiryId;
  }
  return null;
}

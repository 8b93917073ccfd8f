import { randomUUID } from 'node:crypto';
import type { MethodInput } from '../../shared/contract';
import type { Message, OutboxItem } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import { fillTemplate, literalBraces, unknownPlaceholderProblem } from '../../shared/replyText';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import type { OutboxTable } from '../db/schema';
import type { Executor } from '../db/executor';
import { inquiryResponseWithdrawnAt } from '../consent/consentRepository';
import { getInquiryRow, latestMessageId, recordResponse } from '../inquiries/inquiryRepository';
import { replyToInquiry, responseWithdrawn } from '../inquiries/inquiryService';
import { getCustomer, markEmailUndeliverable } from '../customers/customerRepository';
import { isUnknownRecipient } from '../mail/smtpError';
import type { Selectable } from 'kysely';
import { userMessage } from '../../shared/userMessages';

export interface OutboxOptions {
  /** How long a queued reply waits, so staff can take it back. */
  undoMs?: number;
  /** The first retry after a failed send; each further one waits twice as long (at most an hour). */
  retryBaseMs?: number;
  /** Sends tried before the reply is marked failed (staff can still send it again). */
  maxAttempts?: number;
  tickMs?: number;
  /** The clock that schedules sends (the workspace clock may be fixed in tests). */
  clock?: () => number;
}

type ReplyInput = MethodInput<'outbox.queue'>;

export interface Outbox {
  queue(input: ReplyInput): Promise<OutboxItem>;
  /**
   * Sends a reply now, without the undo window (`inquiries.reply`), and resolves to it as stored
   * in the thread. It goes through the outbox all the same (checked, masked, never sent twice, seen
   * by a cancellation): a send that fails throws why, and the reply stays in the outbox, retried
   * like any other.
   */
  sendAtOnce(input: ReplyInput): Promise<Message>;
  /** `checked`: staff made sure whether a reply that may have gone did; without it such a reply is refused (CONFLICT). */
  cancel(id: number, options?: { checked: boolean }): Promise<OutboxItem>;
  sendNow(id: number, options?: { checked: boolean }): Promise<OutboxItem>;
  list(inquiryId: number): Promise<OutboxItem[]>;
  /** Stops sending; waits for a send in progress. Queued replies stay queued for the next unlock. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 60 * 60 * 1000;
const SENT_COPY_WARNING_MS = 24 * 60 * 60 * 1000;
/**
 * Failures a retry must not follow: the inquiry or the address is wrong, not the server; the
 * login was refused (trying again and again can lock the account: staff fix it and send again);
 * the server refused the mail for good (a 5xx answer: no such recipient), where a retry is
 * refused the same way; or the mail may already have reached the customer, where a retry would
 * send it twice.
 */
const FINAL_CODES = new Set(['BAD_REQUEST', 'NOT_FOUND', 'UNKNOWN_METHOD', 'SMTP_AUTH_FAILED', 'SMTP_REJECTED', 'OAUTH_TOKEN_EXPIRED', 'SMTP_OUTCOME_UNKNOWN', 'SENT_NOT_RECORDED']);

/** Failures after which the reply may be with the customer, or is: their message tells staff to check, never to send from the outbox. */
const MAY_HAVE_GONE = new Set(['SMTP_OUTCOME_UNKNOWN', 'SENT_NOT_RECORDED']);

const toItem = (row: Selectable<OutboxTable>): OutboxItem => ({ ...row, quoteOriginal: row.quoteOriginal === 1, mayHaveGone: row.mayHaveGone === 1 });

/** The ids of the customer's inquiries, as a subquery: the outbox rows about them are the replies to the customer. */
const inquiriesOf = (db: Executor, customerId: number) => db.selectFrom('inquiries').select('id').where('customerId', '=', customerId);

/** Replies to a customer's inquiries that are not (or not yet) sent, with their text: what the outbox holds about them. */
export async function listUnsentRepliesOfCustomer(db: Executor, customerId: number): Promise<OutboxItem[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('inquiryId', 'in', inquiriesOf(db, customerId))
    .where('status', '!=', 'sent')
    .orderBy('queuedAt')
    .orderBy('id')
    .execute();
  return rows.map(toItem);
}

/** A reply to one of the customer's inquiries is being sent at this moment. */
export async function isReplyToCustomerBeingSent(db: Executor, customerId: number): Promise<boolean> {
  const row = await db.selectFrom('outbox').select('id').where('inquiryId', 'in', inquiriesOf(db, customerId)).where('status', '=', 'sending').executeTakeFirst();
  return row !== undefined;
}

/** Takes back every reply to the customer that waits or failed (their registration was cancelled, or they asked not to be answered); the inquiries they were for. */
export async function cancelUnsentRepliesToCustomer(db: Executor, customerId: number): Promise<number[]> {
  const rows = await db
    .updateTable('outbox')
    .set({ status: 'cancelled' })
    .where('inquiryId', 'in', inquiriesOf(db, customerId))
    .where('status', 'in', ['queued', 'retrying', 'failed'])
    .returning('inquiryId')
    .execute();
  return [...new Set(rows.map((row) => row.inquiryId))];
}

/**
 * The outbox: a reply waits out the undo window, then goes out through replyToInquiry (SMTP,
 * stored in the thread, a copy in Sent). A failed send is retried with exponential back-off and
 * the server's reason is kept on the item for staff to see. Items live in the encrypted database,
 * so a relaunch resumes them; one interrupted mid-send is marked failed, never sent twice blindly.
 */
export function createOutbox(ws: Workspace, options: OutboxOptions = {}): Outbox {
  const undoMs = options.undoMs ?? 10_000;
  const retryBaseMs = options.retryBaseMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 6;
  const clock = options.clock ?? Date.now;
  const at = (ms: number) => new Date(ms).toISOString();
  let stopped = false;
  let running: Promise<void> | null = null;
  /** Replies being sent at once (inquiries.reply): stop() waits for them too. */
  const sendingAtOnce = new Set<Promise<Message>>();

  const changed = (inquiryId: number) => ws.push('outbox.changed', { inquiryIds: [inquiryId] });

  /** A reply as the outbox takes it: checked, its card numbers masked, and written down with `status`, due in `delayMs`. */
  const admit = async (input: ReplyInput, status: 'queued' | 'sending', delayMs: number): Promise<Selectable<OutboxTable>> => {
    // A template filled in with a placeholder written wrong: the customer would read "{{customername}}様".
    const problem = unknownPlaceholderProblem(input.body);
    if (problem) throw new AppError('BAD_REQUEST', userMessage('replyNotQueued', { problem }));
    await interrupted;
    // An inquiry view opened before the customer's registration was cancelled (here or in another window).
    const customer = await ws.db
      .selectFrom('inquiries')
      .innerJoin('customers', 'customers.id', 'inquiries.customerId')
      .select(['customers.id', 'customers.name', 'customers.registrationCancelledAt'])
      .where('inquiries.id', '=', input.inquiryId)
      .executeTakeFirst();
    if (customer?.registrationCancelledAt) throw new AppError('CONFLICT', userMessage('customerRegistrationCancelled', { id: customer.id }));
    const withdrawnAt = customer ? await inquiryResponseWithdrawnAt(ws.db, customer.id) : null;
    if (customer && withdrawnAt) throw responseWithdrawn(customer.id, withdrawnAt);
    // What staff answered: the thread as it was when they wrote, whatever comes while the reply waits.
    const latest = await latestMessageId(ws.db, input.inquiryId);
    return ws.db
      .insertInto('outbox')
      .values({
        inquiryId: input.inquiryId,
        threadSeenUpTo: latest,
        // A placeholder written right but by hand (pasted from a template's text) is filled in too, not sent in braces.
        body: maskCardNumbers(literalBraces(customer ? fillTemplate(input.body, { customerName: customer.name, inquiryNumber: input.inquiryId, operator: ws.operator }) : input.body)),
        quoteOriginal: input.quoteOriginal === false ? 0 : 1,
        status,
        attempts: status === 'sending' ? 1 : 0,
        sendAt: at(clock() + delayMs),
        lastError: null,
        messageId: null,
        // One Message-ID for every attempt: a reply that went twice is one mail to the customer's mail program.
        mailMessageId: randomUUID(),
        queuedBy: ws.operator,
        queuedAt: ws.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  };
  const get = async (id: number) => {
    const row = await ws.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', userMessage('outboxItemNotFound', { id }));
    return row;
  };

  /** The address a reply goes to: the customer's as the send starts. */
  const recipientOf = async (inquiryId: number): Promise<{ customerId: number; address: string } | null> => {
    const inquiry = await getInquiryRow(ws.db, inquiryId);
    const address = inquiry ? (await getCustomer(ws.db, inquiry.customerId))?.email : null;
    return inquiry && address ? { customerId: inquiry.customerId, address } : null;
  };

  /** The server said the address does not exist: that address is marked, not one staff gave the customer while it was being sent. */
  const markRecipientUndeliverable = async (inquiryId: number, recipient: { customerId: number; address: string } | null) => {
    if (recipient) await markEmailUndeliverable(ws.db, recipient.customerId, recipient.address);
    ws.logger.info('outbox.recipientUndeliverable', { inquiryId });
  };

  /** Claims a due reply and sends it: a cancel that came first wins, and no second tick takes it too. */
  const sendOne = async (row: Selectable<OutboxTable>): Promise<void> => {
    const claimed = await ws.db
      .updateTable('outbox')
      .set({ status: 'sending', attempts: row.attempts + 1 })
      .where('id', '=', row.id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    changed(row.inquiryId);
    await deliver(row, row.attempts + 1);
  };

  /** Sends a claimed reply (its status 'sending', this its `attempts`th try); what went wrong is kept on it, and given back with whether it is final. */
  const deliver = async (row: Selectable<OutboxTable>, attempts: number): Promise<{ sent: Message } | { error: unknown; final: boolean }> => {
    let sent: Message;
    const recipient = await recipientOf(row.inquiryId);
    try {
      sent = await replyToInquiry({ ...ws, operator: row.queuedBy }, row.inquiryId, row.body, {
        quoteOriginal: row.quoteOriginal === 1,
        threadSeenUpTo: row.threadSeenUpTo,
        ...(row.mailMessageId ? { messageIdLocalPart: row.mailMessageId } : {}),
        // Sent in the same transaction as the reply is stored: a crash or a lock while the copy goes to Sent cannot make it look unsent.
        recordSent: async (trx, message) => {
          await trx.updateTable('outbox').set({ status: 'sent', messageId: message.id, lastError: null, sendAt: at(clock()) }).where('id', '=', row.id).execute();
        },
      });
    } catch (error) {
      const code = error instanceof AppError ? error.code : 'INTERNAL';
      const final = FINAL_CODES.has(code) || attempts >= maxAttempts;
      // What staff see: the app's own words; anything else (a bug's text) stays out, its code in the log.
      const message = error instanceof AppError ? error.message : userMessage('replyFailedUnexpectedly');
      // Sent, only not stored in the thread: never offered to be sent (or taken back) again.
      const sentUnrecorded = code === 'SENT_NOT_RECORDED';
      await ws.db
        .updateTable('outbox')
        .set({
          status: sentUnrecorded ? 'sent' : final ? 'failed' : 'retrying',
          lastError: message,
          ...(code === 'SMTP_OUTCOME_UNKNOWN' ? { mayHaveGone: 1 } : {}),
          sendAt: sentUnrecorded ? at(clock()) : at(clock() + Math.min(MAX_BACKOFF_MS, retryBaseMs * 2 ** (attempts - 1))),
        })
        .where('id', '=', row.id)
        // Only a reply still being sent failed: one recorded as sent stays sent, never to go twice.
        .where('status', '=', 'sending')
        .execute();
      ws.logger.warn('outbox.sendFailed', { outboxId: row.id, attempts, code, final });
      // It went: the inquiry was answered then, for the report too, where the database takes that much.
      if (sentUnrecorded) {
        await recordResponse(ws.db, row.inquiryId, at(clock())).catch(() => ws.logger.warn('outbox.responseNotRecorded', { outboxId: row.id }));
        ws.push('inquiries.changed', { inquiryIds: [row.inquiryId] });
      }
      // The address does not exist: it bounces, like one a bounce told of (off the mailing list, flagged on the customer).
      if (isUnknownRecipient(error)) await markRecipientUndeliverable(row.inquiryId, recipient);
      changed(row.inquiryId);
      return { error, final };
    }
    ws.logger.info('outbox.sent', { outboxId: row.id, inquiryId: row.inquiryId });
    // lastError of a sent reply: its copy could not be stored in the Sent folder (the reply went out).
    // The reply is recorded as sent already: should this note fail too, it stays sent, only unnoted.
    if (sent.sentCopy?.error) {
      await ws.db
        .updateTable('outbox')
        .set({ lastError: sent.sentCopy.error })
        .where('id', '=', row.id)
        .execute()
        .catch(() => ws.logger.warn('outbox.sentCopyNoteFailed', { outboxId: row.id }));
    }
    changed(row.inquiryId);
    return { sent };
  };

  const tick = async () => {
    for (;;) {
      if (stopped) return;
      const due = await ws.db
        .selectFrom('outbox')
        .selectAll()
        .where('status', 'in', ['queued', 'retrying'])
        .where('sendAt', '<=', at(clock()))
        .orderBy('sendAt')
        .orderBy('id')
        .executeTakeFirst();
      if (!due) return;
      await sendOne(due);
    }
  };
  const kick = () => {
    if (running || stopped) return;
    running = tick()
      .catch((error: unknown) => ws.logger.warn('outbox.tickFailed', { code: error instanceof AppError ? error.code : 'INTERNAL' }))
      .finally(() => (running = null));
  };

  // A send cut off by a crash or a lock may or may not have reached the server: say so, do not resend.
  const interrupted = ws.db
    .updateTable('outbox')
    .set({ status: 'failed', lastError: userMessage('replyInterrupted'), mayHaveGone: 1 })
    .where('status', '=', 'sending')
    .execute()
    // A reply queued just before Madoguchi closed gets its undo window again, rather than going at the first tick unseen.
    .then(() =>
      ws.db
        .updateTable('outbox')
        .set({ sendAt: at(clock() + undoMs) })
        .where('status', '=', 'queued')
        .where('attempts', '=', 0)
        .where('sendAt', '<', at(clock() + undoMs))
        .execute(),
    );
  const timer = setInterval(() => void interrupted.then(kick), options.tickMs ?? 500);
  timer.unref?.();

  return {
    async queue(input) {
      const row = await admit(input, 'queued', undoMs);
      ws.logger.info('outbox.queued', { outboxId: row.id, inquiryId: row.inquiryId });
      changed(row.inquiryId);
      return toItem(row);
    },
    async sendAtOnce(input) {
      // Locking closes the database: a send that began would not be recorded, and could go twice.
      if (stopped) throw new AppError('LOCKED', userMessage('locked'));
      const sending = (async () => {
        // Claimed as it is written: no tick takes it, and a crash mid-send leaves it marked interrupted, never sent twice.
        const row = await admit(input, 'sending', 0);
        ws.logger.info('outbox.sendingAtOnce', { outboxId: row.id, inquiryId: row.inquiryId });
        changed(row.inquiryId);
        const outcome = await deliver(row, row.attempts);
        if ('sent' in outcome) return outcome.sent;
        // Why, and what becomes of the reply: retried by itself, or waiting for staff.
        const { error, final } = outcome;
        const code = error instanceof AppError ? error.code : 'INTERNAL';
        const reason = error instanceof AppError ? error.message : userMessage('replyFailedUnexpectedly');
        // A reply that may have gone, or went: its reason says what to do, and nothing is to be sent from the outbox.
        if (MAY_HAVE_GONE.has(code)) throw new AppError(code, reason);
        throw new AppError(code, userMessage(final ? 'replyKeptUnsent' : 'replyWillBeRetried', { reason }));
      })();
      sendingAtOnce.add(sending);
      try {
        return await sending;
      } finally {
        sendingAtOnce.delete(sending);
      }
    },
    async cancel(id, { checked } = { checked: false }) {
      const result = await ws.db
        .updateTable('outbox')
        .set({ status: 'cancelled' })
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'retrying', 'failed'])
        .where((eb) => (checked ? eb.lit(true) : eb('mayHaveGone', '=', 0)))
        .executeTakeFirst();
      const row = await get(id);
      if (Number(result.numUpdatedRows) === 0) {
        // Taken back already (undo pressed twice, or in two windows): it stays so.
        if (row.status === 'cancelled') return toItem(row);
        if (row.mayHaveGone === 1 && row.status === 'failed') throw new AppError('CONFLICT', userMessage('replyMayHaveGone'));
        throw new AppError('CONFLICT', userMessage(row.status === 'sent' ? 'replyAlreadySent' : 'replyBeingSent'));
      }
      changed(row.inquiryId);
      return toItem(row);
    },
    async sendNow(id, { checked } = { checked: false }) {
      const result = await ws.db
        .updateTable('outbox')
        // A reply that failed for good gets a fresh round of attempts: staff fixed what was wrong, or want to try again.
        // One that may have gone is sent again only once staff checked it did not (and keeps its Message-ID).
        .set((eb) => ({ status: 'queued', sendAt: at(clock()), attempts: eb.case().when('status', '=', 'failed').then(0).else(eb.ref('attempts')).end(), mayHaveGone: 0 }))
        .where('id', '=', id)
        .where('status', 'in', ['queued', 'retrying', 'failed'])
        .where((eb) => (checked ? eb.lit(true) : eb('mayHaveGone', '=', 0)))
        .executeTakeFirst();
      const row = await get(id);
      if (Number(result.numUpdatedRows) === 0 && row.mayHaveGone === 1 && row.status === 'failed') throw new AppError('CONFLICT', userMessage('replyMayHaveGone'));
      if (Number(result.numUpdatedRows) === 0) throw new AppError('CONFLICT', userMessage(row.status === 'sent' ? 'sendNowAlreadySent' : row.status === 'cancelled' ? 'sendNowCancelled' : 'sendNowBeingSent'));
      changed(row.inquiryId);
      kick();
      return toItem(row);
    },
    async list(inquiryId) {
      // As the start left them: an interrupted send marked, a waiting reply's undo window given back.
      await interrupted;
      // Sent replies whose copy could not be stored in the Sent folder stay listed for a day, to say so;
      // those sent but not stored in the thread, for good: the outbox is where their text is.
      const since = new Date(clock() - SENT_COPY_WARNING_MS).toISOString();
      const rows = await ws.db
        .selectFrom('outbox')
        .selectAll()
        .where('inquiryId', '=', inquiryId)
        .where((eb) =>
          eb.or([
            eb('status', 'not in', ['sent', 'cancelled']),
            eb.and([eb('status', '=', 'sent'), eb('lastError', 'is not', null), eb('sendAt', '>=', since)]),
            eb.and([eb('status', '=', 'sent'), eb('messageId', 'is', null)]),
          ]),
        )
        .orderBy('id')
        .execute();
      return rows.map(toItem);
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.allSettled([running, ...sendingAtOnce]);
    },
  };
}

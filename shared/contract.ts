import { z } from 'zod';
import {
  attachmentInfo,
  consentAction,
  consentChannel,
  consentSource,
  customer,
  customerDetail,
  disclosureEntry,
  exportLogRow,
  inquiryChannel,
  inquiryDetail,
  inquiryStatus,
  isoDateTime,
  inquirySummary,
  language,
  mailingListRow,
  message,
  outboxItem,
  purposeKey,
  provisionBasis,
  replyTemplate,
  replyTemplateInput,
  responseTimeRow,
  tokyoDay,
  MIN_PASSPHRASE,
  MAX_INQUIRY_LIST_LIMIT,
  EMAIL_ADDRESS,
} from './domain';
import { accountSyncStatus, mailAccount, mailAccountInput, quarantinedMail, quarantineRetry, syncReport } from './mailAccounts';
import { userMessage } from './userMessages';

/**
 * The one contract between the renderer and the main process. Every method is declared once,
 * here, with the schema of its input and its output; the router validates both, and the
 * renderer's client is typed from this object, so a wrong call does not compile and a wrong
 * payload is refused at the boundary.
 */
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });
const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });
const id = z.object({ id: z.number().int().positive() }).strict();
/** `checked`: staff made sure whether a reply that may have gone did (see OutboxItem.mayHaveGone). */
const outboxAction = z.object({ id: z.number().int().positive(), checked: z.boolean().optional() }).strict();
/**
 * How long what staff type may be: far more than any reply or note, and far less than the
 * loopback host's 4 MiB frame (a Japanese character is 3 bytes), so a paste that is too long is
 * refused here, with the reason, instead of ending the connection.
 */
const MAX_TEXT = 100_000;
const MAX_SUBJECT = 1_000;
const MAX_EVIDENCE = 10_000;
/** A customer's details, as logged with an inquiry and as amended: the same limits both ways. */
const MAX_NAME = 200;
const MAX_EMAIL = 320;
const MAX_PHONE = 100;
const MAX_POSTAL_ADDRESS = 1000;
/** Nothing staff type is longer: a field without a limit could make a call too large for the loopback host's frame, and drop every call in flight with it. */
const MAX_PASSPHRASE = 1000;
const operatorName = z.string().trim().min(1, userMessage('enterOperator')).max(80);
const passphrase = z.string().min(MIN_PASSPHRASE, userMessage('passphraseTooShort')).max(MAX_PASSPHRASE);

export const contract = {
  'session.status': method(
    empty,
    z.object({
      initialized: z.boolean(),
      unlocked: z.boolean(),
      operator: z.string().nullable(),
      /** True where the OS keychain holds the key (Electron) and no lock disarmed it since the passphrase was last entered: unlocking needs no passphrase. */
      keychainUnlock: z.boolean(),
    }),
  ),
  'session.create': method(z.object({ passphrase, operator: operatorName }).strict(), ok),
  'session.unlock': method(
    z.object({ passphrase: z.string().min(1).max(MAX_PASSPHRASE).optional(), operator: operatorName }).strict(),
    ok,
  ),
  /** Changes the passphrase, and the database key with it (the data is re-encrypted): the session stays unlocked. */
  'session.changePassphrase': method(
    z
      .object({ current: z.string().min(1).max(MAX_PASSPHRASE), next: passphrase })
      .strict()
      .refine((change) => change.next.normalize('NFC') !== change.current.normalize('NFC'), { message: userMessage('newPassphraseSame'), path: ['next'] }),
    ok,
  ),
  'session.lock': method(empty, ok),
  /** Staff are at the screen (a key, a click): the session is not locked for being left alone. */
  'session.touch': method(empty, ok),

  'settings.get': method(empty, z.object({ language })),
  'settings.set': method(z.object({ language }).strict(), ok),

  'accounts.list': method(empty, z.array(mailAccount)),
  'accounts.save': method(mailAccountInput.strict(), mailAccount),
  'accounts.remove': method(id, ok),
  /** Starts signing in with the account's OAuth2 provider: the address to open in the browser. */
  'accounts.oauthBegin': method(id, z.object({ authorizeUrl: z.url() })),
  /** Waits (up to five minutes) until the provider has sent staff back and the account's tokens are stored. */
  'accounts.oauthComplete': method(id, mailAccount),
  'sync.run': method(z.object({ accountId: z.number().int().positive() }).strict(), syncReport),
  /** Health of every account's sync: running, last sync, last error, next retry, cursors per folder. */
  'sync.status': method(empty, z.array(accountSyncStatus)),
  /** Stops a running sync of the account; what was stored stays stored and the next sync resumes there. */
  'sync.cancel': method(z.object({ accountId: z.number().int().positive() }).strict(), z.object({ cancelled: z.boolean() })),
  /** Mails set aside by the sync, newest first, with the reason staff can act on (the mail stays on the server). */
  'sync.quarantine': method(z.object({ accountId: z.number().int().positive().optional() }).strict(), z.array(quarantinedMail)),
  /** Fetches a set-aside mail again and reads it anew (after a parser fix, or a changed sending address). */
  /** `asInquiry`: staff judge an automatic mail (a web form's "bulk" mail, say) to be a customer's inquiry: it is filed as one. */
  'sync.retryQuarantined': method(z.object({ id: z.number().int().positive(), asInquiry: z.boolean().optional() }).strict(), quarantineRetry),
  /** Takes a mail set aside from a mailbox the account no longer reads off the list (`fromOldMailbox`); others are refused. */
  'sync.dismissQuarantined': method(z.object({ id: z.number().int().positive() }).strict(), ok),

  'inquiries.list': method(
    z
      .object({
        status: inquiryStatus.optional(),
        channel: inquiryChannel.optional(),
        customerId: z.number().int().optional(),
        /** Words of the subject, the customer's name or address, or the inquiry's number ("#123"). */
        query: z.string().trim().max(200).optional(),
        /** Only those listed after this one (newest first): the next page, from the last inquiry shown. */
        after: z.object({ id: z.number().int().positive(), receivedAt: isoDateTime }).strict().optional(),
        /** How many at most; INQUIRY_LIST_LIMIT when not given. */
        limit: z.number().int().min(1).max(MAX_INQUIRY_LIST_LIMIT).optional(),
      })
      .strict(),
    z.array(inquirySummary),
  ),
  'inquiries.get': method(id, inquiryDetail),
  'inquiries.logOffline': method(
    z
      .object({
        channel: z.enum(['post', 'fax', 'phone']),
        customerId: z.number().int().positive().optional(),
        newCustomer: z
          .object({
            name: z.string().trim().min(1, userMessage('enterText')).max(MAX_NAME),
            // Full-width letters typed with a Japanese input method read as themselves (see emailKey); checked as an amendment checks it.
            email: z
              .string()
              .trim()
              .max(MAX_EMAIL)
              .normalize('NFKC')
              .refine((email) => EMAIL_ADDRESS.test(email), { error: (issue) => userMessage('customerEmailInvalid', { email: String(issue.input) }) })
              .optional(),
            phone: z.string().trim().max(MAX_PHONE).optional(),
            postalAddress: z.string().trim().max(MAX_POSTAL_ADDRESS).optional(),
          })
          .strict()
          .optional(),
        receivedAt: z.iso.datetime({ offset: true }),
        subject: z.string().trim().min(1, userMessage('enterText')).max(MAX_SUBJECT),
        body: z.string().trim().min(1, userMessage('enterText')).max(MAX_TEXT),
        /** A phone call answered while on the line: its first response is the call itself. */
        answeredDuringCall: z.boolean().optional(),
      })
      .strict()
      .refine((v) => (v.customerId === undefined) !== (v.newCustomer === undefined), {
        message: userMessage('chooseOneCustomer'),
      })
      .refine((v) => !v.answeredDuringCall || v.channel === 'phone', { message: userMessage('answeredDuringCallIsPhone') }),
    inquirySummary,
  ),
  /**
   * Sends a reply at once, without the outbox's undo window, and answers with it as stored in the
   * thread. It still goes through the outbox: checked for placeholders, card numbers masked, seen
   * by a registration cancellation, never sent twice. A failed send answers with why, and the reply
   * stays in the outbox, retried like a queued one. (The UI queues replies: outbox.queue.)
   */
  'inquiries.reply': method(
    z
      .object({
        inquiryId: z.number().int().positive(),
        body: z.string().trim().min(1, userMessage('enterText')).max(MAX_TEXT),
        /**
         * Quote the message answered below the reply ("> " lines under an attribution line in
         * Tokyo time). Default true. The account's signature is always added.
         */
        quoteOriginal: z.boolean().optional(),
      })
      .strict(),
    message,
  ),
  /**
   * One attachment's content, to save as a file (or to show as an inline image). Attachments
   * larger than the limit were not kept: asking for one is a NOT_FOUND that says so.
   */
  'attachments.download': method(
    id,
    z.object({ fileName: z.string(), contentType: z.string(), base64: z.string() }),
  ),
  /**
   * Deletes a kept attachment's content for good, as card data that the app could not read (a
   * photo of a card, a scanned form); it stays listed, with who deleted it and when. A file inside
   * a forwarded message goes from the mail's .eml copies of its forwards too. Deleting it again
   * answers with it as it is; CONFLICT when its content was never kept.
   */
  'attachments.remove': method(id, attachmentInfo),

  /**
   * Queues a reply: it is sent after the undo window (`outbox.cancel` until then), and retried with
   * back-off when the SMTP server fails, the reason kept on the item.
   */
  'outbox.queue': method(
    z.object({ inquiryId: z.number().int().positive(), body: z.string().trim().min(1, userMessage('enterText')).max(MAX_TEXT), quoteOriginal: z.boolean().optional() }).strict(),
    outboxItem,
  ),
  /** Takes back a reply that has not started sending; the answer holds its text for the reply box. */
  'outbox.cancel': method(outboxAction, outboxItem),
  /** Sends a waiting or failed reply now (skips the rest of the undo window or the back-off). */
  'outbox.sendNow': method(outboxAction, outboxItem),
  /**
   * Replies of an inquiry not sent yet, or failed (sent and cancelled ones leave the list, except a
   * reply sent in the last day whose Sent-folder copy failed: lastError says why).
   */
  'outbox.list': method(z.object({ inquiryId: z.number().int().positive() }).strict(), z.array(outboxItem)),

  /** Canned replies (Japanese and English) with {{customerName}}, {{inquiryNumber}}, {{operator}}. */
  'templates.list': method(empty, z.array(replyTemplate)),
  /**
   * An edit (with `id`) names the version it was made from (`before`): when the canned reply was
   * changed meanwhile, in another window or by another operator, it is refused instead of
   * overwriting that change unseen.
   */
  'templates.save': method(
    replyTemplateInput
      .extend({ before: replyTemplateInput.pick({ name: true, language: true, body: true }).strict().optional() })
      .strict()
      .refine((input) => input.id === undefined || input.before !== undefined, { message: userMessage('templateBeforeNeeded'), path: ['before'] }),
    replyTemplate,
  ),
  'templates.remove': method(id, ok),
  'inquiries.setStatus': method(
    z
      .object({
        inquiryId: z.number().int().positive(),
        status: inquiryStatus,
        /** Undoing a change to "answered" that set this first-response time: it is taken back with it. */
        undoFirstResponseAt: isoDateTime.optional(),
      })
      .strict(),
    inquirySummary,
  ),

  'customers.search': method(z.object({ query: z.string().max(200) }).strict(), z.array(customer)),
  'customers.get': method(id, customerDetail),
  /**
   * Amends a customer's registration details at their request (the policy's "amendment of
   * registration details"), recorded append-only with who, when, source and evidence. Empty
   * e-mail, phone or address clears it. Answers with the customer as now.
   */
  'customers.amend': method(
    z
      .object({
        id: z.number().int().positive(),
        name: z.string().trim().min(1, userMessage('enterName')).max(MAX_NAME),
        email: z.string().trim().max(MAX_EMAIL),
        phone: z.string().trim().max(MAX_PHONE),
        postalAddress: z.string().trim().max(MAX_POSTAL_ADDRESS),
        /**
         * The details as the form showed them: if they changed meanwhile (another window, another
         * operator), nothing is overwritten. As stored, which may be longer than is typed now.
         */
        before: z
          .object({ name: z.string().max(MAX_TEXT), email: z.string().max(MAX_TEXT).nullable(), phone: z.string().max(MAX_TEXT).nullable(), postalAddress: z.string().max(MAX_TEXT).nullable() })
          .strict(),
        source: consentSource,
        sourceInquiryId: z.number().int().positive().optional(),
        evidence: z.string().trim().min(1, userMessage('describeAmendmentEvidence')).max(MAX_EVIDENCE),
      })
      .strict(),
    customerDetail,
  ),
  /**
   * Records that the customer's personal information was provided to a third party, on one of the
   * policy's grounds (append-only); answers with the customer page as it is now.
   */
  'customers.recordProvision': method(
    z
      .object({
        customerId: z.number().int().positive(),
        recipient: z.string().trim().min(1, userMessage('nameRecipient')).max(300),
        items: z.string().trim().min(1, userMessage('describeProvidedItems')).max(MAX_EVIDENCE),
        basis: provisionBasis,
        providedOn: tokyoDay,
        sourceInquiryId: z.number().int().positive().optional(),
        evidence: z.string().trim().min(1, userMessage('describeProvisionEvidence')).max(MAX_EVIDENCE),
      })
      .strict(),
    customerDetail,
  ),
  /**
   * Cancels a customer's registration at their request (the policy's "cancel registration"):
   * every use of their data still permitted is withdrawn (append-only consent records), their
   * details are erased, unsent replies to them are taken back, and, when asked, the contents of
   * their inquiries are deleted (only dates and statuses stay, for the response-time reports).
   * Recorded append-only with who, when, source and evidence. Answers with the customer as now.
   */
  'customers.cancelRegistration': method(
    z
      .object({
        id: z.number().int().positive(),
        /** Delete their messages' texts, addresses and attachments too (required: staff decide it with the customer). */
        deleteInquiryContents: z.boolean(),
        source: consentSource,
        sourceInquiryId: z.number().int().positive().optional(),
        evidence: z.string().trim().min(1, userMessage('describeRequest')).max(MAX_EVIDENCE),
      })
      .strict(),
    customerDetail,
  ),
  /**
   * Everything held about a customer, to disclose to them at their request (the policy's
   * "disclosure", after verifying who they are): logged append-only with who, when, source and
   * evidence before it is answered. The renderer makes the document.
   */
  'customers.disclose': method(
    z
      .object({
        id: z.number().int().positive(),
        source: consentSource,
        sourceInquiryId: z.number().int().positive().optional(),
        evidence: z.string().trim().min(1, userMessage('describeRequest')).max(MAX_EVIDENCE),
      })
      .strict(),
    z.object({
      entry: disclosureEntry,
      customer: customerDetail,
      inquiries: z.array(inquiryDetail),
      /** Replies to the customer not (yet) sent: queued, failing, failed or taken back. */
      unsentReplies: z.array(outboxItem),
      /** Mail from the customer's address that was set aside (sender, subject, date, why). */
      setAside: z.array(quarantinedMail),
      /** What they wrote in other customers' threads (copied on them, replying to all), oldest first: those messages alone. */
      writtenElsewhere: z.array(z.object({ inquiryId: z.number().int(), message })),
    }),
  ),
  'consent.record': method(
    z
      .object({
        customerId: z.number().int().positive(),
        action: consentAction,
        purposes: z.array(purposeKey).min(1, userMessage('choosePurpose')),
        channels: z.array(consentChannel).min(1, userMessage('chooseChannel')),
        source: consentSource,
        sourceInquiryId: z.number().int().positive().optional(),
        evidence: z.string().trim().min(1, userMessage('describeConsentEvidence')).max(MAX_EVIDENCE),
      })
      .strict(),
    z.object({ recorded: z.number().int() }),
  ),

  'marketing.preview': method(
    empty,
    z.object({ count: z.number().int(), rows: z.array(mailingListRow) }),
  ),
  'marketing.exportCsv': method(
    z.object({ handedTo: z.string().trim().min(1, userMessage('nameListRecipient')).max(300) }).strict(),
    z.object({ filename: z.string(), csv: z.string(), count: z.number().int() }),
  ),
  'marketing.exportLog': method(empty, z.array(exportLogRow)),
  /** The customers an earlier export held who may no longer be mailed, as a CSV for its holder to delete them (customer ids and why, no addresses). */
  'marketing.stopList': method(z.object({ exportId: z.number().int().positive() }).strict(), z.object({ filename: z.string(), csv: z.string(), count: z.number().int() })),

  'reports.responseTimes': method(
    z.object({ from: tokyoDay, to: tokyoDay }).strict(),
    z.object({ from: tokyoDay, to: tokyoDay, rows: z.array(responseTimeRow) }),
  ),
  'reports.responseTimesCsv': method(
    z.object({ from: tokyoDay, to: tokyoDay }).strict(),
    z.object({ filename: z.string(), csv: z.string() }),
  ),
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>;

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name);
}

/** Wire frames of the loopback host's WebSocket and of the Electron preload bridge (pushes: see pushes.ts). */
export interface CallFrame {
  id: number;
  method: string;
  input: unknown;
}
export interface ReplyFrame {
  id: number;
  result: import('./result').Result<unknown>;
}

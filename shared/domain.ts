import { z } from 'zod';
import { CONTACT_CHANNELS, PURPOSE_KEYS } from './purposes';
import { userMessage } from './userMessages';

/** How an inquiry reached the company. */
/** The shortest passphrase accepted, at setup and when it is changed. */
export const MIN_PASSPHRASE = 10;

/**
 * What passes for an e-mail address a customer gives: one "@", a dot in the domain, nothing a
 * header would split on. The domain may be in Japanese ("例え.jp"): it is kept in its ASCII form.
 */
export const EMAIL_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

/** The most inquiries a list (the inbox, a customer's page) shows at first: the newest that match; the inbox reads more a page of as many at a time. */
export const INQUIRY_LIST_LIMIT = 500;
/**
 * The most inquiries one answer of `inquiries.list` holds, and the inbox lists: refreshed after
 * every sync, it asks again for as many as it shows (ten pages).
 */
export const MAX_INQUIRY_LIST_LIMIT = 5_000;

export const INQUIRY_CHANNELS = ['email', 'post', 'fax', 'phone'] as const;
export const inquiryChannel = z.enum(INQUIRY_CHANNELS);
export type InquiryChannel = z.infer<typeof inquiryChannel>;

export const inquiryStatus = z.enum(['open', 'answered', 'closed']);
export type InquiryStatus = z.infer<typeof inquiryStatus>;

export const purposeKey = z.enum(PURPOSE_KEYS);
export const contactChannel = z.enum(CONTACT_CHANNELS);
export const consentChannel = z.enum([...CONTACT_CHANNELS, 'any']);
export const consentAction = z.enum(['grant', 'withdraw']);
export type ConsentAction = z.infer<typeof consentAction>;

/** Where the customer's word came from: the evidence's medium. */
export const consentSource = z.enum(['email', 'post', 'fax', 'phone', 'web_form', 'in_person']);
export type ConsentSource = z.infer<typeof consentSource>;

const isoDateTime = z.iso.datetime({ offset: true });
/** A calendar day, YYYY-MM-DD, that exists: "2026-02-31" is refused, not read as 3 March. */
const tokyoDay = z.iso.date({ error: userMessage('useDayFormat') });
export { isoDateTime, tokyoDay };

export const customer = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  postalAddress: z.string().nullable(),
  emailUndeliverable: z.boolean(),
  createdAt: isoDateTime,
  /** When the customer's registration was cancelled at their request: their details are gone (the name says so), their number and records stay. */
  registrationCancelledAt: isoDateTime.nullable(),
});
export type Customer = z.infer<typeof customer>;

export const inquirySummary = z.object({
  id: z.number().int(),
  channel: inquiryChannel,
  status: inquiryStatus,
  subject: z.string(),
  customerId: z.number().int(),
  customerName: z.string(),
  receivedAt: isoDateTime,
  firstResponseAt: isoDateTime.nullable(),
  messageCount: z.number().int(),
  /** True for history imported from before the account's import date (stored 'closed'); cleared when the customer writes again. */
  archived: z.boolean().optional(),
  /** A reply to it failed for good (or is being retried) and waits for staff in its outbox. */
  replyFailed: z.boolean().optional(),
});
export type InquirySummary = z.infer<typeof inquirySummary>;

/** An attachment as the message view lists it; its content comes from `attachments.download`. */
export const attachmentInfo = z.object({
  id: z.number().int(),
  /** Card numbers masked. */
  fileName: z.string(),
  contentType: z.string(),
  /** Decoded size in bytes. */
  size: z.number().int(),
  /** false: larger than the limit, so only its name and size were recorded. */
  kept: z.boolean(),
  /** An executable, script, web page or macro document: warn before opening. */
  dangerous: z.boolean(),
  /** Content-ID of an inline image (cid:), without angle brackets. */
  contentId: z.string().nullable(),
  /**
   * Not kept because it held a card number: found when the mail was read (a forwarded .eml's masked
   * reading is shown instead), or seen by staff, who deleted it (removedBy, removedAt).
   */
  withheld: z.boolean().optional(),
  /** The operator who deleted the content as card data. */
  removedBy: z.string().optional(),
  /** When (ISO). */
  removedAt: z.string().optional(),
});
export type AttachmentInfo = z.infer<typeof attachmentInfo>;

/**
 * A message forwarded inside a mail (message/rfc822), card numbers masked. Listed flat, parents
 * before their children: a nested forward names its parent.
 */
export const forwardedMessage = z.object({
  id: z.number().int(),
  /** The forwarded message this one was forwarded in; null: in the mail itself. */
  parentId: z.number().int().nullable(),
  /** Decoded header text, e.g. "山田 太郎 <yamada@example.jp>"; '' when missing. */
  from: z.string(),
  to: z.string(),
  cc: z.string(),
  /** Its Date header; null when it had none. */
  date: isoDateTime.nullable(),
  subject: z.string(),
  body: z.string(),
  /** NOT sanitised, like the mail's own HTML: the renderer sanitises it before showing it. */
  html: z.string().nullable(),
  attachments: z.array(attachmentInfo),
});
export type ForwardedMessage = z.infer<typeof forwardedMessage>;

export const message = z.object({
  id: z.number().int(),
  direction: z.enum(['in', 'out']),
  fromAddress: z.string().nullable(),
  toAddress: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  at: isoDateTime,
  author: z.string().nullable(),
  messageId: z.string().nullable(),
  /** The mail's HTML part (card numbers masked, NOT sanitised: the renderer sanitises it before showing it). */
  html: z.string().nullable().optional(),
  attachments: z.array(attachmentInfo).optional(),
  /** Messages forwarded in this mail (message/rfc822 parts), nested ones included. */
  forwarded: z.array(forwardedMessage).optional(),
  /** When the sync saw this mail deleted from its folder on the mail server (it stays here); null: still there. */
  removedOnServerAt: isoDateTime.nullable().optional(),
  /** When the sync saw it answered from another mail client (\Answered): check before answering twice. */
  answeredElsewhereAt: isoDateTime.nullable().optional(),
  /**
   * Of mail from another customer than the inquiry's (someone they copied, replying to all): that
   * customer, one of the detail's `participants`. What they ask there is theirs to record.
   */
  senderCustomerId: z.number().int().optional(),
  /** In a disclosure: another customer's mail in the customer's thread, its contents left out (only that it came, and when). */
  withheld: z.literal(true).optional(),
  /**
   * Only on the answer to `inquiries.reply`: where the copy of the reply was stored on the IMAP
   * server (folder), or why it could not be (error). The reply was sent either way.
   */
  sentCopy: z.object({ folder: z.string().nullable(), error: z.string().nullable() }).optional(),
});
export type Message = z.infer<typeof message>;

export const inquiryDetail = z.object({
  inquiry: inquirySummary,
  customer,
  messages: z.array(message),
  /** The other customers whose mail is in the thread (see Message.senderCustomerId). */
  participants: z.array(customer),
  /** When the customer asked that their data no longer be used to respond to inquiries (purpose 4 withdrawn): no reply can be sent. null: it may be. */
  inquiryResponseWithdrawnAt: isoDateTime.nullable(),
});
export type InquiryDetail = z.infer<typeof inquiryDetail>;

export const consentEvent = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  purpose: purposeKey,
  channel: consentChannel,
  action: consentAction,
  recordedBy: z.string(),
  recordedAt: isoDateTime,
  source: consentSource,
  sourceInquiryId: z.number().int().nullable(),
  evidence: z.string(),
});
export type ConsentEvent = z.infer<typeof consentEvent>;

/** permitted: may be used; withdrawn: customer opted out; not_consented: consent-based purpose never granted. */
export const consentState = z.object({
  purpose: purposeKey,
  channel: consentChannel,
  state: z.enum(['permitted', 'withdrawn', 'not_consented']),
  since: isoDateTime.nullable(),
  lastEventId: z.number().int().nullable(),
});
export type ConsentState = z.infer<typeof consentState>;

/** The registration details a customer can have amended. */
export const customerField = z.enum(['name', 'email', 'phone', 'postalAddress']);
export type CustomerField = z.infer<typeof customerField>;

/** One amendment of a customer's registration details, append-only: which fields changed, never their old values. */
export const customerAmendment = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  fields: z.array(customerField),
  recordedBy: z.string(),
  recordedAt: isoDateTime,
  source: consentSource,
  sourceInquiryId: z.number().int().nullable(),
  evidence: z.string(),
});
export type CustomerAmendment = z.infer<typeof customerAmendment>;

/** One disclosure of a customer's personal information to them, append-only (not what was disclosed). */
export const disclosureEntry = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  disclosedBy: z.string(),
  disclosedAt: isoDateTime,
  source: consentSource,
  sourceInquiryId: z.number().int().nullable(),
  evidence: z.string(),
});
export type DisclosureEntry = z.infer<typeof disclosureEntry>;

/** The policy's grounds for providing personal information to a third party: the customer's consent, the protection of life, health or property (consent cannot be had), a request under a law. */
export const provisionBasis = z.enum(['consent', 'protection_of_life', 'legal_request']);
export type ProvisionBasis = z.infer<typeof provisionBasis>;

/** One provision of a customer's personal information to a third party, append-only. */
export const thirdPartyProvision = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  recipient: z.string(),
  items: z.string(),
  basis: provisionBasis,
  evidence: z.string(),
  providedOn: tokyoDay,
  recordedBy: z.string(),
  recordedAt: isoDateTime,
  sourceInquiryId: z.number().int().nullable(),
});
export type ThirdPartyProvision = z.infer<typeof thirdPartyProvision>;

/** The cancellation of a customer's registration at their request (append-only; one per customer). */
export const registrationCancellation = z.object({
  id: z.number().int(),
  customerId: z.number().int(),
  cancelledBy: z.string(),
  cancelledAt: isoDateTime,
  source: consentSource,
  sourceInquiryId: z.number().int().nullable(),
  evidence: z.string(),
  /** The messages of their inquiries (texts, attachments, addresses) were deleted too; otherwise kept as business records. */
  contentsDeleted: z.boolean(),
});
export type RegistrationCancellation = z.infer<typeof registrationCancellation>;

export const exportLogEntry = z.object({
  id: z.number().int(),
  listKey: z.string(),
  exportedBy: z.string(),
  exportedAt: isoDateTime,
  rowCount: z.number().int(),
  /** To whom the list was handed (the outsourced sender); null for exports made before it was asked. */
  handedTo: z.string().nullable(),
});
export type ExportLogEntry = z.infer<typeof exportLogEntry>;

/** An export as the marketing screen lists it. */
export const exportLogRow = exportLogEntry.extend({
  /** Of the customers it held, how many may no longer be mailed at the address it holds (opted out, registration cancelled, address changed, bouncing or gone): the holder of the list is to delete them. */
  noLongerMailable: z.number().int(),
});
export type ExportLogRow = z.infer<typeof exportLogRow>;

export const customerDetail = z.object({
  customer,
  consents: z.array(consentState),
  history: z.array(consentEvent),
  /** Oldest first. */
  amendments: z.array(customerAmendment),
  /** Oldest first. */
  disclosures: z.array(disclosureEntry),
  /** Null while the registration stands. */
  cancellation: registrationCancellation.nullable(),
  inquiries: z.array(inquirySummary),
  /** Other customers' inquiries they wrote in (copied on their mail), newest first. */
  wroteIn: z.array(inquirySummary),
  /** Mailing-list exports that held the customer's address, oldest first. */
  mailingListExports: z.array(exportLogEntry),
  /** Whether they are on the new-products e-mail list now. */
  onMailingList: z.boolean(),
  /** Whether a list handed out holds them still, for its holder to delete (they are on its stop list). */
  onAStopList: z.boolean(),
  /** Provisions of their information to third parties, oldest first. */
  provisions: z.array(thirdPartyProvision),
});
export type CustomerDetail = z.infer<typeof customerDetail>;

export const mailingListRow = z.object({
  customerId: z.number().int(),
  name: z.string(),
  email: z.string(),
  consentedAt: isoDateTime,
});
export type MailingListRow = z.infer<typeof mailingListRow>;


export const responseTimeRow = z.object({
  channel: z.union([inquiryChannel, z.literal('all')]),
  received: z.number().int(),
  answered: z.number().int(),
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});
export type ResponseTimeRow = z.infer<typeof responseTimeRow>;

export const language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof language>;

/** A canned reply; {{customerName}}, {{inquiryNumber}} and {{operator}} are filled in when it is used. */
export const replyTemplateInput = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().trim().min(1, userMessage('nameTemplate')).max(100),
  language,
  body: z.string().trim().min(1, userMessage('writeTemplate')).max(20_000),
});
export const replyTemplate = replyTemplateInput.extend({
  id: z.number().int(),
  updatedBy: z.string(),
  updatedAt: isoDateTime,
});
export type ReplyTemplate = z.infer<typeof replyTemplate>;

/**
 * A reply in the outbox: queued (within its undo window), sending, retrying after a failed send
 * (lastError says why; sendAt is the next attempt), sent, failed for good, or cancelled by staff.
 */
export const outboxItem = z.object({
  id: z.number().int(),
  inquiryId: z.number().int(),
  body: z.string(),
  quoteOriginal: z.boolean(),
  status: z.enum(['queued', 'sending', 'retrying', 'sent', 'failed', 'cancelled']),
  sendAt: isoDateTime,
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /** The stored message once sent. */
  messageId: z.number().int().nullable(),
  queuedBy: z.string(),
  queuedAt: isoDateTime,
  /** Its sending ended without knowing whether it went: it is sent again, or taken back, only with `checked`. */
  mayHaveGone: z.boolean(),
});
export type OutboxItem = z.infer<typeof outboxItem>;

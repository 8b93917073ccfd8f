import { z } from 'zod';
import { CONTACT_CHANNELS, PURPOSE_KEYS } from './purposes';

/** How an inquiry reached the company. */
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
const tokyoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use YYYY-MM-DD');
export { isoDateTime, tokyoDay };

export const customer = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  postalAddress: z.string().nullable(),
  emailUndeliverable: z.boolean(),
  createdAt: isoDateTime,
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

export const customerDetail = z.object({
  customer,
  consents: z.array(consentState),
  history: z.array(consentEvent),
  /** Oldest first. */
  amendments: z.array(customerAmendment),
  /** Oldest first. */
  disclosures: z.array(disclosureEntry),
  inquiries: z.array(inquirySummary),
});
export type CustomerDetail = z.infer<typeof customerDetail>;

/** An IMAP folder name as the server lists it ("INBOX", "Support/Japan", "[Gmail]/All Mail"). */
export const imapFolderName = z
  .string()
  .trim()
  .min(1, 'Enter a folder name')
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f*%]+$/, 'A folder name cannot hold control characters, "*" or "%"');
export const MAX_SYNC_FOLDERS = 20;

export const mailAuthMethod = z.enum(['password', 'oauth2']);
export type MailAuthMethod = z.infer<typeof mailAuthMethod>;

export const mailAccountInput = z.object({
  id: z.number().int().optional(),
  label: z.string().trim().min(1),
  imapHost: z.string().trim().min(1),
  imapPort: z.number().int().min(1).max(65535),
  imapTls: z.boolean(),
  imapUser: z.string().trim().min(1),
  /** Omitted on edit to keep the stored password. */
  imapPassword: z.string().min(1).optional(),
  smtpHost: z.string().trim().min(1),
  smtpPort: z.number().int().min(1).max(65535),
  smtpTls: z.boolean(),
  smtpUser: z.string().trim(),
  smtpPassword: z.string().optional(),
  fromAddress: z.email(),
  fromName: z.string().trim(),
  /** IMAP folders to sync, each with its own cursor. Default ["INBOX"] on create; omitted on edit keeps the stored ones. */
  folders: z.array(imapFolderName).min(1, 'Choose at least one folder').max(MAX_SYNC_FOLDERS).optional(),
  /**
   * Import only mail that arrived on or after this Tokyo day as new inquiries; older mail is
   * stored as archived history (closed). null: every mail is new. Omitted on edit keeps the stored value.
   */
  importSince: tokyoDay.nullable().optional(),
  /** Appended to every reply sent from this account (after a blank line). Omitted on edit keeps the stored one; '' removes it. */
  signature: z.string().max(2000).optional(),
  /**
   * How IMAP and SMTP log in: with the passwords above, or with an OAuth2 access token (SASL
   * XOAUTH2, as Gmail and Microsoft 365 require). Omitted: password on create, unchanged on edit.
   */
  authMethod: mailAuthMethod.optional(),
  /** The OAuth2 access token. Omitted on edit keeps the stored one. */
  oauthAccessToken: z.string().trim().min(1).optional(),
  /**
   * To renew an expired access token without staff (RFC 6749 refresh grant): the provider's token
   * endpoint, Madoguchi's client ID there (and secret, for providers that want one) and a refresh
   * token. Secrets omitted on edit are kept; '' removes them.
   */
  oauthRefreshToken: z.string().trim().optional(),
  oauthTokenUrl: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional(),
  oauthClientId: z.string().trim().max(500).optional(),
  oauthClientSecret: z.string().trim().optional(),
  /**
   * To sign in with the provider from Madoguchi instead of pasting tokens (authorization code
   * with PKCE, RFC 7636, redirected to this computer): the provider's authorization endpoint and
   * the permissions to ask for (space-separated, e.g. "https://mail.google.com/"). '' removes them.
   */
  oauthAuthorizeUrl: z.union([z.url({ protocol: /^https?$/ }), z.literal('')]).optional(),
  oauthScope: z.string().trim().max(1000).optional(),
});
export type MailAccountInput = z.infer<typeof mailAccountInput>;

/** A mail account as the UI sees it: never the passwords nor the tokens. */
export const mailAccount = mailAccountInput
  .omit({ imapPassword: true, smtpPassword: true, oauthAccessToken: true, oauthRefreshToken: true, oauthClientSecret: true })
  .extend({
    id: z.number().int(),
    hasImapPassword: z.boolean(),
    hasSmtpPassword: z.boolean(),
    authMethod: mailAuthMethod,
    hasOAuthAccessToken: z.boolean(),
    /** The access token is renewed automatically when it expires. */
    hasOAuthRefresh: z.boolean(),
    /** When the access token expires, if the provider said; null: unknown. */
    oauthExpiresAt: isoDateTime.nullable(),
    lastSyncAt: isoDateTime.nullable(),
    lastError: z.string().nullable(),
    /** When the background sync tries this account next (after a failure: with back-off); null when not scheduled. */
    nextRetryAt: isoDateTime.nullable().optional(),
    /** Consecutive failed syncs (0 when the last one succeeded). */
    failureCount: z.number().int().optional(),
  });
export type MailAccount = z.infer<typeof mailAccount>;

export const folderSyncResult = z.object({
  folder: z.string(),
  fetched: z.number().int(),
  /** What went wrong with this folder (the others were still synced); null when it synced. */
  error: z.string().nullable(),
});
export type FolderSyncResult = z.infer<typeof folderSyncResult>;

export const syncReport = z.object({
  accountId: z.number().int(),
  fetched: z.number().int(),
  newInquiries: z.number().int(),
  addedToThreads: z.number().int(),
  skippedDuplicates: z.number().int(),
  quarantined: z.number().int(),
  /** Mail older than the account's import date, stored as closed, archived history. */
  archived: z.number().int().optional(),
  /** Auto-replies, bounces, and mail sent from the app's own addresses: no inquiry opened. */
  automatic: z.number().int().optional(),
  /** Customers whose address a bounce reported as undeliverable. */
  undeliverable: z.number().int().optional(),
  /** Per folder, in the account's order. */
  folders: z.array(folderSyncResult).optional(),
  /** The sync was cancelled: what it stored stays, and the next sync goes on from there. */
  cancelled: z.boolean().optional(),
});
export type SyncReport = z.infer<typeof syncReport>;

export const mailingListRow = z.object({
  customerId: z.number().int(),
  name: z.string(),
  email: z.string(),
  consentedAt: isoDateTime,
});
export type MailingListRow = z.infer<typeof mailingListRow>;

export const exportLogEntry = z.object({
  id: z.number().int(),
  listKey: z.string(),
  exportedBy: z.string(),
  exportedAt: isoDateTime,
  rowCount: z.number().int(),
});
export type ExportLogEntry = z.infer<typeof exportLogEntry>;

export const responseTimeRow = z.object({
  channel: z.union([inquiryChannel, z.literal('all')]),
  received: z.number().int(),
  answered: z.number().int(),
  medianMinutes: z.number().nullable(),
  p90Minutes: z.number().nullable(),
});
export type ResponseTimeRow = z.infer<typeof responseTimeRow>;

/** A mail the sync set aside instead of opening an inquiry (automatic mail, unreadable mail), with why. */
export const quarantinedMail = z.object({
  id: z.number().int(),
  accountId: z.number().int(),
  folder: z.string(),
  uid: z.number().int(),
  reason: z.string(),
  at: isoDateTime,
  /** The sender ("name <address>"), subject and date of the mail; null where it could not be read. */
  from: z.string().nullable(),
  subject: z.string().nullable(),
  sentAt: isoDateTime.nullable(),
});
export type QuarantinedMail = z.infer<typeof quarantinedMail>;

/**
 * A set-aside mail fetched and read again: an inquiry now (new, or added to its thread), already
 * stored, or set aside again (automatic, from our own address, still unreadable) with why.
 */
export const quarantineRetry = z.object({
  outcome: z.enum(['new', 'threaded', 'duplicate', 'setAside']),
  inquiryId: z.number().int().nullable(),
  reason: z.string().nullable(),
});
export type QuarantineRetry = z.infer<typeof quarantineRetry>;

export const language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof language>;

/** A canned reply; {{customerName}}, {{inquiryNumber}} and {{operator}} are filled in when it is used. */
export const replyTemplateInput = z.object({
  id: z.number().int().positive().optional(),
  name: z.string().trim().min(1, 'Name the template').max(100),
  language,
  body: z.string().trim().min(1, 'Write the text of the template').max(20_000),
});
export const replyTemplate = replyTemplateInput.extend({
  id: z.number().int(),
  updatedBy: z.string(),
  updatedAt: isoDateTime,
});
export type ReplyTemplate = z.infer<typeof replyTemplate>;


/** The sync health of one account, for the settings screen (`sync.status`). */
export const accountSyncStatus = z.object({
  accountId: z.number().int(),
  /** A sync of this account is running now (started by staff or by the background scheduler). */
  running: z.boolean(),
  lastSyncAt: isoDateTime.nullable(),
  lastError: z.string().nullable(),
  failureCount: z.number().int(),
  /** When the background sync runs next: after failures, with exponential back-off. null: not scheduled (background sync off or locked). */
  nextRetryAt: isoDateTime.nullable(),
  /** True while an IMAP IDLE connection waits for new mail in INBOX (new mail is then synced within seconds). */
  idle: z.boolean(),
  folders: z.array(
    z.object({
      folder: z.string(),
      /** UIDs up to this one are stored; 0 before the first sync of the folder. */
      lastUid: z.number().int(),
      uidValidity: z.string().nullable(),
    }),
  ),
});
export type AccountSyncStatus = z.infer<typeof accountSyncStatus>;

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
});
export type OutboxItem = z.infer<typeof outboxItem>;

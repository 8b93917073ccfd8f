import type { Generated } from 'kysely';

/** Kysely's view of the tables (column names camelCased by CamelCasePlugin). Booleans are 0/1. */
export interface CustomersTable {
  id: Generated<number>;
  name: string;
  email: string | null;
  phone: string | null;
  postalAddress: string | null;
  emailUndeliverable: Generated<number>;
  createdAt: string;
  registrationCancelledAt: Generated<string | null>;
}

export interface MailAccountsTable {
  id: Generated<number>;
  label: string;
  imapHost: string;
  imapPort: number;
  imapTls: number;
  imapUser: string;
  imapPassword: string | null;
  smtpHost: string;
  smtpPort: number;
  smtpTls: number;
  smtpUser: string;
  smtpPassword: string | null;
  fromAddress: string;
  fromName: string;
  lastSyncAt: string | null;
  lastError: string | null;
  /** JSON array of folder names. */
  folders: Generated<string>;
  /** YYYY-MM-DD (Tokyo): mail that arrived before this day is imported archived. */
  importSince: string | null;
  failureCount: Generated<number>;
  nextRetryAt: string | null;
  authMethod: Generated<'password' | 'oauth2'>;
  /** Sealed, like the passwords and the client secret. */
  oauthAccessToken: string | null;
  oauthExpiresAt: string | null;
  oauthRefreshToken: string | null;
  oauthTokenUrl: string | null;
  oauthClientId: string | null;
  oauthClientSecret: string | null;
  oauthAuthorizeUrl: string | null;
  oauthScope: string | null;
}

export interface InquiriesTable {
  id: Generated<number>;
  customerId: number;
  channel: 'email' | 'post' | 'fax' | 'phone';
  status: 'open' | 'answered' | 'closed';
  subject: string;
  receivedAt: string;
  firstResponseAt: string | null;
  mailAccountId: number | null;
  loggedBy: string | null;
  /** 1: history imported from before the account's import date, stored closed. */
  archived: Generated<number>;
}

export interface MessagesTable {
  id: Generated<number>;
  inquiryId: number;
  direction: 'in' | 'out';
  messageKey: string | null;
  inReplyTo: string | null;
  referenceIds: string | null;
  fromAddress: string | null;
  toAddress: string | null;
  subject: string;
  body: string;
  at: string;
  author: string | null;
  mailAccountId: number | null;
  imapFolder: string | null;
  imapUid: number | null;
  /** The folder's UIDVALIDITY when imapUid was given (see migration 0010); null before, or for mail from no folder. */
  imapUidValidity: string | null;
  /** The customer a received message is from (see migration 0023); null for replies staff sent. */
  senderCustomerId: number | null;
  /** 1: from an address no customer had, so presumed the inquiry's customer's (see migration 0023). */
  senderPresumed: number;
  /** A received mail's Date header as written (see migration 0030); null for replies, and for mail stored before. */
  originDate: string | null;
  /** 1: another mail came with this message's Message-ID (see migration 0030). */
  keyReused: Generated<number>;
}

export interface SyncStateTable {
  mailAccountId: number;
  folder: string;
  uidValidity: string;
  lastUid: number;
  /** HIGHESTMODSEQ at the last sync (decimal); null: unknown or the server has none. */
  highestModseq: Generated<string | null>;
}

export interface MessageServerStateTable {
  messageId: number;
  removedAt: string | null;
  answeredElsewhereAt: string | null;
}

export interface QuarantineTable {
  id: Generated<number>;
  mailAccountId: number;
  folder: string;
  imapUid: number;
  reason: string;
  at: string;
  /** The folder's UIDVALIDITY when the mail was set aside; null for older rows. */
  uidValidity: string | null;
  /** The sender, subject and Date of the mail (card numbers masked); null where it could not be read. */
  fromText: string | null;
  subject: string | null;
  sentAt: string | null;
  /** Which catalog message `reason` is (see migration 0015); null for older rows and reasons the catalog does not know. */
  reasonKey: Generated<string | null>;
  /** The mail's Message-ID or content hash (see migration 0017); null where it could not be read, for older rows, and once forgotten. */
  messageKey: Generated<string | null>;
}

/** SHA-256 hashes of the keys of set-aside mails whose sender's registration was cancelled (migration 0017). */
export interface ForgottenMailTable {
  keyHash: string;
}

export interface ConsentEventsTable {
  id: Generated<number>;
  customerId: number;
  purpose: string;
  channel: string;
  action: 'grant' | 'withdraw';
  recordedBy: string;
  recordedAt: string;
  source: string;
  sourceInquiryId: number | null;
  evidence: string;
}

export interface CustomerAmendmentsTable {
  id: Generated<number>;
  customerId: number;
  /** JSON array of CustomerField. */
  fields: string;
  recordedBy: string;
  recordedAt: string;
  source: string;
  sourceInquiryId: number | null;
  evidence: string;
}

export interface ThirdPartyProvisionsTable {
  id: Generated<number>;
  customerId: number;
  recipient: string;
  items: string;
  basis: 'consent' | 'protection_of_life' | 'legal_request';
  evidence: string;
  providedOn: string;
  recordedBy: string;
  recordedAt: string;
  sourceInquiryId: number | null;
}

export interface DisclosureLogTable {
  id: Generated<number>;
  customerId: number;
  disclosedBy: string;
  disclosedAt: string;
  source: string;
  sourceInquiryId: number | null;
  evidence: string;
}

export interface RegistrationCancellationsTable {
  id: Generated<number>;
  customerId: number;
  cancelledBy: string;
  cancelledAt: string;
  source: string;
  sourceInquiryId: number | null;
  evidence: string;
  contentsDeleted: number;
}

export interface ExportLogTable {
  id: Generated<number>;
  listKey: string;
  exportedBy: string;
  exportedAt: string;
  rowCount: number;
  /** To whom the list was handed (the contractor or department that sends the mail); null for earlier exports. */
  handedTo: Generated<string | null>;
}

export interface ExportRecipientsTable {
  exportId: number;
  customerId: number;
}

export interface MessageHtmlTable {
  messageId: number;
  html: string;
}

export interface AttachmentsTable {
  id: Generated<number>;
  messageId: number;
  fileName: string;
  contentType: string;
  size: number;
  contentId: string | null;
  /** null: larger than the limit, not kept (or withheld). */
  content: Buffer | null;
  /** Set for an attachment of a forwarded message (not of the mail itself). */
  forwardedMessageId: Generated<number | null>;
  /** 1: not kept because it held a card number (found when the mail was read, or seen by staff: removedBy). */
  withheld: Generated<number>;
  /** The operator who deleted its content as card data, and when (ISO); null otherwise. */
  removedBy: Generated<string | null>;
  removedAt: Generated<string | null>;
}

export interface ForwardedMessagesTable {
  id: Generated<number>;
  messageId: number;
  parentId: number | null;
  fromText: string;
  toText: string;
  ccText: string;
  sentAt: string | null;
  subject: string;
  body: string;
  html: string | null;
}

export interface ReplyTemplatesTable {
  id: Generated<number>;
  name: string;
  language: 'ja' | 'en';
  body: string;
  updatedBy: string;
  updatedAt: string;
}

export interface OutboxTable {
  id: Generated<number>;
  inquiryId: number;
  body: string;
  quoteOriginal: number;
  status: 'queued' | 'sending' | 'retrying' | 'sent' | 'failed' | 'cancelled';
  sendAt: string;
  attempts: Generated<number>;
  lastError: string | null;
  messageId: number | null;
  queuedBy: string;
  queuedAt: string;
  /** The inquiry's latest message when the reply was written (messages.id); null: queued before this was kept. */
  threadSeenUpTo: Generated<number | null>;
  /** Its sending ended without knowing whether it went: sent again or taken back only once staff checked. */
  mayHaveGone: Generated<number>;
  /** The own part of its Message-ID, the same at every attempt; null: queued before this was kept. */
  mailMessageId: string | null;
}

export interface AccountSignaturesTable {
  mailAccountId: number;
  signature: string;
}

export interface Database {
  customers: CustomersTable;
  mailAccounts: MailAccountsTable;
  inquiries: InquiriesTable;
  messages: MessagesTable;
  syncState: SyncStateTable;
  messageServerState: MessageServerStateTable;
  quarantine: QuarantineTable;
  consentEvents: ConsentEventsTable;
  customerAmendments: CustomerAmendmentsTable;
  disclosureLog: DisclosureLogTable;
  thirdPartyProvisions: ThirdPartyProvisionsTable;
  registrationCancellations: RegistrationCancellationsTable;
  forgottenMail: ForgottenMailTable;
  exportLog: ExportLogTable;
  exportRecipients: ExportRecipientsTable;
  messageHtml: MessageHtmlTable;
  attachments: AttachmentsTable;
  forwardedMessages: ForwardedMessagesTable;
  replyTemplates: ReplyTemplatesTable;
  accountSignatures: AccountSignaturesTable;
  outbox: OutboxTable;
}

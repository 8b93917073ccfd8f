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
}

export interface SyncStateTable {
  mailAccountId: number;
  folder: string;
  uidValidity: string;
  lastUid: number;
}

export interface QuarantineTable {
  id: Generated<number>;
  mailAccountId: number;
  folder: string;
  imapUid: number;
  reason: string;
  at: string;
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

export interface ExportLogTable {
  id: Generated<number>;
  listKey: string;
  exportedBy: string;
  exportedAt: string;
  rowCount: number;
}

export interface Database {
  customers: CustomersTable;
  mailAccounts: MailAccountsTable;
  inquiries: InquiriesTable;
  messages: MessagesTable;
  syncState: SyncStateTable;
  quarantine: QuarantineTable;
  consentEvents: ConsentEventsTable;
  exportLog: ExportLogTable;
}

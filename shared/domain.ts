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
});
export type InquirySummary = z.infer<typeof inquirySummary>;

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

export const customerDetail = z.object({
  customer,
  consents: z.array(consentState),
  history: z.array(consentEvent),
  inquiries: z.array(inquirySummary),
});
export type CustomerDetail = z.infer<typeof customerDetail>;

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
});
export type MailAccountInput = z.infer<typeof mailAccountInput>;

/** A mail account as the UI sees it: never the passwords. */
export const mailAccount = mailAccountInput.omit({ imapPassword: true, smtpPassword: true }).extend({
  id: z.number().int(),
  hasImapPassword: z.boolean(),
  hasSmtpPassword: z.boolean(),
  lastSyncAt: isoDateTime.nullable(),
  lastError: z.string().nullable(),
});
export type MailAccount = z.infer<typeof mailAccount>;

export const syncReport = z.object({
  accountId: z.number().int(),
  fetched: z.number().int(),
  newInquiries: z.number().int(),
  addedToThreads: z.number().int(),
  skippedDuplicates: z.number().int(),
  quarantined: z.number().int(),
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

export const language = z.enum(['ja', 'en']);
export type Language = z.infer<typeof language>;

import { z } from 'zod';
import { isoDateTime, tokyoDay } from './domain';
import { userMessage } from './userMessages';

/** Mail accounts and their sync: settings, health, reports, and the mails a sync set aside. */

/** An IMAP folder name as the server lists it ("INBOX", "Support/Japan", "[Gmail]/All Mail"). */
export const imapFolderName = z
  .string()
  .trim()
  .min(1, userMessage('enterFolder'))
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f*%]+$/, userMessage('folderNameCharacters'));
export const MAX_SYNC_FOLDERS = 20;

export const mailAuthMethod = z.enum(['password', 'oauth2']);
export type MailAuthMethod = z.infer<typeof mailAuthMethod>;

/** Limits on what is typed for an account: none of them is near, and a call too large for the loopback host's frame would drop every call in flight. */
const MAX_LABEL = 200;
/** A host name's longest (RFC 1035). */
const MAX_HOST = 253;
const MAX_ADDRESS = 320;
const MAX_SECRET = 1000;
/** OAuth2 tokens are opaque and some providers' (JWTs) run to a few kilobytes. */
const MAX_TOKEN = 16_000;
const MAX_URL = 2000;

export const mailAccountInput = z.object({
  id: z.number().int().optional(),
  label: z.string().trim().min(1, userMessage('enterText')).max(MAX_LABEL),
  imapHost: z.string().trim().min(1, userMessage('enterText')).max(MAX_HOST),
  imapPort: z.number().int().min(1).max(65535),
  imapTls: z.boolean(),
  imapUser: z.string().trim().min(1, userMessage('enterText')).max(MAX_ADDRESS),
  /** Omitted on edit to keep the stored password. */
  imapPassword: z.string().min(1).max(MAX_SECRET).optional(),
  smtpHost: z.string().trim().min(1, userMessage('enterText')).max(MAX_HOST),
  smtpPort: z.number().int().min(1).max(65535),
  smtpTls: z.boolean(),
  smtpUser: z.string().trim().max(MAX_ADDRESS),
  smtpPassword: z.string().max(MAX_SECRET).optional(),
  fromAddress: z.string().max(MAX_ADDRESS).pipe(z.email()),
  fromName: z.string().trim().max(MAX_LABEL),
  /** IMAP folders to sync, each with its own cursor. Default ["INBOX"] on create; omitted on edit keeps the stored ones. */
  folders: z.array(imapFolderName).min(1, userMessage('chooseFolder')).max(MAX_SYNC_FOLDERS).optional(),
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
  oauthAccessToken: z.string().trim().min(1, userMessage('enterText')).max(MAX_TOKEN).optional(),
  /**
   * To renew an expired access token without staff (RFC 6749 refresh grant): the provider's token
   * endpoint, Madoguchi's client ID there (and secret, for providers that want one) and a refresh
   * token. Secrets omitted on edit are kept; '' removes them.
   */
  oauthRefreshToken: z.string().trim().max(MAX_TOKEN).optional(),
  oauthTokenUrl: z.union([z.string().max(MAX_URL).pipe(z.url({ protocol: /^https?$/ })), z.literal('')]).optional(),
  oauthClientId: z.string().trim().max(500).optional(),
  oauthClientSecret: z.string().trim().max(MAX_SECRET).optional(),
  /**
   * To sign in with the provider from Madoguchi instead of pasting tokens (authorization code
   * with PKCE, RFC 7636, redirected to this computer): the provider's authorization endpoint and
   * the permissions to ask for (space-separated, e.g. "https://mail.google.com/"). '' removes them.
   */
  oauthAuthorizeUrl: z.union([z.string().max(MAX_URL).pipe(z.url({ protocol: /^https?$/ })), z.literal('')]).optional(),
  oauthScope: z.string().trim().max(1000).optional(),
});
export type MailAccountInput = z.infer<typeof mailAccountInput>;

/** A mail account as the UI sees it: never the passwords nor the tokens. */
export const mailAccount = mailAccountInput
  .omit({ imapPassword: true, smtpPassword: true, oauthAccessToken: true, oauthRefreshToken: true, oauthClientSecret: true })
  .extend({
    id: z.number().int(),
    // As stored: a day an earlier version let through ("2026-02-30") must not stop the list of accounts from showing.
    importSince: z.string().nullable().optional(),
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
  /** Staff may file it as an inquiry after all (set aside as automatic mail, which it may only look like). */
  fileable: z.boolean(),
  /** Set aside from a mailbox the account read before it was pointed at another: it cannot be fetched again, and staff may take it off the list. */
  fromOldMailbox: z.boolean(),
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

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { INQUIRY_LIST_LIMIT, type Language } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { assertAccountRemovable, removeAccount } from '../accounts/accountRemoval';
import { changesMailbox, changesMailLogin } from '../accounts/mailLoginChange';
import { listAccounts, saveAccount } from '../accounts/accountRepository';
import { dismissOldMailboxSetAside, forgetMailboxPositions, listQuarantine } from '../accounts/syncStateRepository';
import { recordConsent } from '../consent/consentService';
import { getCustomerDetail } from '../customers/customerDetail';
import { searchCustomers } from '../customers/customerRepository';
import { nowIso } from '../db/executor';
import { beginOAuthSignIn, completeOAuthSignIn } from '../accounts/oauthSignIn';
import { listInquiries } from '../inquiries/inquiryRepository';
import { getInquiryDetail, logOfflineInquiry, setInquiryStatus } from '../inquiries/inquiryService';
import { downloadAttachment, removeAttachment } from '../inquiries/attachmentService';
import type { Logger } from '../logging/logger';
import { exportMailingList, listExportLog, permittedMailingList, stopListOfExport } from '../marketing/mailingList';
import type { OutboxOptions } from '../replies/outbox';
import { allSignatures, saveSignature, signatureOf } from '../replies/signatureRepository';
import { listTemplates, removeTemplate, saveTemplate } from '../replies/templateRepository';
import { responseTimeCsv, responseTimeReport } from '../reports/responseTimeReport';
import { KeyVault, type Keychain } from '../security/keyVault';
import { answeredWithinSession, createSessions } from './sessions';
import type { SyncServiceOptions } from '../sync/syncService';
import { createRouter, type Router } from './router';
import { userMessage } from '../../shared/userMessages';
import { amendCustomer } from '../customers/amendCustomer';
import { cancelRegistration } from '../customers/cancelRegistration';
import { discloseCustomer } from '../customers/discloseCustomer';
import { recordThirdPartyProvision } from '../customers/recordThirdPartyProvision';

/** Non-personal settings only (electron-store in the shell, a JSON file in the loopback host). */
export interface SettingsStore {
  get(key: 'language'): Language;
  set(key: 'language', value: Language): void;
}

export interface AppOptions {
  dataDir: string;
  keychain: Keychain | null;
  settings: SettingsStore;
  logger: Logger;
  /** better-sqlite3 binding built for this runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
  /**
   * The folder of the worker threads (dist/workers, or electron/workers from source; see
   * startWorker): mails are then parsed, and the database checkpointed, beside the main thread.
   * Without it, all of that runs on the main thread.
   */
  workersDir?: string;
  /** For tests: a cheaper scrypt, a fixed clock. */
  scryptCost?: { N: number; r: number; p: number };
  now?: () => string;
  /**
   * Mail sync: batch sizes, the parse worker, and the background sync (on by default; off with
   * `background: false` or the environment variable MADOGUCHI_BACKGROUND_SYNC=0).
   */
  sync?: SyncServiceOptions;
  /** Undo window and retry timing of the reply outbox (shorter in tests). */
  outbox?: OutboxOptions;
  /** The session locks itself after this long (ms) with no sign of staff at any screen (session.touch); default 15 minutes. */
  idleLockMs?: number;
}


export interface App {
  router: Router;
  close(): Promise<void>;
}


/**
 * Composes Madoguchi's main process from plain Node parts: the key vault, the encrypted
 * database (opened only after unlock), the services, and the router every transport uses.
 */
export function createApp(options: AppOptions): App {
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const vault = new KeyVault(join(options.dataDir, 'key.json'), options.keychain, options.scryptCost);
  const databaseFile = join(options.dataDir, 'madoguchi.db');
  const now = options.now ?? nowIso;
  // Background sync is on unless turned off (MADOGUCHI_BACKGROUND_SYNC=0: the end-to-end tests press "sync now" themselves).
  const syncOptions: SyncServiceOptions = {
    ...(options.workersDir ? { workersDir: options.workersDir } : {}),
    ...options.sync,
    background: options.sync?.background ?? (process.env.MADOGUCHI_BACKGROUND_SYNC === '0' ? false : {}),
  };
  const sessions = createSessions(options, { vault, databaseFile, now, syncOptions, push: (name, payload) => router.push(name, payload) });
  const { requireWorkspace } = sessions;

  const router = createRouter(
    {
      ...sessions.handlers,

      'settings.get': async () => ({ language: options.settings.get('language') }),
      'settings.set': async ({ language }) => {
        options.settings.set('language', language);
        return { ok: true };
      },

      ...answeredWithinSession(sessions, {
        'accounts.list': async () => {
          const db = requireWorkspace().db;
          const signatures = await allSignatures(db);
          return (await listAccounts(db)).map((a) => ({ ...a, signature: signatures.get(a.id) ?? '' }));
        },
        'accounts.save': async (input) => {
          const ws = requireWorkspace();
          // The signature lives in its own table (replies/signatureRepository), not in the account row.
          const { signature, ...account } = input;
          const before = account.id === undefined ? undefined : (await listAccounts(ws.db)).find((a) => a.id === account.id);
          const movesMailbox = before !== undefined && changesMailbox(before, { ...before, imapHost: account.imapHost, imapUser: account.imapUser });
          const save = () =>
            ws.db.transaction().execute(async (trx) => {
              const saved = await saveAccount(trx, ws.secrets, account);
              if (movesMailbox) await forgetMailboxPositions(trx, saved.id, ws.now());
              if (signature !== undefined) await saveSignature(trx, saved.id, signature);
              return { ...saved, signature: (await signatureOf(trx, saved.id)) ?? '' };
            });
          // Another mailbox: a sync still reading the old one is stopped first, or it would store the old positions again.
          const result = await (movesMailbox ? (sessions.current()?.syncs.changeMailbox(before.id, save) ?? save()) : save());
          // An edit of how mail is read (a new password, server or folders) is synced soon with the new settings, as a new account is.
          sessions.current()?.syncs.accountsChanged(before && changesMailLogin(before, result, input) ? before.id : undefined);
          return result;
        },
        'accounts.remove': async ({ id }) => {
          const ws = requireWorkspace();
          // Refused first when the account opened inquiries: its sync is not cancelled for nothing.
          await assertAccountRemovable(ws.db, id);
          // Its running sync would fail on storing mail for an account that is gone, and say so to staff.
          const remove = () => removeAccount(ws.db, id);
          await (sessions.current()?.syncs.removeAccount(id, remove) ?? remove());
          return { ok: true };
        },
        'accounts.oauthBegin': async ({ id }) => beginOAuthSignIn(requireWorkspace(), id),
        'accounts.oauthComplete': async ({ id }) => {
          const account = await completeOAuthSignIn(requireWorkspace(), id);
          // Signed in: the mail that waited for it is fetched now (IDLE too, with the new token), and the sync's health shows the result.
          sessions.current()?.syncs.accountsChanged(id);
          sessions.current()?.syncs.run(id).catch(() => undefined);
          return account;
        },
        'sync.run': async ({ accountId }) => {
          requireWorkspace();
          return sessions.require().syncs.run(accountId);
        },
        'sync.status': async () => {
          requireWorkspace();
          return sessions.require().syncs.status();
        },
        'sync.cancel': async ({ accountId }) => {
          requireWorkspace();
          return { cancelled: sessions.require().syncs.cancel(accountId) };
        },
        'sync.quarantine': async ({ accountId }) => listQuarantine(requireWorkspace().db, accountId),
        'sync.retryQuarantined': async ({ id, asInquiry }) => {
          requireWorkspace();
          return sessions.require().syncs.retryQuarantined(id, { asInquiry: asInquiry ?? false });
        },
        'sync.dismissQuarantined': async ({ id }) => {
          const ws = requireWorkspace();
          const outcome = await dismissOldMailboxSetAside(ws.db, id);
          if (outcome === 'notFound') throw new AppError('NOT_FOUND', userMessage('setAsideGone'));
          if (outcome === 'stillReadable') throw new AppError('CONFLICT', userMessage('setAsideStillReadable'));
          ws.logger.info('sync.setAsideDismissed', { id });
          return { ok: true as const };
        },

        'inquiries.list': async ({ limit, ...filter }) => listInquiries(requireWorkspace().db, filter, limit ?? INQUIRY_LIST_LIMIT),
        'inquiries.get': async ({ id }) => getInquiryDetail(requireWorkspace(), id),
        'inquiries.logOffline': async (input) => logOfflineInquiry(requireWorkspace(), input),
        'inquiries.reply': async (input) => {
          requireWorkspace();
          return sessions.require().outbox.sendAtOnce(input);
        },
        'attachments.download': async ({ id }) => downloadAttachment(requireWorkspace(), id),
        'attachments.remove': async ({ id }) => removeAttachment(requireWorkspace(), id),
        'outbox.queue': async (input) => {
          requireWorkspace();
          return sessions.require().outbox.queue(input);
        },
        'outbox.cancel': async ({ id, checked }) => {
          requireWorkspace();
          return sessions.require().outbox.cancel(id, { checked: checked === true });
        },
        'outbox.sendNow': async ({ id, checked }) => {
          requireWorkspace();
          return sessions.require().outbox.sendNow(id, { checked: checked === true });
        },
        'outbox.list': async ({ inquiryId }) => {
          requireWorkspace();
          return sessions.require().outbox.list(inquiryId);
        },
        'templates.list': async () => listTemplates(requireWorkspace().db),
        'templates.save': async (input) => {
          const ws = requireWorkspace();
          const saved = await saveTemplate(ws.db, input, ws.operator, ws.now());
          router.push('templates.changed', {});
          return saved;
        },
        'templates.remove': async ({ id }) => {
          await removeTemplate(requireWorkspace().db, id);
          router.push('templates.changed', {});
          return { ok: true };
        },
        'inquiries.setStatus': async ({ inquiryId, status, undoFirstResponseAt }) => setInquiryStatus(requireWorkspace(), inquiryId, status, { undoFirstResponseAt }),

        'customers.search': async ({ query }) => searchCustomers(requireWorkspace().db, query),
        'customers.get': async ({ id }) => getCustomerDetail(requireWorkspace(), id),
        'customers.amend': async (input) => amendCustomer(requireWorkspace(), input),
        'customers.disclose': async (input) => discloseCustomer(requireWorkspace(), input),
        'customers.cancelRegistration': async (input) => cancelRegistration(requireWorkspace(), input),
        'customers.recordProvision': async (input) => recordThirdPartyProvision(requireWorkspace(), input),
        'consent.record': async (input) => recordConsent(requireWorkspace(), input),

        'marketing.preview': async () => {
          const rows = await permittedMailingList(requireWorkspace());
          return { count: rows.length, rows: rows.slice(0, 200) };
        },
        'marketing.exportCsv': async ({ handedTo }) => exportMailingList(requireWorkspace(), handedTo),
        'marketing.exportLog': async () => listExportLog(requireWorkspace()),
        'marketing.stopList': async ({ exportId }) => stopListOfExport(requireWorkspace(), exportId),

        'reports.responseTimes': async ({ from, to }) => ({ from, to, rows: await responseTimeReport(requireWorkspace(), from, to) }),
        'reports.responseTimesCsv': async ({ from, to }) => responseTimeCsv(from, to, await responseTimeReport(requireWorkspace(), from, to)),
      }),
    },
    options.logger,
  );

  return {
    router,
    close: () => sessions.close(),
  };
}

import { call, onConnectionChange, onPush } from '../api/client';
import { syncLanguageWithSettings } from '../i18n/language';
import { useAccounts } from './accounts';
import { useAttachments } from './attachments';
import { useCustomer } from './customer';
import { useCustomers } from './customers';
import { useErrors } from './errors';
import { useInbox } from './inbox';
import { useInquiry } from './inquiry';
import { useMarketing } from './marketing';
import { useNav } from './nav';
import { useNotices } from './notices';
import { useReports } from './reports';
import { useSession } from './session';
import { useQuarantine } from './quarantine';
import { useOfflineEntry } from './offlineEntry';
import { useTemplates } from './templates';

/** Forgets every piece of customer data the screens hold: run when the session locks. */
export function forgetData(): void {
  useInbox.getState().reset();
  useInquiry.getState().reset();
  useCustomers.getState().reset();
  useCustomer.getState().reset();
  useAccounts.getState().reset();
  useMarketing.getState().reset();
  useReports.getState().reset();
  useAttachments.getState().reset();
  useTemplates.getState().reset();
  useQuarantine.getState().reset();
  useOfflineEntry.getState().reset();
  useNotices.getState().clear();
  // Error messages can quote customer data (names, addresses): they go too.
  useErrors.getState().clear();
  useNav.getState().go({ screen: 'inbox' });
}

/** Refetches what the visible screens show (after a reconnect or a change pushed from main). */
function refreshVisible(): void {
  if (!useSession.getState().status?.unlocked) return;
  if (useInbox.getState().loaded) void useInbox.getState().load();
  if (useInquiry.getState().id !== null) void useInquiry.getState().reload();
  if (useCustomer.getState().id !== null) void useCustomer.getState().reload();
}

/** The accounts and their sync health, for the header's alert (Settings shows them in full). */
function loadSyncHealth(): Promise<void> {
  if (!useSession.getState().status?.unlocked) return Promise.resolve();
  const accounts = useAccounts.getState();
  return Promise.all([accounts.loaded ? undefined : accounts.load(), accounts.loadStatus()]).then(() => undefined);
}

let started = false;

/**
 * Wires main's pushes into the stores (Mailspring's model: the sync engine writes, the UI
 * listens) and loads the session state. Idempotent.
 */
/** How often at most a screen tells the main process that staff are at it (session.touch): the idle lock counts from the last. */
const TOUCH_EVERY_MS = 60_000;

/** A key, a click or a scroll while unlocked keeps the session from locking itself for being left alone. */
function reportActivity(): void {
  let last = 0;
  const touch = () => {
    if (!useSession.getState().status?.unlocked || Date.now() - last < TOUCH_EVERY_MS) return;
    last = Date.now();
    // Nothing to tell staff if it fails: at worst the app locks, as it would have.
    call('session.touch', {}).catch(() => undefined);
  };
  for (const type of ['keydown', 'pointerdown', 'wheel'] as const) window.addEventListener(type, touch, { capture: true, passive: true });
}

export function startApp(): void {
  if (started) return;
  started = true;
  reportActivity();

  useSession.subscribe((state, previous) => {
    const was = previous.status?.unlocked ?? false;
    const is = state.status?.unlocked ?? false;
    if (was && !is) forgetData();
    if (!was && is) {
      void syncLanguageWithSettings();
      void loadSyncHealth();
    }
  });

  onPush('session.changed', () => void useSession.getState().refresh());

  onPush('inquiries.changed', ({ inquiryIds }) => {
    if (!useSession.getState().status?.unlocked) return;
    if (useInbox.getState().loaded) void useInbox.getState().load();
    const openInquiry = useInquiry.getState().id;
    if (openInquiry !== null && inquiryIds.includes(openInquiry)) void useInquiry.getState().reload();
    // A customer's page lists their inquiries; a new one may be theirs.
    if (useCustomer.getState().id !== null) void useCustomer.getState().reload();
  });

  onPush('sync.progress', (progress) => useAccounts.getState().applyProgress(progress));
  // A sync ended (the background one too), after any renewed login: the header's alert of failing accounts follows.
  onPush('sync.ended', () => void loadSyncHealth());

  // Saved or removed in another window: the picker must not offer what is gone.
  onPush('templates.changed', () => {
    if (useSession.getState().status?.unlocked && useTemplates.getState().loaded) void useTemplates.getState().load();
  });

  onPush('outbox.changed', ({ inquiryIds }) => {
    if (!useSession.getState().status?.unlocked) return;
    // The inbox marks inquiries whose reply failed: a send that fails while staff are elsewhere shows there.
    if (useInbox.getState().loaded) void useInbox.getState().load();
    const openInquiry = useInquiry.getState().id;
    if (openInquiry !== null && inquiryIds.includes(openInquiry)) void useInquiry.getState().loadOutbox();
  });

  let wasOpen = false;
  onConnectionChange((state) => {
    if (state !== 'open') return;
    // After a reconnect the main process may have moved on (locked, new mail): catch up.
    if (wasOpen) {
      void useSession.getState().refresh().then(refreshVisible);
    }
    wasOpen = true;
  });

  void useSession.getState().refresh();
  void syncLanguageWithSettings();
}

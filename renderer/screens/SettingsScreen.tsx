import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAccount } from '../../shared/mailAccounts';
import { LanguageSwitch } from '../components/LanguageSwitch';
import i18n, { mainProcessText } from '../i18n';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useAccounts } from '../stores/accounts';
import { useNotices } from '../stores/notices';
import { AccountForm } from './AccountForm';
import { PassphraseChangeForm } from './PassphraseChangeForm';
import { QuarantineList } from './QuarantineList';
import { TemplatesEditor } from './TemplatesEditor';

const STATUS_REFRESH_MS = 30_000;

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function SyncStatus({ account }: { account: MailAccount }) {
  const { t } = useTranslation();
  const progress = useAccounts((s) => s.progress[account.id]);
  const report = useAccounts((s) => s.reports[account.id]);
  const rate = useAccounts((s) => s.rates[account.id] ?? null);
  const cancel = useAccounts((s) => s.cancel);
  const syncingHere = useAccounts((s) => s.syncing[account.id] ?? false);
  const runningInMain = useAccounts((s) => s.status[account.id]?.running ?? false);
  // A sync can also be started by the background scheduler: then only sync.status knows it runs.
  const syncing = syncingHere || runningInMain;
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    if (!syncing) setCancelling(false);
  }, [syncing]);

  const cancelSync = async () => {
    setCancelling(true);
    if (!(await cancel(account.id))) setCancelling(false);
  };

  // Reconnecting after a drop waits with back-off: cancelling must stay possible then too.
  const active = syncing && (!progress || progress.phase === 'connecting' || progress.phase === 'fetching' || progress.phase === 'reconnecting');
  const folderErrors = report?.folders?.filter((f) => f.error !== null) ?? [];
  return (
    <div className="sync-status">
      {/* First, so that it stays where it is while the figures after it change width and wrap. */}
      {active && (
        <button type="button" className="danger" data-testid={`sync-cancel-${account.id}`} disabled={cancelling} onClick={() => void cancelSync()}>
          {t('sync.cancel')}
        </button>
      )}
      {progress && (
        <div className="sync-progress" data-testid={`sync-progress-${account.id}`} data-phase={progress.phase}>
          <span>
            {t('sync.label')}: {t(`sync.phase.${progress.phase}`, { attempt: progress.attempt, attempts: progress.attempts })}
          </span>
          {progress.folder && (
            <span className="muted" data-testid={`sync-folder-${account.id}`}>
              {t('sync.folder')}: {progress.folder}
            </span>
          )}
          {progress.total > 0 && (
            <>
              <progress max={progress.total} value={progress.done} />
              <span className="muted" data-testid={`sync-count-${account.id}`}>
                {progress.done} / {progress.total}
              </span>
            </>
          )}
          {progress.bytes !== undefined && (
            <span className="muted" data-testid={`sync-bytes-${account.id}`}>
              {t('sync.megabytes', { mb: megabytes(progress.bytes) })}
            </span>
          )}
          {rate !== null && (
            <span className="muted" data-testid={`sync-rate-${account.id}`}>
              {t('sync.rate', { rate: rate.toFixed(1) })}
            </span>
          )}
        </div>
      )}
      {syncing && !progress && (
        <div className="sync-progress" data-testid={`sync-progress-${account.id}`} data-phase="connecting">
          {t('sync.label')}: {t('sync.phase.connecting')}
        </div>
      )}
      {report && !syncing && (
        <>
          {report.cancelled && (
            <p className="warning" data-testid={`sync-cancelled-${account.id}`}>
              {t('sync.cancelled')}
            </p>
          )}
          <dl className="sync-report" data-testid={`sync-report-${account.id}`}>
            <div>
              <dt>{t('sync.fetched')}</dt>
              <dd data-testid="sync-fetched">{report.fetched}</dd>
            </div>
            <div>
              <dt>{t('sync.newInquiries')}</dt>
              <dd data-testid="sync-new">{report.newInquiries}</dd>
            </div>
            <div>
              <dt>{t('sync.addedToThreads')}</dt>
              <dd data-testid="sync-threaded">{report.addedToThreads}</dd>
            </div>
            <div>
              <dt>{t('sync.skippedDuplicates')}</dt>
              <dd data-testid="sync-duplicates">{report.skippedDuplicates}</dd>
            </div>
            <div>
              <dt>{t('sync.quarantined')}</dt>
              <dd data-testid="sync-quarantined">{report.quarantined}</dd>
            </div>
            <div>
              <dt>{t('sync.archived')}</dt>
              <dd data-testid={`sync-archived-${account.id}`}>{report.archived ?? 0}</dd>
            </div>
            <div>
              <dt>{t('sync.automatic')}</dt>
              <dd data-testid={`sync-automatic-${account.id}`}>{report.automatic ?? 0}</dd>
            </div>
            <div>
              <dt>{t('sync.undeliverable')}</dt>
              <dd data-testid={`sync-undeliverable-${account.id}`}>{report.undeliverable ?? 0}</dd>
            </div>
          </dl>
          {folderErrors.length > 0 && (
            <ul className="field-error" data-testid={`sync-folder-errors-${account.id}`}>
              {folderErrors.map((f) => (
                <li key={f.folder}>{t('sync.folderError', { folder: f.folder, error: mainProcessText(f.error ?? '') })}</li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

/** Sync health from sync.status: last sync, last error, next retry, IDLE, and each folder's cursor. */
function SyncHealth({ account }: { account: MailAccount }) {
  const { t } = useTranslation();
  const status = useAccounts((s) => s.status[account.id]);
  if (!status) return null;
  return (
    <dl className="facts sync-health" data-testid={`account-health-${account.id}`}>
      <div>
        <dt>{t('sync.health.lastSync')}</dt>
        <dd data-testid={`account-health-last-sync-${account.id}`}>{tokyoDateTimeOrNone(status.lastSyncAt)}</dd>
      </div>
      <div>
        <dt>{t('sync.health.lastError')}</dt>
        <dd data-testid={`account-health-error-${account.id}`} className={status.lastError ? 'field-error' : undefined}>
          {status.lastError ? (
            <>
              {mainProcessText(status.lastError)}{' '}
              <span data-testid={`account-failures-${account.id}`}>
                {/* No failure in a row: the sync went through, but a folder of it did not (a folder renamed on the server). */}
                {status.failureCount > 0 ? t('sync.health.failureCount', { n: status.failureCount }) : t('sync.health.someFolders')}
              </span>
            </>
          ) : (
            t('sync.health.noError')
          )}
        </dd>
      </div>
      <div>
        <dt>{t('sync.health.nextRetry')}</dt>
        <dd data-testid={`account-next-retry-${account.id}`}>{tokyoDateTimeOrNone(status.nextRetryAt)}</dd>
      </div>
      <div>
        <dt>{t('sync.health.idle')}</dt>
        <dd data-testid={`account-idle-${account.id}`} data-idle={String(status.idle)}>
          {status.idle ? t('sync.health.idleOn') : t('sync.health.idleOff')}
        </dd>
      </div>
      <div>
        <dt>{t('sync.health.folders')}</dt>
        <dd>
          <ul className="folder-cursors" data-testid={`account-folder-cursors-${account.id}`}>
            {status.folders.map((f) => (
              <li key={f.folder} data-testid="folder-cursor" data-folder={f.folder} data-last-uid={f.lastUid}>
                {f.folder}: {t('sync.health.lastUid', { uid: f.lastUid })}
              </li>
            ))}
          </ul>
        </dd>
      </div>
    </dl>
  );
}

function AccountRow({ account, onEdit }: { account: MailAccount; onEdit: () => void }) {
  const { t } = useTranslation();
  const sync = useAccounts((s) => s.sync);
  const remove = useAccounts((s) => s.remove);
  const syncing = useAccounts((s) => s.syncing[account.id] ?? false);
  const signIn = useAccounts((s) => s.signIn);
  const [confirmRemove, setConfirmRemove] = useState(false);
  /** The provider's page of the sign-in under way, offered as a link should no browser have opened. */
  const [signInUrl, setSignInUrl] = useState<string | null>(null);
  const signInAttempt = useRef(0);

  // Pressing again while waiting starts over (the tab was closed, the browser did not open).
  const signInWithBrowser = async () => {
    const mine = ++signInAttempt.current;
    try {
      const signedIn = await signIn(account.id, (url) => {
        setSignInUrl(url);
        // noopener: the provider's page gets no handle on Madoguchi (in Electron it opens in the system browser).
        window.open(url, '_blank', 'noopener,noreferrer');
      });
      if (signedIn) useNotices.getState().show(i18n.t('accounts.signedIn', { label: account.label }));
    } finally {
      if (signInAttempt.current === mine) setSignInUrl(null);
    }
  };

  const syncNow = async () => {
    const report = await sync(account.id);
    if (report?.cancelled) {
      useNotices.getState().show(i18n.t('sync.cancelledNotice', { label: account.label, fetched: report.fetched }));
    } else if (report) {
      useNotices.getState().show(
        i18n.t('sync.done', {
          label: account.label,
          fetched: report.fetched,
          newInquiries: report.newInquiries,
          addedToThreads: report.addedToThreads,
        }),
      );
    }
  };

  return (
    <li className="account-row card" data-testid={`account-row-${account.id}`}>
      <div className="account-head">
        <strong data-testid="account-row-label">{account.label}</strong>
        <span className="muted">
          {account.fromName ? `${account.fromName} <${account.fromAddress}>` : account.fromAddress}
        </span>
        <span className="spacer" />
        <button type="button" className="primary" data-testid={`account-sync-${account.id}`} disabled={syncing} onClick={() => void syncNow()}>
          {syncing ? t('sync.running') : t('sync.now')}
        </button>
        {account.authMethod === 'oauth2' && account.oauthAuthorizeUrl && (
          <button
            type="button"
            // Until the first sign-in, it is what the account needs next.
            className={!account.hasOAuthAccessToken && !account.hasOAuthRefresh ? 'primary' : undefined}
            data-testid={`account-sign-in-${account.id}`}
            onClick={() => void signInWithBrowser()}
          >
            {t('accounts.signIn')}
          </button>
        )}
        <button type="button" data-testid={`account-edit-${account.id}`} onClick={onEdit}>
          {t('common.edit')}
        </button>
        {confirmRemove ? (
          <>
            <button
              type="button"
              className="danger"
              data-testid={`account-remove-confirm-${account.id}`}
              onClick={async () => {
                if (await remove(account.id)) useNotices.getState().show(i18n.t('accounts.removed', { label: account.label }));
              }}
            >
              {t('accounts.removeConfirm')}
            </button>
            <button type="button" onClick={() => setConfirmRemove(false)}>
              {t('common.cancel')}
            </button>
          </>
        ) : (
          <button type="button" data-testid={`account-remove-${account.id}`} onClick={() => setConfirmRemove(true)}>
            {t('common.remove')}
          </button>
        )}
      </div>
      <dl className="facts">
        <div>
          <dt>IMAP</dt>
          <dd>
            {account.imapUser}@{account.imapHost}:{account.imapPort} {account.imapTls ? 'TLS' : t('accounts.noTls')}
          </dd>
        </div>
        <div>
          <dt>SMTP</dt>
          <dd>
            {account.smtpUser ? `${account.smtpUser}@` : ''}
            {account.smtpHost}:{account.smtpPort} {account.smtpTls ? 'TLS' : t('accounts.noTls')}
          </dd>
        </div>
        <div>
          <dt>{t('accounts.authMethod')}</dt>
          <dd data-testid={`account-auth-${account.id}`}>
            {account.authMethod === 'oauth2' ? t('accounts.authOAuth2') : t('accounts.authPassword')}
            {account.authMethod === 'oauth2' && account.oauthExpiresAt && <> · {t('accounts.tokenExpires', { at: tokyoDateTimeOrNone(account.oauthExpiresAt) })}</>}
            {account.authMethod === 'oauth2' && account.hasOAuthRefresh && <> · {t('accounts.tokenAutoRenew')}</>}
            {account.authMethod === 'oauth2' && !account.hasOAuthAccessToken && !account.hasOAuthRefresh && <> · {t('accounts.notSignedIn')}</>}
          </dd>
        </div>
      </dl>
      {signInUrl && (
        <p className="notice" role="status" data-testid={`account-sign-in-waiting-${account.id}`}>
          <span>
            {t('accounts.signInWaiting')}{' '}
            <a href={signInUrl} target="_blank" rel="noopener noreferrer">
              {t('accounts.signInLink')}
            </a>
          </span>
        </p>
      )}
      <SyncHealth account={account} />
      <SyncStatus account={account} />
    </li>
  );
}

export function SettingsScreen() {
  const { t } = useTranslation();
  const accounts = useAccounts((s) => s.accounts);
  const loaded = useAccounts((s) => s.loaded);
  // null: no form; 'new': adding; a number: editing that account.
  const [editing, setEditing] = useState<null | 'new' | number>(null);

  useEffect(() => {
    void useAccounts.getState().load();
  }, []);

  // Sync health: now, on every progress push or account change, and every 30 s while this screen is open.
  useEffect(() => {
    const refresh = () => void useAccounts.getState().loadStatus();
    refresh();
    const timer = window.setInterval(refresh, STATUS_REFRESH_MS);
    const unsubscribe = useAccounts.subscribe((state, previous) => {
      if (state.progress !== previous.progress || state.accounts !== previous.accounts) refresh();
    });
    return () => {
      window.clearInterval(timer);
      unsubscribe();
    };
  }, []);

  const editedAccount = typeof editing === 'number' ? (accounts.find((a) => a.id === editing) ?? null) : null;

  return (
    <div className="page" data-testid="settings-screen">
      <section>
        <div className="toolbar">
          <h2>{t('settings.title')}</h2>
        </div>
        <div className="toolbar">
          <span>{t('common.language')}</span>
          <LanguageSwitch testId="settings-language" />
        </div>
      </section>
      <section>
        <div className="toolbar">
          <h3>{t('accounts.title')}</h3>
          <span className="spacer" />
          <button type="button" className="primary" data-testid="account-add" onClick={() => setEditing('new')}>
            {t('accounts.add')}
          </button>
        </div>
        {editing !== null && (
          <AccountForm key={String(editing)} account={editedAccount} onClose={() => setEditing(null)} />
        )}
        {loaded && accounts.length === 0 && editing === null && <p className="empty">{t('accounts.none')}</p>}
        <ul className="account-list" data-testid="account-list">
          {accounts.map((account) => (
            <AccountRow key={account.id} account={account} onEdit={() => setEditing(account.id)} />
          ))}
        </ul>
      </section>
      <QuarantineList />
      <TemplatesEditor />
      <PassphraseChangeForm />
    </div>
  );
}

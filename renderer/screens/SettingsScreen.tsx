import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailAccount } from '../../shared/domain';
import { LanguageSwitch } from '../components/LanguageSwitch';
import i18n from '../i18n';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useAccounts } from '../stores/accounts';
import { useNotices } from '../stores/notices';
import { AccountForm } from './AccountForm';
import { TemplatesEditor } from './TemplatesEditor';

function SyncStatus({ account }: { account: MailAccount }) {
  const { t } = useTranslation();
  const progress = useAccounts((s) => s.progress[account.id]);
  const report = useAccounts((s) => s.reports[account.id]);
  const syncing = useAccounts((s) => s.syncing[account.id] ?? false);
  return (
    <div className="sync-status">
      {(syncing || progress) && progress && (
        <div className="sync-progress" data-testid={`sync-progress-${account.id}`} data-phase={progress.phase}>
          <span>
            {t('sync.label')}: {t(`sync.phase.${progress.phase}`)}
          </span>
          {progress.total > 0 && (
            <>
              <progress max={progress.total} value={progress.done} />
              <span className="muted">
                {progress.done} / {progress.total}
              </span>
            </>
          )}
        </div>
      )}
      {syncing && !progress && (
        <div className="sync-progress" data-testid={`sync-progress-${account.id}`} data-phase="connecting">
          {t('sync.label')}: {t('sync.phase.connecting')}
        </div>
      )}
      {report && !syncing && (
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
        </dl>
      )}
      {account.lastError && (
        <p className="field-error" data-testid={`account-error-${account.id}`}>
          {t('accounts.lastError')}: {account.lastError}
        </p>
      )}
    </div>
  );
}

function AccountRow({ account, onEdit }: { account: MailAccount; onEdit: () => void }) {
  const { t } = useTranslation();
  const sync = useAccounts((s) => s.sync);
  const remove = useAccounts((s) => s.remove);
  const syncing = useAccounts((s) => s.syncing[account.id] ?? false);
  const [confirmRemove, setConfirmRemove] = useState(false);

  const syncNow = async () => {
    const report = await sync(account.id);
    if (report) {
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
          <dt>{t('accounts.lastSync')}</dt>
          <dd data-testid={`account-last-sync-${account.id}`}>{tokyoDateTimeOrNone(account.lastSyncAt)}</dd>
        </div>
      </dl>
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
      <TemplatesEditor />
    </div>
  );
}

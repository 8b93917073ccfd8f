import { useTranslation } from 'react-i18next';
import { useAccounts } from '../stores/accounts';
import { useNav } from '../stores/nav';

/**
 * In the header, on every screen: the mail accounts whose last sync failed (an expired token, a
 * changed password), so that staff answering in the inbox learn that mail has stopped coming in,
 * rather than finding out in Settings hours later. It opens Settings, where the error is shown.
 */
export function SyncAlert() {
  const { t } = useTranslation();
  // A string, not a new array: the header re-renders only when the list of names changes.
  const failing = useAccounts((s) =>
    s.accounts
      // A failed sync, or a folder of it that failed (that folder's mail does not come in either).
      .filter((a) => ((s.status[a.id]?.failureCount ?? 0) > 0 || Boolean(s.status[a.id]?.lastError)) && !s.status[a.id]?.running)
      .map((a) => a.label)
      .join(t('common.listSeparator')),
  );
  const go = useNav((s) => s.go);
  if (!failing) return null;
  return (
    <button type="button" className="sync-alert" data-testid="sync-alert" role="status" onClick={() => go({ screen: 'settings' })}>
      {t('header.syncFailing', { accounts: failing })}
    </button>
  );
}

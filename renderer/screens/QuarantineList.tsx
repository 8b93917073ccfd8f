import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useAccounts } from '../stores/accounts';
import { useQuarantine } from '../stores/quarantine';

/** The mails the sync did not turn into inquiries, and why; the mail itself stays on the server. */
export function QuarantineList() {
  const { t } = useTranslation();
  const mails = useQuarantine((s) => s.mails);
  const loaded = useQuarantine((s) => s.loaded);
  const accounts = useAccounts((s) => s.accounts);

  useEffect(() => {
    void useQuarantine.getState().load();
    // A finished sync may have set more mail aside.
    return useAccounts.subscribe((state, previous) => {
      if (state.progress !== previous.progress) void useQuarantine.getState().load();
    });
  }, []);

  const label = (accountId: number) => accounts.find((a) => a.id === accountId)?.label ?? `#${accountId}`;

  return (
    <section data-testid="quarantine">
      <div className="toolbar">
        <h3>{t('quarantine.title')}</h3>
      </div>
      <p className="hint">{t('quarantine.explain')}</p>
      {loaded && mails.length === 0 && <p className="empty">{t('quarantine.none')}</p>}
      {mails.length > 0 && (
        <table className="data-table">
          <thead>
            <tr>
              <th>{t('quarantine.at')}</th>
              <th>{t('quarantine.account')}</th>
              <th>{t('quarantine.where')}</th>
              <th>{t('quarantine.reason')}</th>
            </tr>
          </thead>
          <tbody>
            {mails.map((mail) => (
              <tr key={mail.id} data-testid={`quarantine-row-${mail.id}`}>
                <td>{tokyoDateTimeOrNone(mail.at)}</td>
                <td>{label(mail.accountId)}</td>
                <td>
                  {mail.folder} / UID {mail.uid}
                </td>
                <td data-testid="quarantine-reason">{mail.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

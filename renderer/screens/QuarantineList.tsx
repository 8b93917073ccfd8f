import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useAccounts } from '../stores/accounts';
import i18n, { mainProcessText } from '../i18n';
import { useNotices } from '../stores/notices';
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
  const [retrying, setRetrying] = useState<number | null>(null);

  const retry = async (id: number, asInquiry = false) => {
    setRetrying(id);
    try {
      const result = await useQuarantine.getState().retry(id, asInquiry);
      if (!result) return;
      const notice =
        result.outcome === 'setAside'
          ? i18n.t('quarantine.stillSetAside', { reason: mainProcessText(result.reason ?? '') })
          : result.outcome === 'duplicate'
            ? i18n.t('quarantine.alreadyStored')
            : i18n.t('quarantine.filed', { id: result.inquiryId });
      useNotices.getState().show(notice);
    } finally {
      setRetrying(null);
    }
  };

  const dismiss = async (id: number) => {
    if (await useQuarantine.getState().dismiss(id)) useNotices.getState().show(i18n.t('quarantine.dismissed'));
  };

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
              <th>{t('quarantine.mail')}</th>
              <th>{t('quarantine.account')}</th>
              <th>{t('quarantine.where')}</th>
              <th>{t('quarantine.reason')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {mails.map((mail) => (
              <tr key={mail.id} data-testid={`quarantine-row-${mail.id}`}>
                <td>{tokyoDateTimeOrNone(mail.at)}</td>
                <td data-testid="quarantine-mail">
                  {mail.subject === null && mail.from === null ? (
                    <span className="muted">{t('quarantine.unread')}</span>
                  ) : (
                    <>
                      <div data-testid="quarantine-subject">{mail.subject || t('quarantine.noSubject')}</div>
                      <div className="muted">
                        <span data-testid="quarantine-from">{mail.from ?? '—'}</span> · <span data-testid="quarantine-sent-at">{tokyoDateTimeOrNone(mail.sentAt)}</span>
                      </div>
                    </>
                  )}
                </td>
                <td>{label(mail.accountId)}</td>
                <td>
                  {mail.folder} / UID {mail.uid}
                  {mail.fromOldMailbox && (
                    <div>
                      <span className="badge muted-badge" data-testid={`quarantine-old-mailbox-${mail.id}`} title={t('quarantine.oldMailboxHint')}>
                        {t('quarantine.oldMailbox')}
                      </span>
                    </div>
                  )}
                </td>
                <td data-testid="quarantine-reason">{mainProcessText(mail.reason)}</td>
                <td>
                  {mail.fromOldMailbox ? (
                    <button type="button" data-testid={`quarantine-dismiss-${mail.id}`} disabled={retrying !== null} onClick={() => void dismiss(mail.id)}>
                      {t('quarantine.dismiss')}
                    </button>
                  ) : (
                    <button type="button" data-testid={`quarantine-retry-${mail.id}`} disabled={retrying !== null} onClick={() => void retry(mail.id)}>
                      {retrying === mail.id ? t('quarantine.retrying') : t('quarantine.retry')}
                    </button>
                  )}
                  {mail.fileable && (
                    <>
                      {' '}
                      <button type="button" data-testid={`quarantine-file-${mail.id}`} disabled={retrying !== null} title={t('quarantine.fileAsInquiryHint')} onClick={() => void retry(mail.id, true)}>
                        {t('quarantine.fileAsInquiry')}
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PURPOSES } from '../../shared/purposes';
import i18n, { purposeLabel, useLanguage } from '../i18n';
import { downloadText } from '../lib/download';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useMarketing } from '../stores/marketing';
import { useNotices } from '../stores/notices';
import { shownValue } from '../lib/storedPlaceholders';

const NEW_PRODUCT_INFORMATION = PURPOSES.find((p) => p.key === 'new_product_information')!;

export function MarketingScreen() {
  const { t } = useTranslation();
  const language = useLanguage();
  const preview = useMarketing((s) => s.preview);
  const log = useMarketing((s) => s.log);
  const [exporting, setExporting] = useState(false);
  const [handedTo, setHandedTo] = useState('');
  // Those the list went to before, to pick from.
  const earlierRecipients = [...new Set(log.map((entry) => entry.handedTo).filter((to): to is string => Boolean(to)))];

  useEffect(() => {
    void useMarketing.getState().load();
  }, []);

  const exportCsv = async () => {
    setExporting(true);
    try {
      const file = await useMarketing.getState().exportCsv(handedTo.trim());
      if (!file) return;
      downloadText(file.filename, file.csv);
      useNotices.getState().show(i18n.t('marketing.exported', { count: file.count, filename: file.filename }));
    } finally {
      setExporting(false);
    }
  };

  const downloadStopList = async (exportId: number) => {
    const file = await useMarketing.getState().stopList(exportId);
    if (!file) return;
    downloadText(file.filename, file.csv);
    useNotices.getState().show(i18n.t('marketing.stopListExported', { count: file.count, filename: file.filename }));
  };

  return (
    <div className="page" data-testid="marketing-screen">
      <div className="toolbar">
        <h2>
          {t('marketing.title', { purpose: purposeLabel(NEW_PRODUCT_INFORMATION, language) })}
        </h2>
      </div>
      <p className="hint" data-testid="marketing-explain">
        {t('marketing.explain')}
      </p>
      <div className="toolbar">
        <span className="big-number">
          {t('marketing.count')}: <strong data-testid="marketing-count">{preview ? preview.count : '…'}</strong>
        </span>
        <span className="spacer" />
        <button type="button" data-testid="marketing-refresh" onClick={() => void useMarketing.getState().load()}>
          {t('common.refresh')}
        </button>
        <label className="inline-field" title={t('marketing.handedToHint')}>
          {t('marketing.handedToLabel')}
          <input
            data-testid="marketing-handed-to"
            list="marketing-handed-to-earlier"
            value={handedTo}
            maxLength={300}
            onChange={(e) => setHandedTo(e.target.value)}
            placeholder={t('marketing.handedToPlaceholder')}
          />
          <datalist id="marketing-handed-to-earlier">
            {earlierRecipients.map((to) => (
              <option key={to} value={to} />
            ))}
          </datalist>
        </label>
        <button type="button" className="primary" data-testid="marketing-export" disabled={exporting || !preview || handedTo.trim() === ''} onClick={() => void exportCsv()}>
          {t('marketing.exportCsv')}
        </button>
      </div>
      <section>
        <h3>{t('marketing.preview')}</h3>
        <div className="table-box">
          <table className="data-table" data-testid="marketing-preview">
            <thead>
              <tr>
                <th>{t('customer.name')}</th>
                <th>{t('customer.email')}</th>
                <th>{t('marketing.consentedAt')}</th>
              </tr>
            </thead>
            <tbody>
              {preview?.rows.map((row) => (
                <tr key={row.customerId} data-testid={`marketing-row-${row.customerId}`}>
                  <td>{shownValue(row.name, t)}</td>
                  <td>{row.email}</td>
                  <td className="nowrap">{tokyoDateTimeOrNone(row.consentedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview && preview.count > preview.rows.length && (
            <p className="hint">{t('marketing.previewPartial', { shown: preview.rows.length, count: preview.count })}</p>
          )}
          {preview && preview.rows.length === 0 && <p className="empty">{t('marketing.emptyList')}</p>}
        </div>
      </section>
      <section>
        <h3>{t('marketing.log')}</h3>
        {log.length === 0 ? (
          <p className="empty" data-testid="export-log-empty">
            {t('marketing.noExports')}
          </p>
        ) : (
          <table className="data-table" data-testid="export-log">
            <thead>
              <tr>
                <th>{t('marketing.exportedAt')}</th>
                <th>{t('marketing.exportedBy')}</th>
                <th>{t('marketing.rowCount')}</th>
                <th>{t('marketing.handedTo')}</th>
                <th title={t('marketing.noLongerMailableHint')}>{t('marketing.noLongerMailable')}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((entry) => (
                <tr key={entry.id} data-testid={`export-log-row-${entry.id}`}>
                  <td className="nowrap">{tokyoDateTimeOrNone(entry.exportedAt)}</td>
                  <td data-testid="export-log-who">{entry.exportedBy}</td>
                  <td data-testid="export-log-count">{entry.rowCount}</td>
                  <td data-testid="export-log-handed-to">{entry.handedTo ?? '—'}</td>
                  <td className="nowrap">
                    <span data-testid="export-log-no-longer-mailable">{entry.noLongerMailable}</span>
                    {entry.noLongerMailable > 0 && (
                      <button type="button" data-testid={`export-log-stop-list-${entry.id}`} onClick={() => void downloadStopList(entry.id)}>
                        {t('marketing.stopList')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}

import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { downloadText } from '../lib/download';
import { durationOrNone } from '../lib/format';
import { useReports } from '../stores/reports';

export function ReportsScreen() {
  const { t } = useTranslation();
  const from = useReports((s) => s.from);
  const to = useReports((s) => s.to);
  const result = useReports((s) => s.result);
  const setRange = useReports((s) => s.setRange);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void useReports.getState().load();
  }, []);

  const run = async (event?: FormEvent) => {
    event?.preventDefault();
    setBusy(true);
    try {
      await useReports.getState().load();
    } finally {
      setBusy(false);
    }
  };

  const [exporting, setExporting] = useState(false);
  const csv = async () => {
    setExporting(true);
    try {
      const file = await useReports.getState().csv();
      if (file) downloadText(file.filename, file.csv);
    } finally {
      setExporting(false);
    }
  };

  return (
    <div className="page" data-testid="reports-screen">
      <form className="toolbar" onSubmit={run}>
        <h2>{t('reports.title')}</h2>
        <label>
          {t('reports.from')}
          <input type="date" data-testid="report-from" value={from} onChange={(e) => setRange(e.target.value, to)} required />
        </label>
        <label>
          {t('reports.to')}
          <input type="date" data-testid="report-to" value={to} onChange={(e) => setRange(from, e.target.value)} required />
        </label>
        <span className="hint">{t('reports.tokyoDays')}</span>
        <span className="spacer" />
        <button type="submit" className="primary" data-testid="report-run" disabled={busy}>
          {t('reports.run')}
        </button>
        <button type="button" data-testid="report-csv" disabled={!result || exporting} title={result ? t('reports.range', { from: result.from, to: result.to }) : undefined} onClick={() => void csv()}>
          {t('reports.csv')}
        </button>
      </form>
      {result && (
        <>
          <p className="hint" data-testid="report-range">
            {t('reports.range', { from: result.from, to: result.to })}
          </p>
          <table className="data-table numbers" data-testid="report-table">
            <thead>
              <tr>
                <th>{t('reports.channel')}</th>
                <th>{t('reports.received')}</th>
                <th>{t('reports.answered')}</th>
                <th>{t('reports.median')}</th>
                <th>{t('reports.p90')}</th>
              </tr>
            </thead>
            <tbody>
              {result.rows.map((row) => (
                <tr key={row.channel} data-testid={`report-row-${row.channel}`} className={row.channel === 'all' ? 'total' : ''}>
                  <th scope="row">{row.channel === 'all' ? t('reports.all') : t(`channel.${row.channel}`)}</th>
                  <td data-testid="report-received">{row.received}</td>
                  <td data-testid="report-answered">{row.answered}</td>
                  <td data-testid="report-median">{durationOrNone(row.medianMinutes)}</td>
                  <td data-testid="report-p90">{durationOrNone(row.p90Minutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="hint">{t('reports.durationHint')}</p>
        </>
      )}
    </div>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail } from '../../shared/domain';
import i18n, { currentLanguage } from '../i18n';
import { disclosureDocument } from '../lib/disclosureDocument';
import { downloadText } from '../lib/download';
import { tokyoToday } from '../lib/format';
import { useCustomer } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { NEW_REQUEST, RequestFields, requestInput } from './RequestFields';

/**
 * Discloses what is held about a customer at their request: how the request came and how they
 * were identified are recorded, then everything held is saved as a text document for them.
 */
export function DisclosureForm({ detail, onDone, onCancel }: { detail: CustomerDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const disclose = useCustomer((s) => s.disclose);
  const [request, setRequest] = useState(NEW_REQUEST);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { customer } = detail;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (request.evidence.trim() === '') return setProblem(t('request.evidenceRequired'));
    setProblem(null);
    setBusy(true);
    try {
      const disclosure = await disclose({ id: customer.id, ...requestInput(request) });
      if (!disclosure) return;
      const language = currentLanguage();
      const fileName = i18n.t('disclose.fileName', { customer: customer.name, date: tokyoToday().replaceAll('-', '') });
      downloadText(fileName, disclosureDocument(disclosure, i18n.getFixedT(language), language), 'text/plain;charset=utf-8');
      useNotices.getState().show(i18n.t('disclose.recorded', { customer: customer.name }));
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="disclosure-form" onSubmit={submit} data-testid="disclosure-form">
      <h3>{t('disclose.formTitle', { customer: customer.name })}</h3>
      <p className="hint">{t('disclose.explain')}</p>
      <div className="form-grid">
        <RequestFields
          value={request}
          onChange={setRequest}
          inquiries={detail.inquiries}
          testId="disclosure"
          evidenceLabel={t('disclose.evidence')}
          evidencePlaceholder={t('disclose.evidencePlaceholder')}
        />
      </div>
      {problem && (
        <p className="field-error" data-testid="disclosure-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="button" data-testid="disclosure-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="disclosure-submit" disabled={busy}>
          {t('disclose.submit')}
        </button>
      </div>
    </form>
  );
}

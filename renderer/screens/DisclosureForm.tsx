import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail, Language } from '../../shared/domain';
import i18n, { LANGUAGES } from '../i18n';
import { disclosureDocument } from '../lib/disclosureDocument';
import { downloadText } from '../lib/download';
import { tokyoToday } from '../lib/format';
import { useCustomer } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { NEW_REQUEST, RequestFields, requestInput, sourceInquiriesOf } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';

/**
 * Discloses what is held about a customer at their request: how the request came and how they
 * were identified are recorded, then everything held is saved as a text document for them.
 */
export function DisclosureForm({ detail, onDone, onCancel }: { detail: CustomerDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const disclose = useCustomer((s) => s.disclose);
  const [request, setRequest] = useState(NEW_REQUEST);
  // The customer's language, whatever the staff's: Japanese unless they ask otherwise.
  const [documentLanguage, setDocumentLanguage] = useState<Language>('ja');
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
      const t = i18n.getFixedT(documentLanguage);
      // Named by number, not by name: the file leaves the encrypted database.
      const fileName = t('disclose.fileName', { id: customer.id, date: tokyoToday().replaceAll('-', '') });
      downloadText(fileName, disclosureDocument(disclosure, t, documentLanguage), 'text/plain;charset=utf-8');
      useNotices.getState().show(i18n.t('disclose.recorded', { customer: shownValue(customer.name, i18n.t) }));
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="disclosure-form" onSubmit={submit} data-testid="disclosure-form">
      <h3>{t('disclose.formTitle', { customer: shownValue(customer.name, t) })}</h3>
      <p className="hint">{t('disclose.explain')}</p>
      <p className="hint warning">{t('disclose.review')}</p>
      <div className="form-grid">
        <RequestFields
          value={request}
          onChange={setRequest}
          inquiries={sourceInquiriesOf(detail)}
          testId="disclosure"
          evidenceLabel={t('disclose.evidence')}
          evidencePlaceholder={t('disclose.evidencePlaceholder')}
        />
        <label>
          {t('disclose.language')}
          <select data-testid="disclosure-language" value={documentLanguage} onChange={(e) => setDocumentLanguage(e.target.value as Language)}>
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`language.${language}`)}
              </option>
            ))}
          </select>
        </label>
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

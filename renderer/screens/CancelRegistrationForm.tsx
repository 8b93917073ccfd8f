import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail } from '../../shared/domain';
import i18n from '../i18n';
import { useCustomer } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { NEW_REQUEST, RequestFields, requestInput, sourceInquiriesOf } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';

/**
 * Cancels a customer's registration at their request: how the request came, how they were
 * identified, and whether the contents of their inquiries go too (staff must choose: there is no
 * default for what cannot be undone), then a last confirmation.
 */
export function CancelRegistrationForm({ detail, onDone, onCancel }: { detail: CustomerDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const cancelRegistration = useCustomer((s) => s.cancelRegistration);
  const [request, setRequest] = useState(NEW_REQUEST);
  const [contents, setContents] = useState<'delete' | 'keep' | null>(null);
  const [asking, setAsking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { customer } = detail;

  const review = (event: FormEvent) => {
    event.preventDefault();
    if (contents === null) return setProblem(t('cancelRegistration.contentsRequired'));
    if (request.evidence.trim() === '') return setProblem(t('request.evidenceRequired'));
    setProblem(null);
    setAsking(true);
  };

  const confirm = async () => {
    setBusy(true);
    try {
      const cancelled = await cancelRegistration({ id: customer.id, deleteInquiryContents: contents === 'delete', ...requestInput(request) });
      if (!cancelled) return setAsking(false);
      useNotices.getState().show(i18n.t('cancelRegistration.recorded', { id: customer.id }));
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="cancel-registration-form" onSubmit={review} data-testid="cancel-registration-form">
      <h3>{t('cancelRegistration.formTitle', { customer: shownValue(customer.name, t) })}</h3>
      <p className="hint">{t('cancelRegistration.explain')}</p>
      <fieldset disabled={asking}>
        <legend>{t('cancelRegistration.contents')}</legend>
        {(['delete', 'keep'] as const).map((choice) => (
          <label className="choice" key={choice}>
            <input type="radio" name="cancel-registration-contents" data-testid={`cancel-registration-${choice}`} checked={contents === choice} onChange={() => setContents(choice)} />
            {t(choice === 'delete' ? 'cancelRegistration.contentsDelete' : 'cancelRegistration.contentsKeep')}
          </label>
        ))}
        <p className="hint">{t('cancelRegistration.serverNote')}</p>
      </fieldset>
      <fieldset className="form-grid" disabled={asking}>
        <RequestFields
          value={request}
          onChange={setRequest}
          inquiries={sourceInquiriesOf(detail)}
          testId="cancel-registration"
          evidenceLabel={t('cancelRegistration.evidence')}
          evidencePlaceholder={t('cancelRegistration.evidencePlaceholder')}
        />
      </fieldset>
      {problem && (
        <p className="field-error" data-testid="cancel-registration-problem">
          {problem}
        </p>
      )}
      {asking ? (
        <div className="form-actions" role="group" data-testid="cancel-registration-question">
          <span className="warning">{t('cancelRegistration.question', { customer: shownValue(customer.name, t) })}</span>
          <button type="button" disabled={busy} onClick={() => setAsking(false)}>
            {t('common.cancel')}
          </button>
          <button type="button" className="danger" data-testid="cancel-registration-confirm" disabled={busy} onClick={() => void confirm()}>
            {t('cancelRegistration.confirm')}
          </button>
        </div>
      ) : (
        <div className="form-actions">
          <button type="button" data-testid="cancel-registration-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="danger" data-testid="cancel-registration-submit">
            {t('cancelRegistration.submit')}
          </button>
        </div>
      )}
    </form>
  );
}

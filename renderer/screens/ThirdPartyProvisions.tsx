import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { provisionBasis, type CustomerDetail, type ProvisionBasis } from '../../shared/domain';
import { tokyoDate } from '../../shared/tokyoTime';
import i18n from '../i18n';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useCustomer } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { InquiryChoice, sourceInquiriesOf } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';

/**
 * The customer's information provided to third parties (the policy allows it with their consent,
 * to protect life, health or property, or at a request under a law): the records, newest first,
 * and a form to record one. Records stay after a cancelled registration, and one can be added then.
 */
export function ThirdPartyProvisions({ detail }: { detail: CustomerDetail }) {
  const { t } = useTranslation();
  const [recording, setRecording] = useState(false);
  return (
    <section data-testid="provisions">
      <div className="toolbar">
        <h3>{t('provision.title')}</h3>
        <span className="spacer" />
        {!recording && (
          <button type="button" data-testid="provision-record" onClick={() => setRecording(true)}>
            {t('provision.record')}
          </button>
        )}
      </div>
      <p className="hint">{t('provision.explain')}</p>
      {recording && (
        <div className="card">
          {/* Keyed by customer: what was typed for one customer must not be recorded for another. */}
          <ProvisionForm key={detail.customer.id} detail={detail} onDone={() => setRecording(false)} />
        </div>
      )}
      {detail.provisions.length === 0 ? (
        <p className="empty">{t('provision.none')}</p>
      ) : (
        <table className="data-table history-table" data-testid="provision-history">
          <thead>
            <tr>
              <th>{t('provision.providedOn')}</th>
              <th>{t('provision.recipient')}</th>
              <th>{t('provision.items')}</th>
              <th>{t('provision.basis')}</th>
              <th>{t('provision.evidence')}</th>
              <th>{t('provision.recordedBy')}</th>
            </tr>
          </thead>
          <tbody>
            {[...detail.provisions].reverse().map((p) => (
              <tr key={p.id} data-testid={`provision-row-${p.id}`} data-basis={p.basis}>
                <td className="nowrap">{p.providedOn}</td>
                <td data-testid="provision-recipient">{p.recipient}</td>
                <td className="pre-wrap" data-testid="provision-items">
                  {p.items}
                </td>
                <td>{t(`provision.basisOption.${p.basis}`)}</td>
                <td className="pre-wrap" data-testid="provision-evidence">
                  {p.evidence}
                </td>
                <td data-testid="provision-who">
                  {p.recordedBy}
                  <div className="muted nowrap">{tokyoDateTimeOrNone(p.recordedAt)}</div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ProvisionForm({ detail, onDone }: { detail: CustomerDetail; onDone: () => void }) {
  const { t } = useTranslation();
  const recordProvision = useCustomer((s) => s.recordProvision);
  const today = tokyoDate(new Date().toISOString());
  const [recipient, setRecipient] = useState('');
  const [items, setItems] = useState('');
  const [basis, setBasis] = useState<ProvisionBasis | ''>('');
  const [providedOn, setProvidedOn] = useState(today);
  const [inquiryId, setInquiryId] = useState<number | null>(null);
  const [evidence, setEvidence] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (recipient.trim() === '' || items.trim() === '') return setProblem(t('provision.whoAndWhat'));
    // No ground is chosen for staff: which one applies is theirs to say.
    if (basis === '') return setProblem(t('provision.chooseBasis'));
    if (evidence.trim() === '') return setProblem(t('provision.evidenceRequired'));
    setProblem(null);
    setBusy(true);
    try {
      const recorded = await recordProvision({
        customerId: detail.customer.id,
        recipient: recipient.trim(),
        items: items.trim(),
        basis,
        providedOn,
        ...(inquiryId !== null ? { sourceInquiryId: inquiryId } : {}),
        evidence: evidence.trim(),
      });
      if (!recorded) return;
      useNotices.getState().show(i18n.t('provision.recorded', { recipient: recipient.trim() }));
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} data-testid="provision-form">
      <h3>{t('provision.formTitle', { customer: shownValue(detail.customer.name, t) })}</h3>
      <div className="form-grid">
        <label className="wide">
          {t('provision.recipient')}
          <input data-testid="provision-recipient-input" value={recipient} maxLength={300} required onChange={(e) => setRecipient(e.target.value)} placeholder={t('provision.recipientPlaceholder')} />
        </label>
        <label className="wide">
          {t('provision.items')}
          <textarea data-testid="provision-items-input" rows={2} value={items} required onChange={(e) => setItems(e.target.value)} placeholder={t('provision.itemsPlaceholder')} />
        </label>
        <label>
          {t('provision.basis')}
          <select data-testid="provision-basis" value={basis} onChange={(e) => setBasis(e.target.value as ProvisionBasis | '')}>
            <option value="">{t('provision.chooseBasisOption')}</option>
            {provisionBasis.options.map((b) => (
              <option key={b} value={b}>
                {t(`provision.basisOption.${b}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('provision.providedOn')}
          <input data-testid="provision-provided-on" type="date" value={providedOn} max={today} required onChange={(e) => setProvidedOn(e.target.value)} />
        </label>
        <InquiryChoice inquiries={sourceInquiriesOf(detail)} value={inquiryId} onChange={setInquiryId} testId="provision-inquiry" />
        <label className="wide">
          {t('provision.evidence')}
          <textarea data-testid="provision-evidence-input" rows={3} value={evidence} required onChange={(e) => setEvidence(e.target.value)} placeholder={t('provision.evidencePlaceholder')} />
        </label>
      </div>
      {problem && (
        <p className="field-error" data-testid="provision-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="button" data-testid="provision-cancel" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="provision-submit" disabled={busy}>
          {t('provision.submit')}
        </button>
      </div>
    </form>
  );
}

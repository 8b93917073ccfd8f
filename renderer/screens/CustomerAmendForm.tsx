import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerDetail } from '../../shared/domain';
import i18n from '../i18n';
import { useCustomer } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { NEW_REQUEST, RequestFields, requestInput, sourceInquiriesOf } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';
import { ownWords } from '../../shared/storedPlaceholders';

/**
 * Amends a customer's registration details at their request: the details as they are, to edit;
 * how the request came and the evidence, recorded with the fields that changed.
 */
export function CustomerAmendForm({ detail, onDone, onCancel }: { detail: CustomerDetail; onDone: () => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const amend = useCustomer((s) => s.amend);
  const { customer } = detail;
  // A name stored for a sender who gave none is not a name to edit: the field starts empty.
  const [name, setName] = useState(ownWords(customer.name));
  const [email, setEmail] = useState(customer.email ?? '');
  const [phone, setPhone] = useState(customer.phone ?? '');
  const [postalAddress, setPostalAddress] = useState(customer.postalAddress ?? '');
  // The details the fields were filled from, kept as they were when the form opened: the page
  // reloads the customer on every change pushed (another operator's amendment, new mail), and a
  // `before` read then would make the fields' old values overwrite that change unseen, where the
  // server refuses an amendment of details changed meanwhile.
  const [before] = useState(() => ({ name: customer.name, email: customer.email, phone: customer.phone, postalAddress: customer.postalAddress }));
  const [request, setRequest] = useState(NEW_REQUEST);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (name.trim() === '') return setProblem(t('amend.nameRequired'));
    if (request.evidence.trim() === '') return setProblem(t('request.evidenceRequired'));
    setProblem(null);
    setBusy(true);
    try {
      const amended = await amend({
        id: customer.id,
        name: name.trim(),
        email: email.trim(),
        phone: phone.trim(),
        postalAddress: postalAddress.trim(),
        before,
        ...requestInput(request),
      });
      if (!amended) return;
      const fields = amended.amendments.at(-1)?.fields ?? [];
      useNotices.getState().show(
        i18n.t('amend.recorded', { customer: shownValue(amended.customer.name, i18n.t), fields: fields.map((field) => i18n.t(`amend.field.${field}`)).join(i18n.t('common.listSeparator')) }),
      );
      onDone();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="amend-form" onSubmit={submit} data-testid="amend-form">
      <h3>{t('amend.formTitle', { customer: shownValue(customer.name, t) })}</h3>
      <p className="hint">{t('amend.explain')}</p>
      <div className="form-grid">
        <label>
          {t('amend.name')}
          <input data-testid="amend-name" value={name} required maxLength={200} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('amend.email')}
          <input data-testid="amend-email" type="text" inputMode="email" autoComplete="off" value={email} maxLength={320} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('amend.phone')}
          <input data-testid="amend-phone" type="tel" value={phone} maxLength={100} onChange={(e) => setPhone(e.target.value)} />
        </label>
        <label className="wide">
          {t('amend.address')}
          <textarea data-testid="amend-address" rows={2} value={postalAddress} maxLength={1000} onChange={(e) => setPostalAddress(e.target.value)} />
        </label>
        <RequestFields
          value={request}
          onChange={setRequest}
          inquiries={sourceInquiriesOf(detail)}
          testId="amend"
          evidenceLabel={t('amend.evidence')}
          evidencePlaceholder={t('amend.evidencePlaceholder')}
        />
      </div>
      {problem && (
        <p className="field-error" data-testid="amend-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="button" data-testid="amend-cancel" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="amend-submit" disabled={busy}>
          {t('amend.submit')}
        </button>
      </div>
    </form>
  );
}

import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsentAction, ConsentSource, Customer } from '../../shared/domain';
import { PURPOSES, purposeByKey, type ConsentChannel, type PurposeKey } from '../../shared/purposes';
import { ALL_CHANNELS, consentChannelsToSend } from '../lib/consentChannels';
import i18n, { currentLanguage, purposeLabel, useLanguage } from '../i18n';
import { useCustomer, type ConsentRecordInput } from '../stores/customer';
import { useNotices } from '../stores/notices';
import { RequestFields, requestInput, type SourceInquiries } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';

export interface ConsentPrefill {
  action: ConsentAction;
  source: ConsentSource;
  sourceInquiryId?: number;
  purposes?: PurposeKey[];
  channels?: ConsentChannel[];
}

export function ConsentForm({
  customer,
  inquiries,
  prefill,
  onDone,
  onCancel,
}: {
  customer: Customer;
  /** The inquiries to choose the one the request came in from (where the form does not already know it). */
  inquiries?: SourceInquiries;
  prefill?: ConsentPrefill;
  onDone?: () => void;
  onCancel?: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const recordConsent = useCustomer((s) => s.recordConsent);
  const [action, setAction] = useState<ConsentAction>(prefill?.action ?? 'grant');
  const [purposes, setPurposes] = useState<PurposeKey[]>(prefill?.purposes ?? []);
  const [channels, setChannels] = useState<ConsentChannel[]>(prefill?.channels ?? []);
  const [request, setRequest] = useState({ source: prefill?.source ?? 'email', sourceInquiryId: prefill?.sourceInquiryId ?? null, evidence: '' });
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const selectedPurposes = PURPOSES.filter((p) => purposes.includes(p.key));
  const needsAny = selectedPurposes.some((p) => p.channels.includes('any'));
  const applicable = new Set(selectedPurposes.flatMap((p) => p.channels));

  const toggle = <T,>(list: T[], value: T, on: boolean): T[] => (on ? [...new Set([...list, value])] : list.filter((v) => v !== value));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (purposes.length === 0) return setProblem(t('consent.choosePurpose'));
    if (request.evidence.trim() === '') return setProblem(t('consent.evidenceRequired'));
    const { channels: toSend, withoutChannel } = consentChannelsToSend(purposes, channels);
    if (withoutChannel.length > 0) {
      const names = withoutChannel.map((k) => purposeLabel(purposeByKey(k), language)).join(t('common.listSeparator'));
      return setProblem(t('consent.chooseChannel', { purposes: names }));
    }
    const input: ConsentRecordInput = {
      customerId: customer.id,
      action,
      purposes,
      channels: toSend,
      ...requestInput(request),
    };
    setProblem(null);
    setBusy(true);
    try {
      const result = await recordConsent(input);
      if (!result) return;
      const lang = currentLanguage();
      const what = PURPOSES.filter((p) => purposes.includes(p.key))
        .map((p) => {
          const via = p.channels.includes('any') ? ['any' as const] : p.channels.filter((c) => toSend.includes(c));
          return `${purposeLabel(p, lang)} (${via.map((ch) => i18n.t(`consentChannel.${ch}`)).join(i18n.t('common.listSeparator'))})`;
        })
        .join(i18n.t('common.itemSeparator'));
      useNotices.getState().show(
        i18n.t('consent.recorded', {
          action: i18n.t(`consent.action.${action}`),
          customer: shownValue(customer.name, i18n.t),
          what,
          count: result.recorded,
        }),
      );
      setRequest({ ...request, evidence: '' });
      onDone?.();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="consent-form" onSubmit={submit} data-testid="consent-form">
      <h3>{t('consent.formTitle', { customer: shownValue(customer.name, t) })}</h3>
      {prefill?.sourceInquiryId !== undefined && (
        <p className="hint" data-testid="consent-source-inquiry">
          {t('consent.fromInquiry', { id: prefill.sourceInquiryId })}
        </p>
      )}
      <fieldset>
        <legend>{t('consent.actionLabel')}</legend>
        <label className="choice">
          <input
            type="radio"
            name="consent-action"
            data-testid="consent-action-withdraw"
            checked={action === 'withdraw'}
            onChange={() => setAction('withdraw')}
          />
          {t('consent.action.withdraw')}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="consent-action"
            data-testid="consent-action-grant"
            checked={action === 'grant'}
            onChange={() => setAction('grant')}
          />
          {t('consent.action.grant')}
        </label>
      </fieldset>
      <fieldset>
        <legend>{t('consent.purposes')}</legend>
        {PURPOSES.map((purpose) => (
          <label key={purpose.key} className="choice block">
            <input
              type="checkbox"
              data-testid={`consent-purpose-${purpose.key}`}
              checked={purposes.includes(purpose.key)}
              onChange={(e) => setPurposes(toggle(purposes, purpose.key, e.target.checked))}
            />
            <span>
              ({purpose.number}) {purposeLabel(purpose, language)}
              <span className="muted"> — {t(`basis.${purpose.basis}`)}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('consent.channels')}</legend>
        {ALL_CHANNELS.map((channel) => {
          const isAny = channel === 'any';
          const enabled = isAny ? needsAny : applicable.has(channel);
          return (
            <label key={channel} className={`choice${enabled ? '' : ' disabled'}`}>
              <input
                type="checkbox"
                data-testid={`consent-channel-${channel}`}
                disabled={!enabled || isAny}
                checked={isAny ? needsAny : enabled && channels.includes(channel)}
                onChange={(e) => setChannels(toggle(channels, channel, e.target.checked))}
              />
              {t(`consentChannel.${channel}`)}
            </label>
          );
        })}
        <p className="hint">{t('consent.channelsHint')}</p>
      </fieldset>
      <div className="form-grid">
        <RequestFields
          value={request}
          onChange={setRequest}
          {...(inquiries ? { inquiries } : {})}
          testId="consent"
          evidenceLabel={t('consent.evidence')}
          evidencePlaceholder={t('consent.evidencePlaceholder')}
        />
      </div>
      {problem && (
        <p className="field-error" data-testid="consent-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        {onCancel && (
          <button type="button" data-testid="consent-cancel" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        )}
        <button type="submit" className="primary" data-testid="consent-submit" disabled={busy}>
          {t('consent.submit')}
        </button>
      </div>
    </form>
  );
}

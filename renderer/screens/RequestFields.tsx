import { useTranslation } from 'react-i18next';
import { consentSource, type ConsentSource, type CustomerDetail, type InquirySummary } from '../../shared/domain';
import { shownValue } from '../lib/storedPlaceholders';

/** How a customer's request came, the inquiry it came in, and the evidence: what a record of their word needs. */
export interface RequestDetails {
  source: ConsentSource;
  sourceInquiryId: number | null;
  evidence: string;
}

export const NEW_REQUEST: RequestDetails = { source: 'email', sourceInquiryId: null, evidence: '' };

/** The inquiries a customer's request may have come in: their own, and other customers' they wrote in. */
export interface SourceInquiries {
  own: readonly InquirySummary[];
  wroteIn: readonly InquirySummary[];
}

export const sourceInquiriesOf = (detail: CustomerDetail): SourceInquiries => ({ own: detail.inquiries, wroteIn: detail.wroteIn });

/** The fields of RequestDetails, for a form that records a customer's request (amendment, disclosure). */
export function RequestFields({
  value,
  onChange,
  inquiries,
  testId,
  evidenceLabel,
  evidencePlaceholder,
}: {
  value: RequestDetails;
  onChange: (value: RequestDetails) => void;
  /** The inquiries to choose from; none: the inquiry is given (or there is none), and no choice is shown. */
  inquiries?: SourceInquiries;
  /** Prefix of the fields' test ids: "<testId>-source", "-inquiry", "-evidence". */
  testId: string;
  evidenceLabel: string;
  evidencePlaceholder: string;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label>
        {t('request.source')}
        <select data-testid={`${testId}-source`} value={value.source} onChange={(e) => onChange({ ...value, source: e.target.value as ConsentSource })}>
          {consentSource.options.map((s) => (
            <option key={s} value={s}>
              {t(`source.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {inquiries && (
        <InquiryChoice inquiries={inquiries} value={value.sourceInquiryId} onChange={(sourceInquiryId) => onChange({ ...value, sourceInquiryId })} testId={`${testId}-inquiry`} />
      )}
      <label className="wide">
        {evidenceLabel}
        <textarea
          data-testid={`${testId}-evidence`}
          rows={3}
          value={value.evidence}
          required
          onChange={(e) => onChange({ ...value, evidence: e.target.value })}
          placeholder={evidencePlaceholder}
        />
      </label>
    </>
  );
}

/** Which inquiry a record concerns (one of the customer's, or another's they wrote in), or none. */
export function InquiryChoice({
  inquiries,
  value,
  onChange,
  testId,
}: {
  inquiries: SourceInquiries;
  value: number | null;
  onChange: (inquiryId: number | null) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  return (
    <label>
      {t('request.inquiry')}
      <select data-testid={testId} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}>
        <option value="">{t('request.noInquiry')}</option>
        {inquiries.own.map((inquiry) => (
          <option key={inquiry.id} value={inquiry.id}>
            #{inquiry.id} {shownValue(inquiry.subject, t)}
          </option>
        ))}
        {inquiries.wroteIn.length > 0 && (
          <optgroup label={t('request.othersInquiries')}>
            {inquiries.wroteIn.map((inquiry) => (
              <option key={inquiry.id} value={inquiry.id}>
                #{inquiry.id} {shownValue(inquiry.subject, t)} ({t('customer.inquiryOf', { customer: shownValue(inquiry.customerName, t) })})
              </option>
            ))}
          </optgroup>
        )}
      </select>
    </label>
  );
}

/** The request as the contract takes it (the inquiry only when one was chosen). */
export function requestInput(request: RequestDetails): { source: ConsentSource; sourceInquiryId?: number; evidence: string } {
  return { source: request.source, ...(request.sourceInquiryId !== null ? { sourceInquiryId: request.sourceInquiryId } : {}), evidence: request.evidence.trim() };
}

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ConsentSource, type ConsentState, type CustomerDetail } from '../../shared/domain';
import { PURPOSES, type ConsentChannel } from '../../shared/purposes';
import { purposeLabel, useLanguage } from '../i18n';
import { NONE, tokyoDateTimeOrNone } from '../lib/format';
import { useCustomer } from '../stores/customer';
import { useNav } from '../stores/nav';
import { CancelRegistrationForm } from './CancelRegistrationForm';
import { ConsentForm } from './ConsentForm';
import { CustomerInquiries } from './CustomerInquiries';
import { CustomerAmendForm } from './CustomerAmendForm';
import { ThirdPartyProvisions } from './ThirdPartyProvisions';
import { DisclosureForm } from './DisclosureForm';
import { sourceInquiriesOf } from './RequestFields';
import { shownValue } from '../lib/storedPlaceholders';

const CONTACT_COLUMNS: readonly ConsentChannel[] = ['email', 'post', 'phone'];

function ConsentCell({ state, purpose, channel, span }: { state: ConsentState | undefined; purpose: string; channel: ConsentChannel; span?: number }) {
  const { t } = useTranslation();
  return (
    <td
      colSpan={span}
      className={`consent-cell consent-${state?.state ?? 'unknown'}`}
      data-testid={`consent-cell-${purpose}-${channel}`}
      data-state={state?.state ?? 'unknown'}
    >
      <span className="consent-state">{state ? t(`consentState.${state.state}`) : NONE}</span>
      {state?.since && <span className="consent-since">{tokyoDateTimeOrNone(state.since)}</span>}
    </td>
  );
}

function ConsentTable({ detail }: { detail: CustomerDetail }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const find = (purpose: string, channel: ConsentChannel) => detail.consents.find((c) => c.purpose === purpose && c.channel === channel);
  return (
    <table className="data-table consent-table" data-testid="consent-table">
      <colgroup>
        <col style={{ width: '46%' }} />
        {CONTACT_COLUMNS.map((c) => (
          <col key={c} style={{ width: '18%' }} />
        ))}
      </colgroup>
      <thead>
        <tr>
          <th>{t('customer.purpose')}</th>
          {CONTACT_COLUMNS.map((c) => (
            <th key={c}>{t(`consentChannel.${c}`)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {PURPOSES.map((purpose) => (
          <tr key={purpose.key} data-testid={`consent-row-${purpose.key}`}>
            <th scope="row" className="purpose-label">
              <span>
                ({purpose.number}) {purposeLabel(purpose, language)}
              </span>
              <span className={`badge basis basis-${purpose.basis}`}>{t(`basis.${purpose.basis}`)}</span>
            </th>
            {purpose.channels.includes('any') ? (
              <ConsentCell state={find(purpose.key, 'any')} purpose={purpose.key} channel="any" span={CONTACT_COLUMNS.length} />
            ) : (
              CONTACT_COLUMNS.map((channel) => (
                <ConsentCell key={channel} state={find(purpose.key, channel)} purpose={purpose.key} channel={channel} />
              ))
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function History({ detail }: { detail: CustomerDetail }) {
  const { t } = useTranslation();
  const language = useLanguage();
  // Append-only: shown newest first; nothing here can be edited or deleted.
  // In the order they were recorded, as the state above is decided (a clock set back does not reorder them).
  const events = [...detail.history].sort((a, b) => b.id - a.id);
  if (events.length === 0) return <p className="empty">{t('customer.noHistory')}</p>;
  return (
    <table className="data-table history-table" data-testid="consent-history">
      <colgroup>
        <col style={{ width: '8.5em' }} />
        <col style={{ width: '7em' }} />
        <col style={{ width: '7.5em' }} />
        <col style={{ width: '17%' }} />
        <col style={{ width: '5.5em' }} />
        <col style={{ width: '6em' }} />
        <col />
        <col style={{ width: '5.5em' }} />
      </colgroup>
      <thead>
        <tr>
          <th>{t('history.when')}</th>
          <th>{t('history.who')}</th>
          <th>{t('history.action')}</th>
          <th>{t('history.purpose')}</th>
          <th>{t('history.channel')}</th>
          <th>{t('history.source')}</th>
          <th>{t('history.evidence')}</th>
          <th>{t('history.inquiry')}</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const purpose = PURPOSES.find((p) => p.key === event.purpose);
          return (
            <tr key={event.id} data-testid={`history-row-${event.id}`} data-action={event.action} data-purpose={event.purpose} data-channel={event.channel}>
              <td className="nowrap" data-testid="history-when">
                {tokyoDateTimeOrNone(event.recordedAt)}
              </td>
              <td data-testid="history-who">{event.recordedBy}</td>
              <td>
                <span className={`badge action-${event.action}`}>{t(`consent.action.${event.action}`)}</span>
              </td>
              <td className="purpose-cell">{purpose ? `(${purpose.number}) ${purposeLabel(purpose, language)}` : event.purpose}</td>
              <td>{t(`consentChannel.${event.channel}`)}</td>
              <td data-testid="history-source">{t(`source.${event.source}`)}</td>
              <td className="pre-wrap" data-testid="history-evidence">
                {event.evidence}
              </td>
              <td>
                <InquiryLink id={event.sourceInquiryId} testId="history-inquiry-link" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** The inquiry a record of the customer's word came in, opened in the inbox; — when none. */
function InquiryLink({ id, testId }: { id: number | null; testId?: string }) {
  const go = useNav((s) => s.go);
  if (id === null) return <>{NONE}</>;
  return (
    <button type="button" className="link-button" data-testid={testId} onClick={() => go({ screen: 'inbox', inquiryId: id })}>
      #{id}
    </button>
  );
}

/** One record of a customer's request (an amendment, a disclosure), as the tables below list it. */
interface RequestRecord {
  id: number;
  at: string;
  who: string;
  /** What it changed, for a table that says so. */
  what?: string;
  source: ConsentSource;
  evidence: string;
  inquiryId: number | null;
}

/**
 * Append-only records of a customer's requests, newest first: when, who, (what), how the request
 * came, the evidence and the inquiry it came in. Test ids: `<prefix>-history`, `<prefix>-row-<id>`,
 * and `<prefix>-who`, `-what`, `-evidence` in each row.
 */
function RequestRecords({ prefix, records, whoLabel, whatLabel }: { prefix: string; records: readonly RequestRecord[]; whoLabel: string; whatLabel?: string }) {
  const { t } = useTranslation();
  if (records.length === 0) return <p className="empty">{t('customer.noHistory')}</p>;
  return (
    <table className="data-table history-table" data-testid={`${prefix}-history`}>
      <colgroup>
        <col style={{ width: '8.5em' }} />
        <col style={{ width: '8em' }} />
        {whatLabel && <col style={{ width: '22%' }} />}
        <col style={{ width: '6em' }} />
        <col />
        <col style={{ width: '5.5em' }} />
      </colgroup>
      <thead>
        <tr>
          <th>{t('history.when')}</th>
          <th>{whoLabel}</th>
          {whatLabel && <th>{whatLabel}</th>}
          <th>{t('history.source')}</th>
          <th>{t('history.evidence')}</th>
          <th>{t('history.inquiry')}</th>
        </tr>
      </thead>
      <tbody>
        {[...records].reverse().map((record) => (
          <tr key={record.id} data-testid={`${prefix}-row-${record.id}`}>
            <td className="nowrap">{tokyoDateTimeOrNone(record.at)}</td>
            <td data-testid={`${prefix}-who`}>{record.who}</td>
            {whatLabel && <td data-testid={`${prefix}-what`}>{record.what}</td>}
            <td>{t(`source.${record.source}`)}</td>
            <td className="pre-wrap" data-testid={`${prefix}-evidence`}>
              {record.evidence}
            </td>
            <td>
              <InquiryLink id={record.inquiryId} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CustomerView({ id }: { id: number }) {
  const { t } = useTranslation();
  const detail = useCustomer((s) => (s.id === id ? s.detail : null));
  const open = useCustomer((s) => s.open);
  /** The request being recorded, if any: an amendment, a disclosure or a cancellation. */
  const [request, setRequest] = useState<'amend' | 'disclose' | 'cancel' | null>(null);

  useEffect(() => {
    void open(id);
    setRequest(null);
  }, [id, open]);

  if (!detail) return <p className="empty">{t('common.loading')}</p>;
  const { customer, cancellation } = detail;

  return (
    <article className="customer-view" data-testid="customer-view" data-customer-id={customer.id}>
      <header className="detail-header">
        <div className="detail-title">
          <h2 data-testid="customer-name">{shownValue(customer.name, t)}</h2>
          <span className="muted">#{customer.id}</span>
          {request === null && (
            <>
              {!cancellation && (
                <button type="button" data-testid="customer-amend" onClick={() => setRequest('amend')}>
                  {t('amend.open')}
                </button>
              )}
              <button type="button" data-testid="customer-disclose" onClick={() => setRequest('disclose')}>
                {t('disclose.open')}
              </button>
              {!cancellation && (
                <button type="button" className="danger" data-testid="customer-cancel-registration" onClick={() => setRequest('cancel')}>
                  {t('cancelRegistration.open')}
                </button>
              )}
            </>
          )}
        </div>
        {cancellation && (
          <div className="warning" role="status" data-testid="customer-cancelled">
            <p>
              {t('cancelRegistration.banner', { at: tokyoDateTimeOrNone(cancellation.cancelledAt), by: cancellation.cancelledBy, source: t(`source.${cancellation.source}`) })}{' '}
              {t(cancellation.contentsDeleted ? 'cancelRegistration.bannerDeleted' : 'cancelRegistration.bannerKept')}
            </p>
            <p className="pre-wrap">{t('cancelRegistration.evidenceLabel', { evidence: cancellation.evidence })}</p>
          </div>
        )}
        <dl className="facts">
          <div>
            <dt>{t('customer.email')}</dt>
            <dd data-testid="customer-email">
              {customer.email ?? NONE}
              {customer.emailUndeliverable && (
                <span className="badge warn" data-testid="customer-undeliverable">
                  {t('customer.undeliverable')}
                </span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('customer.phone')}</dt>
            <dd data-testid="customer-phone">{customer.phone ?? NONE}</dd>
          </div>
          <div className="wide">
            <dt>{t('customer.address')}</dt>
            <dd data-testid="customer-address" className="pre-wrap">
              {customer.postalAddress ?? NONE}
            </dd>
          </div>
          <div>
            <dt>{t('customer.since')}</dt>
            <dd>{tokyoDateTimeOrNone(customer.createdAt)}</dd>
          </div>
        </dl>
      </header>

      {request !== null && (
        <section className="card">
          {/* Keyed by customer: what was typed for one customer must not be recorded for another. */}
          {request === 'amend' ? (
            <CustomerAmendForm key={customer.id} detail={detail} onDone={() => setRequest(null)} onCancel={() => setRequest(null)} />
          ) : request === 'disclose' ? (
            <DisclosureForm key={customer.id} detail={detail} onDone={() => setRequest(null)} onCancel={() => setRequest(null)} />
          ) : (
            <CancelRegistrationForm key={customer.id} detail={detail} onDone={() => setRequest(null)} onCancel={() => setRequest(null)} />
          )}
        </section>
      )}

      <section>
        <h3>{t('customer.consents')}</h3>
        <ConsentTable detail={detail} />
        <p className="hint">{t('customer.consentLegend')}</p>
      </section>

      {!cancellation && (
        <section className="card">
          {/* Keyed by customer: evidence typed for one customer must not be recorded for another. */}
          <ConsentForm key={customer.id} customer={customer} inquiries={sourceInquiriesOf(detail)} />
        </section>
      )}

      <section>
        <h3>{t('customer.history')}</h3>
        <History detail={detail} />
      </section>

      <section>
        <h3>{t('amend.history')}</h3>
        <RequestRecords
          prefix="amendment"
          whoLabel={t('history.who')}
          whatLabel={t('amend.fields')}
          records={detail.amendments.map((a) => ({
            id: a.id,
            at: a.recordedAt,
            who: a.recordedBy,
            what: a.fields.map((field) => t(`amend.field.${field}`)).join(t('common.listSeparator')),
            source: a.source,
            evidence: a.evidence,
            inquiryId: a.sourceInquiryId,
          }))}
        />
      </section>

      <section>
        <h3>{t('disclose.history')}</h3>
        <RequestRecords
          prefix="disclosure"
          whoLabel={t('disclose.who')}
          records={detail.disclosures.map((d) => ({ id: d.id, at: d.disclosedAt, who: d.disclosedBy, source: d.source, evidence: d.evidence, inquiryId: d.sourceInquiryId }))}
        />
      </section>

      <ThirdPartyProvisions detail={detail} />

      <section>
        <h3>{t('customer.mailingListExports')}</h3>
        {detail.mailingListExports.length === 0 ? (
          <p className="empty">{t('customer.noMailingListExports')}</p>
        ) : (
          <ul data-testid="mailing-list-exports">
            {detail.mailingListExports.map((entry) => (
              <li key={entry.id}>{t('customer.mailingListExport', { at: tokyoDateTimeOrNone(entry.exportedAt), by: entry.exportedBy, to: entry.handedTo ?? '—' })}</li>
            ))}
          </ul>
        )}
        {detail.onAStopList && (
          <p className="warning" data-testid="still-on-exported-lists">
            {t('customer.stillOnExportedLists')}
          </p>
        )}
      </section>

      <CustomerInquiries detail={detail} />
    </article>
  );
}

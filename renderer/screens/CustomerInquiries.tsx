import { useTranslation } from 'react-i18next';
import { INQUIRY_LIST_LIMIT, type CustomerDetail, type InquirySummary } from '../../shared/domain';
import { ChannelBadge, StatusBadge } from '../components/Badges';
import { tokyoDateTimeOrNone } from '../lib/format';
import { shownValue } from '../lib/storedPlaceholders';
import { useNav } from '../stores/nav';

/** The customer page's inquiries: their own, then other customers' they wrote in (copied on those, replying to all). */
export function CustomerInquiries({ detail }: { detail: CustomerDetail }) {
  const { t } = useTranslation();
  return (
    <>
      <section>
        <h3>{t('customer.inquiries')}</h3>
        {detail.inquiries.length === 0 ? <p className="empty">{t('inbox.empty')}</p> : <InquiryTable inquiries={detail.inquiries} testId="customer-inquiries" />}
        {detail.inquiries.length >= INQUIRY_LIST_LIMIT && <p className="hint" data-testid="customer-inquiries-limited">{t('inbox.countLimited', { count: detail.inquiries.length })}</p>}
      </section>
      {detail.wroteIn.length > 0 && (
        <section>
          <h3>{t('customer.wroteIn')}</h3>
          <p className="hint">{t('customer.wroteInHint')}</p>
          <InquiryTable inquiries={detail.wroteIn} testId="customer-wrote-in" withOwner />
        </section>
      )}
    </>
  );
}

function InquiryTable({ inquiries, testId, withOwner = false }: { inquiries: readonly InquirySummary[]; testId: string; withOwner?: boolean }) {
  const { t } = useTranslation();
  const go = useNav((s) => s.go);
  return (
    <table className="data-table" data-testid={testId}>
      <tbody>
        {inquiries.map((inquiry) => (
          <tr
            key={inquiry.id}
            className="clickable"
            data-testid={`${testId === 'customer-inquiries' ? 'customer-inquiry' : testId}-${inquiry.id}`}
            tabIndex={0}
            onClick={() => go({ screen: 'inbox', inquiryId: inquiry.id })}
            onKeyDown={(e) => {
              if (e.key === 'Enter') go({ screen: 'inbox', inquiryId: inquiry.id });
            }}
          >
            <td>
              <ChannelBadge channel={inquiry.channel} />
            </td>
            <td>{shownValue(inquiry.subject, t)}</td>
            {withOwner && <td>{t('customer.inquiryOf', { customer: shownValue(inquiry.customerName, t) })}</td>}
            <td className="nowrap">{tokyoDateTimeOrNone(inquiry.receivedAt)}</td>
            <td>
              <StatusBadge status={inquiry.status} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useTranslation } from 'react-i18next';
import type { InquiryChannel, InquiryStatus } from '../../shared/domain';

const CHANNEL_ICON: Record<InquiryChannel, string> = { email: '✉', post: '〒', fax: '℻', phone: '☎' };

export function ChannelBadge({ channel }: { channel: InquiryChannel }) {
  const { t } = useTranslation();
  return (
    <span className={`badge channel channel-${channel}`} data-channel={channel}>
      <span aria-hidden="true" className="channel-icon">
        {CHANNEL_ICON[channel]}
      </span>
      {t(`channel.${channel}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: InquiryStatus }) {
  const { t } = useTranslation();
  return (
    <span className={`badge status status-${status}`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

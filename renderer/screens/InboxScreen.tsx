import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { INQUIRY_CHANNELS, INQUIRY_LIST_LIMIT, inquiryStatus, type InquiryChannel, type InquiryStatus } from '../../shared/domain';
import { ChannelBadge, StatusBadge } from '../components/Badges';
import { useVirtualRows } from '../components/useVirtualRows';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useInbox } from '../stores/inbox';
import { useNav, type Route } from '../stores/nav';
import { InquiryView } from './InquiryView';
import { LogOfflineForm } from './LogOfflineForm';
import { shownValue } from '../lib/storedPlaceholders';

const ROW_HEIGHT = 50;

function InboxList({ selectedId }: { selectedId: number | undefined }) {
  const { t } = useTranslation();
  const items = useInbox((s) => s.items);
  const loaded = useInbox((s) => s.loaded);
  const loading = useInbox((s) => s.loading);
  const hasMore = useInbox((s) => s.hasMore);
  const atMost = useInbox((s) => s.atMost);
  const loadingMore = useInbox((s) => s.loadingMore);
  const filters = useInbox((s) => s.filters);
  const setFilters = useInbox((s) => s.setFilters);
  const go = useNav((s) => s.go);
  const rows = useVirtualRows(items.length, ROW_HEIGHT);
  // Typed into at once, searched once typing pauses.
  const [query, setQuery] = useState(filters.query ?? '');
  useEffect(() => {
    if (query === (useInbox.getState().filters.query ?? '')) return;
    const timer = setTimeout(() => {
      // Searched already (Enter): not again.
      if (query !== (useInbox.getState().filters.query ?? '')) void setFilters({ ...useInbox.getState().filters, query });
    }, 250);
    return () => clearTimeout(timer);
  }, [query, setFilters]);

  return (
    <section className="pane list-pane" aria-label={t('inbox.title')}>
      <div className="toolbar">
        <h2>{t('inbox.title')}</h2>
        <label>
          {t('inbox.status')}
          <select
            data-testid="inbox-filter-status"
            value={filters.status ?? ''}
            onChange={(e) => {
              const status = e.target.value === '' ? undefined : (e.target.value as InquiryStatus);
              void setFilters({ ...filters, status });
            }}
          >
            <option value="">{t('common.all')}</option>
            {inquiryStatus.options.map((s) => (
              <option key={s} value={s}>
                {t(`status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('inbox.channel')}
          <select
            data-testid="inbox-filter-channel"
            value={filters.channel ?? ''}
            onChange={(e) => {
              const channel = e.target.value === '' ? undefined : (e.target.value as InquiryChannel);
              void setFilters({ ...filters, channel });
            }}
          >
            <option value="">{t('common.all')}</option>
            {INQUIRY_CHANNELS.map((c) => (
              <option key={c} value={c}>
                {t(`channel.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <input
          type="search"
          className="grow"
          data-testid="inbox-search"
          value={query}
          maxLength={200}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void setFilters({ ...filters, query });
          }}
          placeholder={t('inbox.searchPlaceholder')}
          aria-label={t('inbox.search')}
        />
        <button type="button" data-testid="inbox-refresh" onClick={() => void useInbox.getState().load()} disabled={loading}>
          {t('common.refresh')}
        </button>
        <button type="button" className="primary" data-testid="log-inquiry-open" onClick={() => go({ screen: 'inbox', logOffline: true })}>
          {t('inbox.logOffline')}
        </button>
      </div>
      <div className="table-scroll" ref={rows.ref}>
        <table className="data-table fixed" data-testid="inbox-table">
          <colgroup>
            <col style={{ width: '5.6em' }} />
            <col />
            <col style={{ width: '10.5em' }} />
            <col style={{ width: '5.4em' }} />
          </colgroup>
          <thead>
            <tr>
              <th>{t('inbox.channel')}</th>
              <th>
                {t('inbox.subject')} / {t('inbox.customer')}
              </th>
              <th>
                {t('inbox.received')} / {t('inbox.firstResponse')}
              </th>
              <th>{t('inbox.status')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.padTop > 0 && <tr style={{ height: rows.padTop }} aria-hidden="true" />}
            {items.slice(rows.start, rows.end).map((item) => (
              <tr
                key={item.id}
                className={`clickable vrow${item.id === selectedId ? ' selected' : ''}${item.status === 'open' ? ' unanswered' : ''}`}
                style={{ height: ROW_HEIGHT }}
                data-testid={`inquiry-row-${item.id}`}
                data-status={item.status}
                data-channel={item.channel}
                tabIndex={0}
                aria-selected={item.id === selectedId}
                onClick={() => go({ screen: 'inbox', inquiryId: item.id })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') go({ screen: 'inbox', inquiryId: item.id });
                }}
              >
                <td>
                  <ChannelBadge channel={item.channel} />
                </td>
                <td>
                  <div className="ellipsis row-subject" title={shownValue(item.subject, t)} data-testid="inquiry-row-subject">
                    {shownValue(item.subject, t)}
                    {item.messageCount > 1 && (
                      <span className="count-pill" title={t('inbox.messages', { count: item.messageCount })}>
                        {item.messageCount}
                      </span>
                    )}
                  </div>
                  <div className="ellipsis muted" title={shownValue(item.customerName, t)} data-testid="inquiry-row-customer">
                    {shownValue(item.customerName, t)}
                  </div>
                </td>
                <td className="nowrap row-times">
                  <div title={t('inbox.received')}>{tokyoDateTimeOrNone(item.receivedAt)}</div>
                  <div className="muted" title={t('inbox.firstResponse')} data-testid="inquiry-row-first-response">
                    {item.firstResponseAt ? `↩ ${tokyoDateTimeOrNone(item.firstResponseAt)}` : t('inbox.noResponse')}
                  </div>
                </td>
                <td className="row-badges">
                  <StatusBadge status={item.status} />
                  {item.replyFailed && (
                    <span className="badge danger" data-testid="inquiry-row-reply-failed" title={t('inbox.replyFailedHint')}>
                      {t('inbox.replyFailed')}
                    </span>
                  )}
                </td>
              </tr>
            ))}
            {rows.padBottom > 0 && <tr style={{ height: rows.padBottom }} aria-hidden="true" />}
          </tbody>
        </table>
        {loaded && items.length === 0 && (
          <p className="empty" data-testid="inbox-empty">
            {t('inbox.empty')}
          </p>
        )}
      </div>
      <div className="list-footer muted">
        <span data-testid="inbox-count">
          {atMost ? t('inbox.countLimited', { count: items.length }) : hasMore ? t('inbox.countMore', { count: items.length }) : t('inbox.count', { count: items.length })}
        </span>
        {hasMore && (
          <button type="button" className="link-button" data-testid="inbox-load-more" onClick={() => void useInbox.getState().loadMore()} disabled={loading || loadingMore}>
            {t('inbox.loadMore', { count: INQUIRY_LIST_LIMIT })}
          </button>
        )}
      </div>
    </section>
  );
}

export function InboxScreen({ route }: { route: Extract<Route, { screen: 'inbox' }> }) {
  const { t } = useTranslation();
  useEffect(() => {
    void useInbox.getState().load();
  }, []);

  return (
    <div className="split">
      <InboxList selectedId={route.inquiryId} />
      <section className="pane detail-pane">
        {route.logOffline ? (
          <LogOfflineForm />
        ) : route.inquiryId !== undefined ? (
          <InquiryView id={route.inquiryId} />
        ) : (
          <p className="empty">{t('inbox.selectHint')}</p>
        )}
      </section>
    </div>
  );
}

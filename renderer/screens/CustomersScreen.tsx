import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useVirtualRows } from '../components/useVirtualRows';
import { useCustomers } from '../stores/customers';
import { useNav, type Route } from '../stores/nav';
import { CustomerView } from './CustomerView';
import { shownValue } from '../lib/storedPlaceholders';

const ROW_HEIGHT = 34;

function CustomerList({ selectedId }: { selectedId: number | undefined }) {
  const { t } = useTranslation();
  const results = useCustomers((s) => s.results);
  const searched = useCustomers((s) => s.searched);
  const search = useCustomers((s) => s.search);
  const [query, setQuery] = useState(useCustomers.getState().query);
  const go = useNav((s) => s.go);
  const rows = useVirtualRows(results.length, ROW_HEIGHT);

  useEffect(() => {
    const timer = setTimeout(() => void search(query), 250);
    return () => clearTimeout(timer);
  }, [query, search]);

  return (
    <section className="pane list-pane" aria-label={t('customers.title')}>
      <div className="toolbar">
        <h2>{t('customers.title')}</h2>
        <input
          type="search"
          className="grow"
          data-testid="customer-search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void search(query);
          }}
          placeholder={t('customers.searchPlaceholder')}
          aria-label={t('customers.search')}
        />
      </div>
      <div className="table-scroll" ref={rows.ref}>
        <table className="data-table fixed" data-testid="customer-table">
          <colgroup>
            <col style={{ width: '30%' }} />
            <col />
            <col style={{ width: '9em' }} />
          </colgroup>
          <thead>
            <tr>
              <th>{t('customer.name')}</th>
              <th>{t('customer.email')}</th>
              <th>{t('customer.phone')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.padTop > 0 && <tr style={{ height: rows.padTop }} aria-hidden="true" />}
            {results.slice(rows.start, rows.end).map((c) => (
              <tr
                key={c.id}
                className={`clickable vrow${c.id === selectedId ? ' selected' : ''}`}
                style={{ height: ROW_HEIGHT }}
                data-testid={`customer-row-${c.id}`}
                tabIndex={0}
                onClick={() => go({ screen: 'customers', customerId: c.id })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') go({ screen: 'customers', customerId: c.id });
                }}
              >
                <td className="ellipsis">
                  {shownValue(c.name, t)}
                  {c.registrationCancelledAt !== null && (
                    <span className="badge muted-badge" data-testid={`customer-row-cancelled-${c.id}`}>
                      {t('customers.cancelledBadge')}
                    </span>
                  )}
                </td>
                <td className="ellipsis">
                  {c.email ?? '—'}
                  {c.emailUndeliverable && (
                    <span className="badge warn" title={t('customer.undeliverable')}>
                      !
                    </span>
                  )}
                </td>
                <td className="ellipsis">{c.phone ?? '—'}</td>
              </tr>
            ))}
            {rows.padBottom > 0 && <tr style={{ height: rows.padBottom }} aria-hidden="true" />}
          </tbody>
        </table>
        {searched && results.length === 0 && (
          <p className="empty" data-testid="customers-empty">
            {t('customers.noResults')}
          </p>
        )}
      </div>
    </section>
  );
}

export function CustomersScreen({ route }: { route: Extract<Route, { screen: 'customers' }> }) {
  const { t } = useTranslation();
  return (
    <div className="split narrow-list">
      <CustomerList selectedId={route.customerId} />
      <section className="pane detail-pane">
        {route.customerId !== undefined ? <CustomerView id={route.customerId} /> : <p className="empty">{t('customers.selectHint')}</p>}
      </section>
    </div>
  );
}

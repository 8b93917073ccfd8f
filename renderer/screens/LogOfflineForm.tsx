import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { call, type ApiError } from '../api/client';
import type { MethodInput } from '../../shared/contract';
import type { Customer } from '../../shared/domain';
import { containsCardNumber } from '../../shared/cardMask';
import { tokyoLocalToIso } from '../../shared/tokyoTime';
import i18n from '../i18n';
import { tokyoNowLocal } from '../lib/format';
import { attempt, useErrors } from '../stores/errors';
import { useInbox } from '../stores/inbox';
import { useNav } from '../stores/nav';
import { useNotices } from '../stores/notices';
import { OFFLINE_CHANNELS, useOfflineEntry } from '../stores/offlineEntry';
import { shownValue } from '../lib/storedPlaceholders';


/** Search-as-you-type over existing customers; picks one. */
function CustomerPicker({ selected, onSelect }: { selected: Customer | null; onSelect: (c: Customer | null) => void }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Customer[]>([]);

  useEffect(() => {
    if (query.trim() === '') {
      setResults([]);
      return;
    }
    let current = true;
    const timer = setTimeout(async () => {
      const found = await attempt(() => call('customers.search', { query: query.trim() }));
      // A cancelled registration, found by its number, can be given no new inquiry.
      if (current && found) setResults(found.filter((c) => c.registrationCancelledAt === null).slice(0, 20));
    }, 200);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);

  if (selected) {
    return (
      <div className="picked" data-testid="log-customer-selected">
        <strong>{shownValue(selected.name, t)}</strong>
        <span className="muted">{[selected.email, selected.phone].filter(Boolean).join(' / ')}</span>
        <button type="button" className="link-button" data-testid="log-customer-change" onClick={() => onSelect(null)}>
          {t('common.change')}
        </button>
      </div>
    );
  }
  return (
    <div className="picker">
      <input
        type="search"
        data-testid="log-customer-search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t('customers.searchPlaceholder')}
        aria-label={t('customers.search')}
      />
      {results.length > 0 && (
        <ul className="picker-results">
          {results.map((c) => (
            <li key={c.id}>
              <button type="button" data-testid={`log-customer-result-${c.id}`} onClick={() => onSelect(c)}>
                <strong>{shownValue(c.name, t)}</strong> <span className="muted">{[c.email, c.phone].filter(Boolean).join(' / ')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {query.trim() !== '' && results.length === 0 && <p className="hint">{t('customers.noResults')}</p>}
    </div>
  );
}

/** Records an inquiry that came by post, fax or phone (e-mail arrives by sync). */
export function LogOfflineForm() {
  const { t } = useTranslation();
  const go = useNav((s) => s.go);
  // Kept in a store, not here: what was typed outlives a look at another inquiry or customer.
  const entry = useOfflineEntry((s) => s.entry);
  const edit = useOfflineEntry((s) => s.edit);
  const { channel, mode, existing, name, email, phone, address, subject, body, answeredDuringCall } = entry;
  const [openedAt] = useState(tokyoNowLocal);
  const receivedLocal = entry.receivedLocal ?? openedAt;
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    let receivedAt: string;
    try {
      receivedAt = tokyoLocalToIso(receivedLocal.slice(0, 16));
    } catch {
      return setProblem(t('logOffline.badDate'));
    }
    if (mode === 'existing' && !existing) return setProblem(t('logOffline.chooseCustomer'));
    const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
    const newCustomer = {
      name: name.trim(),
      ...(optional(email) ? { email: optional(email) } : {}),
      ...(optional(phone) ? { phone: optional(phone) } : {}),
      ...(optional(address) ? { postalAddress: optional(address) } : {}),
    };
    const input: MethodInput<'inquiries.logOffline'> = {
      channel,
      receivedAt,
      subject,
      body,
      ...(channel === 'phone' && answeredDuringCall ? { answeredDuringCall: true } : {}),
      ...(mode === 'existing' && existing ? { customerId: existing.id } : { newCustomer }),
    };
    setProblem(null);
    setBusy(true);
    try {
      const summary = await call('inquiries.logOffline', input);
      const masked = containsCardNumber(subject) || containsCardNumber(body);
      const text = [
        i18n.t(mode === 'new' ? 'logOffline.doneNewCustomer' : 'logOffline.done', {
          id: summary.id,
          channel: i18n.t(`channel.${summary.channel}`),
          customer: shownValue(summary.customerName, i18n.t),
        }),
        masked ? i18n.t('logOffline.maskedNote') : '',
      ]
        .filter(Boolean)
        .join(' ');
      useNotices.getState().show(text);
      useOfflineEntry.getState().reset();
      void useInbox.getState().load();
      go({ screen: 'inbox', inquiryId: summary.id });
    } catch (error) {
      useErrors.getState().report(error as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const cardWarning = containsCardNumber(subject) || containsCardNumber(body);

  return (
    <form className="log-form" onSubmit={submit} data-testid="log-form">
      <h2>{t('logOffline.title')}</h2>
      <fieldset>
        <legend>{t('logOffline.channel')}</legend>
        {OFFLINE_CHANNELS.map((c) => (
          <label key={c} className="choice">
            <input type="radio" name="log-channel" data-testid={`log-channel-${c}`} checked={channel === c} onChange={() => edit({ channel: c })} />
            {t(`channel.${c}`)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t('logOffline.customer')}</legend>
        <label className="choice">
          <input type="radio" name="log-customer-mode" data-testid="log-customer-new" checked={mode === 'new'} onChange={() => edit({ mode: 'new' })} />
          {t('logOffline.newCustomer')}
        </label>
        <label className="choice">
          <input
            type="radio"
            name="log-customer-mode"
            data-testid="log-customer-existing"
            checked={mode === 'existing'}
            onChange={() => edit({ mode: 'existing' })}
          />
          {t('logOffline.existingCustomer')}
        </label>
        {mode === 'existing' ? (
          <CustomerPicker selected={existing} onSelect={(customer) => edit({ existing: customer })} />
        ) : (
          <div className="form-grid">
            <label>
              {t('customer.name')}
              <input data-testid="log-new-name" value={name} onChange={(e) => edit({ name: e.target.value })} required />
            </label>
            <label>
              {t('customer.email')}
              <input data-testid="log-new-email" type="text" inputMode="email" autoComplete="off" value={email} onChange={(e) => edit({ email: e.target.value })} />
            </label>
            <label>
              {t('customer.phone')}
              <input data-testid="log-new-phone" type="tel" value={phone} onChange={(e) => edit({ phone: e.target.value })} />
            </label>
            <label className="wide">
              {t('customer.address')}
              <input data-testid="log-new-address" value={address} onChange={(e) => edit({ address: e.target.value })} />
            </label>
          </div>
        )}
      </fieldset>
      <div className="form-grid">
        <label>
          {t('logOffline.receivedAt')}
          <input
            data-testid="log-received-at"
            type="datetime-local"
            value={receivedLocal}
            onChange={(e) => edit({ receivedLocal: e.target.value })}
            required
          />
          <span className="hint">{t('logOffline.tokyoTime')}</span>
        </label>
        <label className="wide">
          {t('logOffline.subject')}
          <input data-testid="log-subject" value={subject} onChange={(e) => edit({ subject: e.target.value })} required />
        </label>
        <label className="wide">
          {t('logOffline.body')}
          <textarea data-testid="log-body" rows={8} value={body} onChange={(e) => edit({ body: e.target.value })} required />
        </label>
        {channel === 'phone' && (
          <label className="wide choice">
            <input type="checkbox" data-testid="log-answered-during-call" checked={answeredDuringCall} onChange={(e) => edit({ answeredDuringCall: e.target.checked })} />
            {t('logOffline.answeredDuringCall')}
            <span className="hint">{t('logOffline.answeredDuringCallHint')}</span>
          </label>
        )}
      </div>
      {cardWarning && (
        <p className="warning" data-testid="log-card-warning">
          {t('logOffline.cardWarning')}
        </p>
      )}
      {problem && (
        <p className="field-error" data-testid="log-problem">
          {problem}
        </p>
      )}
      <div className="form-actions">
        <button type="button" data-testid="log-cancel" onClick={() => {
            useOfflineEntry.getState().reset();
            go({ screen: 'inbox' });
          }}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="primary" data-testid="log-submit" disabled={busy}>
          {t('logOffline.submit')}
        </button>
      </div>
    </form>
  );
}

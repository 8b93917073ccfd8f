import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { inquiryStatus, type Customer, type InquiryDetail, type InquiryStatus } from '../../shared/domain';
import { ChannelBadge } from '../components/Badges';
import { MessageContent } from '../components/MessageContent';
import { OutboxPanel } from '../components/OutboxPanel';
import { TemplatePicker } from '../components/TemplatePicker';
import { tokyoDateTimeOrNone } from '../lib/format';
import i18n from '../i18n';
import { useInquiry } from '../stores/inquiry';
import { useNav } from '../stores/nav';
import { useNotices } from '../stores/notices';
import { ConsentForm, type ConsentPrefill } from './ConsentForm';
import { shownValue } from '../lib/storedPlaceholders';
import { ownWords } from '../../shared/storedPlaceholders';

function Thread({ detail, onSenderOptOut }: { detail: InquiryDetail; onSenderOptOut: (sender: Customer) => void }) {
  const { t } = useTranslation();
  const go = useNav((s) => s.go);
  return (
    <ol className="thread" data-testid="message-thread">
      {detail.messages.map((message) => {
        const sender = detail.participants.find((c) => c.id === message.senderCustomerId);
        return (
          <li
            key={message.id}
            className={`message message-${message.direction}`}
            data-testid={`message-${message.id}`}
            data-direction={message.direction}
          >
            <div className="message-meta">
              <span className="badge direction">{t(`inquiry.direction.${message.direction}`)}</span>
              <span className="message-from" data-testid="message-from">
                {message.direction === 'out' && message.author
                  ? t('inquiry.sentBy', { author: message.author, address: message.fromAddress ?? '—' })
                  : (message.fromAddress ?? shownValue((sender ?? detail.customer).name, t))}
              </span>
              {message.toAddress && (
                <span className="muted">
                  → {message.toAddress}
                </span>
              )}
              {message.answeredElsewhereAt && (
                <span className="badge server-state" data-testid="message-answered-elsewhere" title={tokyoDateTimeOrNone(message.answeredElsewhereAt)}>
                  {t('inquiry.answeredElsewhere')}
                </span>
              )}
              {message.removedOnServerAt && (
                <span className="badge server-state" data-testid="message-removed-on-server" title={tokyoDateTimeOrNone(message.removedOnServerAt)}>
                  {t('inquiry.removedOnServer')}
                </span>
              )}
              {!sender && message.direction === 'in' && message.fromAddress && detail.customer.email && message.fromAddress.toLowerCase() !== detail.customer.email.toLowerCase() && (
                // Presumed the customer's (no customer has this address): worth a look before recording what it asks as theirs.
                <span className="badge warn" data-testid="message-unregistered-address" title={t('inquiry.unregisteredAddressHint')}>
                  {t('inquiry.unregisteredAddress')}
                </span>
              )}
              <span className="spacer" />
              <OtherCustomer sender={sender} onOpen={(sender) => go({ screen: 'customers', customerId: sender.id })} onOptOut={onSenderOptOut} />
              <time className="muted nowrap" dateTime={message.at} data-testid="message-at">
                {tokyoDateTimeOrNone(message.at)}
              </time>
            </div>
            {message.subject && message.subject !== detail.inquiry.subject && (
              <div className="message-subject">{shownValue(message.subject, t)}</div>
            )}
            {/* HTML only sanitised, in a sandboxed frame, remote content blocked: see MessageContent. */}
            <MessageContent message={message} />
          </li>
        );
      })}
    </ol>
  );
}

/** On mail from another customer than the inquiry's: who, a way to their page, and to record their opt-out (theirs, not the inquiry's customer's). */
function OtherCustomer({ sender, onOpen, onOptOut }: { sender: Customer | undefined; onOpen: (sender: Customer) => void; onOptOut: (sender: Customer) => void }) {
  const { t } = useTranslation();
  if (!sender) return null;
  return (
    <span className="other-customer" data-testid="message-other-customer" title={t('inquiry.otherCustomerHint')}>
      <button type="button" className="link-button" data-testid="message-sender-link" onClick={() => onOpen(sender)}>
        {t('inquiry.otherCustomer', { customer: shownValue(sender.name, t) })}
      </button>
      {sender.registrationCancelledAt === null && (
        <button type="button" data-testid="message-sender-optout" onClick={() => onOptOut(sender)}>
          {t('inquiry.recordSenderOptOut')}
        </button>
      )}
    </span>
  );
}

/** A template put into what is typed: where the caret is (or in place of the selection), the whole text when nothing is typed yet. */
function insertAtCaret(current: string, text: string, field: HTMLTextAreaElement | null): string {
  if (current.trim() === '') return text;
  const start = field?.selectionStart ?? current.length;
  const end = field?.selectionEnd ?? start;
  return `${current.slice(0, start)}${text}${current.slice(end)}`;
}

function ReplyBox({ detail }: { detail: InquiryDetail }) {
  const { t } = useTranslation();
  const queueReply = useInquiry((s) => s.queueReply);
  const { inquiry, customer } = detail;
  const body = useInquiry((s) => s.drafts[inquiry.id] ?? '');
  const setBody = (next: string | ((current: string) => string)) => {
    const { drafts, setDraft } = useInquiry.getState();
    setDraft(inquiry.id, typeof next === 'string' ? next : next(drafts[inquiry.id] ?? ''));
  };
  const textarea = useRef<HTMLTextAreaElement>(null);
  const [quote, setQuote] = useState(true);
  const [sending, setSending] = useState(false);
  // A reply taken back (from the notice or the outbox) comes back here, after what is typed already.
  const returned = useInquiry((s) => (s.returned?.inquiryId === inquiry.id ? s.returned.text : null));
  useEffect(() => {
    if (returned === null) return;
    const text = useInquiry.getState().takeReturned(inquiry.id);
    if (text !== null) setBody((current) => (current.trim() === '' ? text : `${current.trimEnd()}\n\n${text}`));
  }, [returned, inquiry.id]);

  if (inquiry.channel !== 'email') {
    return (
      <p className="hint" data-testid="reply-unavailable">
        {t('inquiry.replyOnlyEmail', { channel: t(`channel.${inquiry.channel}`) })}
      </p>
    );
  }
  if (!customer.email) {
    return (
      <p className="hint" data-testid="reply-unavailable">
        {t(customer.registrationCancelledAt ? 'inquiry.replyRegistrationCancelled' : 'inquiry.replyNoEmail')}
      </p>
    );
  }
  if (detail.inquiryResponseWithdrawnAt) {
    return (
      <p className="hint" data-testid="reply-unavailable">
        {t('inquiry.replyResponseWithdrawn', { at: tokyoDateTimeOrNone(detail.inquiryResponseWithdrawnAt) })}
      </p>
    );
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (body.trim() === '') return;
    setSending(true);
    try {
      // The reply waits in the outbox for the undo window, then goes out (retried if the server fails).
      const queued = await queueReply(body, { quoteOriginal: quote });
      if (queued) {
        setBody('');
        const seconds = Math.max(1, Math.round((Date.parse(queued.sendAt) - Date.now()) / 1000));
        useNotices.getState().show(i18n.t('mail.queued', { seconds, to: customer.email ?? '' }), {
          label: i18n.t('mail.undoSend'),
          run: async () => {
            if (await useInquiry.getState().cancelReply(queued.id)) useNotices.getState().show(i18n.t('mail.sendCancelled'));
          },
        });
        followQueuedNotice(useNotices.getState().notice?.id, queued.id);
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="reply-box" onSubmit={submit}>
      <label htmlFor="reply-body">
        {t('inquiry.replyTo', { to: customer.email })}
      </label>
      {customer.emailUndeliverable && (
        <p className="warning" data-testid="reply-undeliverable">
          {t('inquiry.undeliverableWarning')}
        </p>
      )}
      <TemplatePicker
        values={{ customerName: ownWords(customer.name), inquiryNumber: inquiry.id }}
        onPick={(text) => setBody((current) => insertAtCaret(current, text, textarea.current))}
      />
      <textarea
        ref={textarea}
        id="reply-body"
        data-testid="reply-body"
        rows={8}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        placeholder={t('inquiry.replyPlaceholder')}
      />
      <label className="inline-field">
        <input type="checkbox" data-testid="reply-quote" checked={quote} onChange={(e) => setQuote(e.target.checked)} />
        {t('mail.quoteOriginal')}
      </label>
      <p className="hint">{t('mail.signatureNote')}</p>
      <div className="form-actions">
        <button type="submit" className="primary" data-testid="reply-send" disabled={sending || body.trim() === ''}>
          {sending ? t('inquiry.sending') : t('inquiry.send')}
        </button>
      </div>
    </form>
  );
}

function StatusControl({ detail }: { detail: InquiryDetail }) {
  const { t } = useTranslation();
  const setStatus = useInquiry((s) => s.setStatus);
  const [busy, setBusy] = useState(false);

  const change = async (next: InquiryStatus) => {
    const previous = detail.inquiry.status;
    if (next === previous) return;
    setBusy(true);
    try {
      const done = await setStatus(next);
      if (!done) return;
      const id = detail.inquiry.id;
      // The first response this change set, if it set one: undoing it takes that back too.
      const setFirstResponse = detail.inquiry.firstResponseAt === null && done.firstResponseAt !== null ? done.firstResponseAt : undefined;
      useNotices.getState().show(
        i18n.t('inquiry.statusChanged', { id, status: i18n.t(`status.${next}`) }),
        {
          label: i18n.t('common.undo'),
          run: async () => {
            const undone = await useInquiry.getState().setStatus(previous, id, setFirstResponse);
            if (undone) useNotices.getState().show(i18n.t('inquiry.statusChanged', { id, status: i18n.t(`status.${previous}`) }));
          },
        },
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <label className="inline-field">
      {t('inquiry.status')}
      <select
        data-testid="inquiry-status-select"
        value={detail.inquiry.status}
        disabled={busy}
        onChange={(e) => void change(e.target.value as InquiryStatus)}
      >
        {inquiryStatus.options.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function InquiryView({ id }: { id: number }) {
  const { t } = useTranslation();
  const detail = useInquiry((s) => (s.id === id ? s.detail : null));
  const open = useInquiry((s) => s.open);
  const go = useNav((s) => s.go);
  /** The opt-out being recorded, and whose: the inquiry's customer, or another who wrote in the thread. */
  const [optOut, setOptOut] = useState<{ customer: Customer; prefill: ConsentPrefill } | null>(null);

  const optOutPanel = useRef<HTMLElement>(null);

  useEffect(() => {
    void open(id);
    setOptOut(null);
  }, [id, open]);
  // The form opens above the thread: in sight, whichever mail's button opened it.
  useEffect(() => {
    optOutPanel.current?.scrollIntoView({ block: 'nearest' });
  }, [optOut]);

  if (!detail) return <p className="empty">{t('common.loading')}</p>;
  const { inquiry, customer } = detail;
  const recordOptOut = (of: Customer) =>
    setOptOut({
      customer: of,
      prefill: { action: 'withdraw', source: inquiry.channel, sourceInquiryId: inquiry.id, purposes: ['new_product_information'], channels: ['email', 'post', 'phone'] },
    });

  return (
    <article className="inquiry-view" data-testid="inquiry-view" data-inquiry-id={inquiry.id}>
      <header className="detail-header">
        <div className="detail-title">
          <ChannelBadge channel={inquiry.channel} />
          <h2 data-testid="inquiry-subject">{shownValue(inquiry.subject, t)}</h2>
          <span className="muted">#{inquiry.id}</span>
        </div>
        <dl className="facts">
          <div>
            <dt>{t('inquiry.customer')}</dt>
            <dd>
              <button
                type="button"
                className="link-button"
                data-testid="inquiry-customer-link"
                onClick={() => go({ screen: 'customers', customerId: customer.id })}
              >
                {shownValue(customer.name, t)}
              </button>
              {customer.email && <span className="muted"> &lt;{customer.email}&gt;</span>}
            </dd>
          </div>
          <div>
            <dt>{t('inquiry.received')}</dt>
            <dd data-testid="inquiry-received">{tokyoDateTimeOrNone(inquiry.receivedAt)}</dd>
          </div>
          <div>
            <dt>{t('inquiry.firstResponse')}</dt>
            <dd data-testid="inquiry-first-response">{tokyoDateTimeOrNone(inquiry.firstResponseAt)}</dd>
          </div>
        </dl>
        <div className="toolbar">
          <StatusControl detail={detail} />
          <span className="spacer" />
          <button
            type="button"
            data-testid="record-optout"
            onClick={() => recordOptOut(customer)}
          >
            {t('inquiry.recordOptOut')}
          </button>
        </div>
        {detail.participants.length > 0 && (
          <p className="hint" data-testid="inquiry-participants-hint">
            {t('inquiry.participantsHint', { customer: shownValue(customer.name, t), others: detail.participants.map((p) => shownValue(p.name, t)).join(t('common.listSeparator')) })}
          </p>
        )}
      </header>

      {optOut && (
        <section className="card" data-testid="inquiry-consent-panel" ref={optOutPanel}>
          <ConsentForm
            key={`${inquiry.id}-${optOut.customer.id}`}
            customer={optOut.customer}
            prefill={optOut.prefill}
            onDone={() => setOptOut(null)}
            onCancel={() => setOptOut(null)}
          />
        </section>
      )}

      <Thread detail={detail} onSenderOptOut={recordOptOut} />
      <OutboxPanel />
      {/* Keyed by inquiry: a draft must never follow staff to another customer's inquiry. */}
      <ReplyBox key={inquiry.id} detail={detail} />
    </article>
  );
}

/**
 * The "reply queued, undo" notice goes when its reply failed to send (the outbox panel says why
 * and offers to send again), rather than offering an undo that no longer can be. Once the reply
 * is sent or taken back, the notice stays as it is, or gives way to the one taking it back.
 */
function followQueuedNotice(noticeId: number | undefined, outboxId: number): void {
  if (noticeId === undefined) return;
  const stop = useInquiry.subscribe((state) => {
    const item = state.outbox.find((i) => i.id === outboxId);
    if (item?.status === 'queued' || item?.status === 'sending') return;
    stop();
    if ((item?.status === 'failed' || item?.status === 'retrying') && useNotices.getState().notice?.id === noticeId) useNotices.getState().clear();
  });
}

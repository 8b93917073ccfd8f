import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import i18n, { mainProcessText } from '../i18n';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useInquiry } from '../stores/inquiry';
import { useNotices } from '../stores/notices';

/** Replies of the open inquiry that wait in the outbox, are being retried, or failed: with why, and what staff can do. */
export function OutboxPanel() {
  const { t } = useTranslation();
  const outbox = useInquiry((s) => s.outbox);
  const cancelReply = useInquiry((s) => s.cancelReply);
  const sendNow = useInquiry((s) => s.sendNow);
  // The reply being sent now or taken back: its buttons wait, so a second click does not do it twice.
  const [busy, setBusy] = useState<number | null>(null);
  if (outbox.length === 0) return null;
  const act = async (id: number, work: () => Promise<unknown>) => {
    if (busy !== null) return;
    setBusy(id);
    try {
      await work();
    } finally {
      setBusy(null);
    }
  };
  return (
    <section className="card outbox" data-testid="outbox">
      <h3>{t('mail.outboxTitle')}</h3>
      <ul>
        {outbox.map((item) => (
          <li key={item.id} data-testid={`outbox-item-${item.id}`} data-status={item.status}>
            <div className="toolbar">
              <span className={`badge ${item.status === 'failed' || item.status === 'retrying' ? 'danger' : ''}`} data-testid="outbox-status">
                {t(`mail.outboxStatus.${item.status}`)}
              </span>
              {(item.status === 'queued' || item.status === 'retrying') && (
                <span className="muted">{t('mail.nextAttempt', { at: tokyoDateTimeOrNone(item.sendAt) })}</span>
              )}
              {item.attempts > 0 && <span className="muted">{t('mail.attempts', { count: item.attempts })}</span>}
              <span className="spacer" />
              {item.mayHaveGone && item.status === 'failed' && (
                <>
                  <button type="button" data-testid="outbox-send-again-checked" disabled={busy !== null} onClick={() => void act(item.id, () => sendNow(item.id, true))}>
                    {t('mail.sendAgainChecked')}
                  </button>
                  <button
                    type="button"
                    data-testid="outbox-take-back-checked"
                    disabled={busy !== null}
                    onClick={() =>
                      void act(item.id, async () => {
                        if (await cancelReply(item.id, true)) useNotices.getState().show(i18n.t('mail.sendCancelled'));
                      })
                    }
                  >
                    {t('mail.takeBackChecked')}
                  </button>
                </>
              )}
              {item.status !== 'sending' && item.status !== 'sent' && !(item.mayHaveGone && item.status === 'failed') && (
                <>
                  <button type="button" data-testid="outbox-send-now" disabled={busy !== null} onClick={() => void act(item.id, () => sendNow(item.id))}>
                    {t('mail.sendNow')}
                  </button>
                  <button
                    type="button"
                    data-testid="outbox-cancel"
                    disabled={busy !== null}
                    onClick={() =>
                      void act(item.id, async () => {
                        if (await cancelReply(item.id)) useNotices.getState().show(i18n.t('mail.sendCancelled'));
                      })
                    }
                  >
                    {t('mail.undoSend')}
                  </button>
                </>
              )}
            </div>
            {item.lastError && (
              <p className="warning" data-testid="outbox-error">
                {item.status !== 'sent'
                  ? t('mail.sendFailedReason', { error: mainProcessText(item.lastError) })
                  : item.messageId === null
                    ? // Sent, but not stored in the thread: the reason says so, and what to do.
                      mainProcessText(item.lastError)
                    : t('mail.sentCopyFailedShort', { error: mainProcessText(item.lastError) })}
              </p>
            )}
            <div className="message-body muted">{item.body}</div>
          </li>
        ))}
      </ul>
    </section>
  );
}

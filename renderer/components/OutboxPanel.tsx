import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import i18n, { mainProcessText } from '../i18n';
import { tokyoDateTimeOrNone } from '../lib/format';
import { useInquiry } from '../stores/inquiry';
import { useNotices } from '../stores/notices';
import type { OutboxItem } from '../../shared/domain';

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
              {item.status !== 'sending' && item.status !== 'sent' && (
                <>
                  {/* A reply that may have gone is sent again, or taken back, only once staff say they checked. */}
                  <button
                    type="button"
                    data-testid={uncertain(item) ? 'outbox-send-again-checked' : 'outbox-send-now'}
                    disabled={busy !== null}
                    onClick={() => void act(item.id, () => sendNow(item.id, uncertain(item)))}
                  >
                    {t(uncertain(item) ? 'mail.sendAgainChecked' : 'mail.sendNow')}
                  </button>
                  <button
                    type="button"
                    data-testid={uncertain(item) ? 'outbox-take-back-checked' : 'outbox-cancel'}
                    disabled={busy !== null}
                    onClick={() =>
                      void act(item.id, async () => {
                        // One that may have gone was perhaps not cancelled at all: the notice does not say it was.
                        if (await cancelReply(item.id, uncertain(item))) useNotices.getState().show(i18n.t(uncertain(item) ? 'mail.takenBack' : 'mail.sendCancelled'));
                      })
                    }
                  >
                    {t(uncertain(item) ? 'mail.takeBackChecked' : 'mail.undoSend')}
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

/** Its sending ended without knowing whether it went: its buttons say staff checked (see OutboxItem.mayHaveGone). */
function uncertain(item: OutboxItem): boolean {
  return item.mayHaveGone && item.status === 'failed';
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNotices } from '../stores/notices';

/** What the last action did (and an undo when there is one). */
export function NoticeBar() {
  const { t } = useTranslation();
  const notice = useNotices((s) => s.notice);
  const clear = useNotices((s) => s.clear);
  const [undoing, setUndoing] = useState(false);
  if (!notice) return null;
  return (
    <div className="notice" role="status" data-testid="notice">
      <span data-testid="notice-text">{notice.text}</span>
      {notice.undo && (
        <button
          type="button"
          className="link-button"
          data-testid="notice-undo"
          disabled={undoing}
          onClick={async () => {
            setUndoing(true);
            try {
              await notice.undo?.run();
            } finally {
              setUndoing(false);
            }
          }}
        >
          {notice.undo.label}
        </button>
      )}
      <button type="button" className="icon-button" data-testid="notice-dismiss" aria-label={t('common.dismiss')} onClick={clear}>
        ×
      </button>
    </div>
  );
}

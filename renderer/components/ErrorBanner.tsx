import { useTranslation } from 'react-i18next';
import { mainProcessText } from '../i18n';
import { useErrors } from '../stores/errors';
import { errorTitle } from './errorTitle';

/** Failed calls, newest last, each dismissable. role="alert" so screen readers announce them. */
export function ErrorBanner() {
  const { t } = useTranslation();
  const errors = useErrors((s) => s.errors);
  const dismiss = useErrors((s) => s.dismiss);
  if (errors.length === 0) return null;
  return (
    <div className="error-stack">
      {errors.map((error) => (
        <div key={error.id} className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
          <div className="error-text">
            <strong>{errorTitle(t, error.code)}</strong>
            <span className="error-message" data-testid="error-message">
              {mainProcessText(error.message)}
            </span>
          </div>
          <button
            type="button"
            className="icon-button"
            data-testid="error-dismiss"
            aria-label={t('common.dismiss')}
            title={t('common.dismiss')}
            onClick={() => dismiss(error.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}

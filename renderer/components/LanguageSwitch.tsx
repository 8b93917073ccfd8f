import { useTranslation } from 'react-i18next';
import type { Language } from '../../shared/domain';
import { LANGUAGES, useLanguage } from '../i18n';
import { chooseLanguage } from '../i18n/language';

export function LanguageSwitch({ testId = 'language-switch' }: { testId?: string }) {
  const { t } = useTranslation();
  const language = useLanguage();
  return (
    <label className="language-switch">
      <span className="visually-hidden">{t('common.language')}</span>
      <select
        data-testid={testId}
        value={language}
        onChange={(event) => void chooseLanguage(event.target.value as Language)}
        aria-label={t('common.language')}
      >
        {LANGUAGES.map((lang) => (
          <option key={lang} value={lang}>
            {t(`language.${lang}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { z } from 'zod';
import type { Language } from '../../shared/domain';
import type { Purpose } from '../../shared/purposes';
import { localizeUserMessage } from '../../shared/userMessages';
import { en } from './en';
import { ja } from './ja';

/**
 * Japanese is the default and the source of keys: ja.ts defines them, en.ts must match
 * (checked by its type). Keys are typed too, so t('no.such.key') does not compile.
 */
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof ja };
  }
}

export const LANGUAGES: readonly Language[] = ['ja', 'en'];

/**
 * The stored setting (settings.get) is the truth, but it can be read only once the database
 * is unlocked. This mirror, holding nothing but 'ja' or 'en', paints the lock screen in the
 * language staff chose last time.
 */
const MIRROR_KEY = 'madoguchi.language';

function mirroredLanguage(): Language {
  try {
    return localStorage.getItem(MIRROR_KEY) === 'en' ? 'en' : 'ja';
  } catch {
    return 'ja';
  }
}

void i18n.use(initReactI18next).init({
  resources: { ja: { translation: ja }, en: { translation: en } },
  lng: mirroredLanguage(),
  fallbackLng: 'ja',
  supportedLngs: ['ja', 'en'],
  initAsync: false,
  // React escapes text itself; escaping twice would show &amp; etc.
  interpolation: { escapeValue: false },
});

/** Zod's own messages (a wrong e-mail address, a number out of range) in the staff's language too. */
function setZodLanguage(language: string): void {
  z.config(language === 'en' ? z.locales.en() : z.locales.ja());
}
setZodLanguage(i18n.language);

i18n.on('languageChanged', (lng) => {
  setZodLanguage(lng);
  document.documentElement.lang = lng;
  try {
    localStorage.setItem(MIRROR_KEY, lng);
  } catch {
    // Storage can be disabled; the stored setting still applies after unlock.
  }
});
document.documentElement.lang = i18n.language;

export function currentLanguage(): Language {
  return i18n.language === 'en' ? 'en' : 'ja';
}

/** The current language, re-rendering on change. */
export function useLanguage(): Language {
  const { i18n: instance } = useTranslation();
  return instance.language === 'en' ? 'en' : 'ja';
}

/** What the main process said (an error, a set-aside mail's reason) in the staff's language: see shared/userMessages.ts. */
export function mainProcessText(text: string, language: Language = currentLanguage()): string {
  return localizeUserMessage(text, language);
}

export function purposeLabel(purpose: Purpose, language: Language): string {
  return purpose.label[language];
}

export default i18n;

import { ApiError, call } from '../api/client';
import type { Language } from '../../shared/domain';
import { useErrors } from '../stores/errors';
import i18n from './index';

/** A choice made while the settings could not be written (locked); saved after unlock. */
let unsaved: Language | null = null;

function isLockedOut(error: unknown): boolean {
  return error instanceof ApiError && (error.code === 'LOCKED' || error.code === 'NOT_INITIALIZED');
}

/** Switches at once and stores the choice with settings.set. */
export async function chooseLanguage(language: Language): Promise<void> {
  await i18n.changeLanguage(language);
  try {
    await call('settings.set', { language });
    unsaved = null;
  } catch (error) {
    if (isLockedOut(error)) unsaved = language;
    else useErrors.getState().report(error);
  }
}

/** Applies the stored language (or stores the one chosen on the lock screen). */
export async function syncLanguageWithSettings(): Promise<void> {
  try {
    if (unsaved) {
      await call('settings.set', { language: unsaved });
      unsaved = null;
      return;
    }
    const { language } = await call('settings.get', {});
    if (language !== i18n.language) await i18n.changeLanguage(language);
  } catch (error) {
    if (!isLockedOut(error)) useErrors.getState().report(error);
  }
}

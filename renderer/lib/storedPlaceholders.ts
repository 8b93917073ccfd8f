import type { TFunction } from 'i18next';
import { storedPlaceholderOf } from '../../shared/storedPlaceholders';

/**
 * A stored subject or customer name as staff read it: a placeholder the main process stored for a
 * missing value ("(件名なし)") in the UI's language, anything else as it is.
 */
export function shownValue(text: string, t: TFunction): string {
  const placeholder = storedPlaceholderOf(text);
  return placeholder ? t(`storedPlaceholder.${placeholder}`) : text;
}

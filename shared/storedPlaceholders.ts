/**
 * What Madoguchi stores where a mail or a customer gives no value of its own: the subject of a
 * mail without one, the name of a sender who gave neither name nor address, the name left to a
 * customer whose registration was cancelled, the subject of their inquiries. Stored in Japanese, as the office's records are
 * (searches and exports read them so), and shown in the language of the UI
 * (renderer/lib/storedPlaceholders.ts), so that English staff do not read Japanese in their lists.
 */
export const STORED_PLACEHOLDERS = {
  noSubject: '(件名なし)',
  unknownSender: '(差出人不明)',
  cancelledCustomer: '(登録抹消済み)',
  /** The subject of such a customer's inquiries and messages, their contents deleted with the registration. */
  deletedWithRegistration: '(登録抹消により削除)',
} as const;

export type StoredPlaceholder = keyof typeof STORED_PLACEHOLDERS;

/** Which placeholder `text` is, or null for a value someone wrote. */
export function storedPlaceholderOf(text: string): StoredPlaceholder | null {
  for (const [key, stored] of Object.entries(STORED_PLACEHOLDERS)) if (text === stored) return key as StoredPlaceholder;
  return null;
}

/** `text` as the customer's own words: empty where it is a placeholder (a reply does not call anyone "(差出人不明)"). */
export function ownWords(text: string): string {
  return storedPlaceholderOf(text) ? '' : text;
}

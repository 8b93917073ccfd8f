/**
 * Text as the customer search compares it: what a Japanese keyboard can type several ways reads
 * as one. Full-width letters and digits become half-width, half-width katakana full-width (NFKC),
 * capitals small, and spaces (full-width ones too) and the hyphens and dashes written in phone
 * numbers go, so that "山田　花子", "山田花子", "０９０－１２３４" and "090-1234" find each other.
 * The long-vowel mark ー is a letter, not a dash, and stays.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u2010-\u2015\u2212\u002d\u30fb\u00b7]+/g, '');
}

import { formatTokyoDateTime } from './tokyoTime';
import { userMessage } from './userMessages';

/** The placeholders a canned reply may hold, filled in when staff pick the template. */
export interface TemplateValues {
  customerName: string;
  inquiryNumber: number;
  operator: string;
}

/** A placeholder; one written \{{…}} is text to send as it is (a customer's "{{ price }}" quoted back), not one. */
const KNOWN_PLACEHOLDER = /(?<!\\)\{\{\s*(customerName|inquiryNumber|operator)\s*\}\}/g;
const ANY_PLACEHOLDER = /(?<!\\)\{\{[^{}\n]*\}\}/g;

/** Replaces {{customerName}}, {{inquiryNumber}} and {{operator}}; other text (and unknown {{…}}, and \{{…}}) stays as written. */
export function fillTemplate(body: string, values: TemplateValues): string {
  return body.replace(KNOWN_PLACEHOLDER, (_, key: keyof TemplateValues) => String(values[key]));
}

/** Placeholders written wrong ({{customername}}, {{ 顧客名 }}): they would reach the customer as they are. */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set(text.replace(KNOWN_PLACEHOLDER, '').match(ANY_PLACEHOLDER) ?? [])];
}

/** The reverse, for a reply taken back to the reply box: every brace in a stored reply is literal (placeholders were filled, wrong ones refused). */
export function escapedBraces(text: string): string {
  return text.replace(/(?<!\\)\{\{/g, '\\{{');
}

/** The text as the customer reads it: braces written \{{ to be sent as they are lose the backslash. Applied last, once placeholders are checked and filled. */
export function literalBraces(text: string): string {
  return text.replace(/\\\{\{/g, '{{');
}

/** What to tell staff about such placeholders, or null when there are none. */
export function unknownPlaceholderProblem(text: string): string | null {
  const unknown = unknownPlaceholders(text);
  return unknown.length ? userMessage('unknownPlaceholder', { names: unknown.join(' '), known: '{{customerName}} {{inquiryNumber}} {{operator}}' }) : null;
}

/** The language a reply is written in: Japanese when what staff typed holds any kana or kanji, else English. */
export function replyLanguage(typed: string): 'ja' | 'en' {
  return /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(typed) ? 'ja' : 'en';
}

/**
 * The line above a quoted original, in the reply's language: "2026-11-24 09:05（日本時間）、山田 花子様:"
 * or "On 2026-11-24 09:05 (Japan time), John Smith wrote:".
 */
export function attributionLine(atIso: string, name: string, language: 'ja' | 'en'): string {
  const at = formatTokyoDateTime(atIso);
  if (!name) return language === 'ja' ? `${at}（日本時間）のメール:` : `On ${at} (Japan time), you wrote:`;
  return language === 'ja' ? `${at}（日本時間）、${name}様:` : `On ${at} (Japan time), ${name} wrote:`;
}

/** Every line of the original prefixed "> " (Japanese mailers' convention), under the attribution line. */
export function quoteOriginal(original: string, atIso: string, name: string, language: 'ja' | 'en'): string {
  const lines = original.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return [attributionLine(atIso, name, language), ...lines.map((line) => (line === '' ? '>' : `> ${line}`))].join('\n');
}

/**
 * The text of a reply as it is sent: what staff typed, the account's signature, then the quoted
 * original, as Japanese business mail has them. The signature is set off by a blank line, not by
 * the "-- " separator: everything after that line counts as signature (RFC 3676), so Thunderbird
 * would drop the quoted history with it when the customer replies.
 */
export function composeReplyText(typed: string, options: { signature?: string | null; quote?: string | null }): string {
  const parts = [typed.replace(/\s+$/, '')];
  const signature = options.signature?.replace(/\s+$/, '');
  if (signature) parts.push(signature);
  if (options.quote) parts.push(options.quote);
  return parts.join('\n\n');
}

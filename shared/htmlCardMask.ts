import { maskCardNumbers } from './cardMask';

/**
 * Card numbers masked in HTML as a reader sees them, not as the source spells them. Mail
 * programs write "4111&nbsp;1111&nbsp;1111&nbsp;1111", split a number over inline tags
 * ("<span>4111</span><span>1111</span>…", as Japanese Outlook does around an IME's input),
 * encode digits as character references ("&#52;") or break a long line in the middle of a
 * number: in the source none of those is a card number for maskCardNumbers, on screen each is.
 *
 * So the HTML's visible text is read off (inline tags add nothing, other tags and runs of
 * white space one space, character references decode, script and style hold no text), with
 * where each character came from; maskCardNumbers finds the numbers in that text, and each
 * masked character is masked in the source (a character reference becomes one "*"). Attribute
 * values (a link's query, an input's value) are masked as they are written. Everything else
 * in the HTML stays byte for byte.
 */
export function maskCardNumbersInHtml(html: string): string {
  if (!hasThirteenDigits(html)) return html;
  const visible: string[] = [];
  /** For each visible character, the source range it was read from. */
  const from: number[] = [];
  const to: number[] = [];
  /** Masked tags (their attribute values), by source start. */
  const maskedTags = new Map<number, string>();
  const see = (ch: string, start: number, end: number) => {
    if (ch === ' ' && visible.at(-1) === ' ') {
      // White space collapses on screen: the run counts as one space.
      to[to.length - 1] = end;
      return;
    }
    visible.push(ch);
    from.push(start);
    to.push(end);
  };

  let lowerCase: string | null = null;
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '<' && /[a-zA-Z/!?]/.test(html[i + 1] ?? '')) {
      const end = tagEnd(html, i);
      const tag = html.slice(i, end);
      const name = /^<\/?([a-zA-Z][a-zA-Z0-9]*)/.exec(tag)?.[1]?.toLowerCase();
      const masked = maskCardNumbers(tag);
      if (masked !== tag) maskedTags.set(i, masked);
      if (name && !tag.startsWith('</') && (name === 'script' || name === 'style')) {
        // Their content is not text anyone reads; it ends at the closing tag.
        lowerCase ??= html.toLowerCase();
        const close = lowerCase.indexOf(`</${name}`, end);
        i = close < 0 ? html.length : close;
        continue;
      }
      if (name && !INLINE_TAGS.has(name)) see(' ', i, end);
      i = end;
    } else if (ch === '&') {
      const reference = /^&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?/.exec(html.slice(i, i + 40));
      const decoded = reference ? decodeReference(reference[1] as string) : null;
      if (reference && decoded !== null) {
        see(isSpace(decoded) ? ' ' : decoded, i, i + reference[0].length);
        i += reference[0].length;
      } else {
        see(ch, i, i + 1);
        i++;
      }
    } else {
      see(isSpace(ch) ? ' ' : ch, i, i + 1);
      i++;
    }
  }

  const text = visible.join('');
  const masked = maskCardNumbers(text);
  if (masked === text && maskedTags.size === 0) return html;

  // Rebuilt from the source: masked characters and tags replaced, the rest as it was.
  const replacements: Array<{ start: number; end: number; by: string }> = [];
  for (const [start, tag] of maskedTags) replacements.push({ start, end: start + tag.length, by: tag });
  for (let k = 0; k < masked.length; k++) {
    if (masked[k] !== text[k]) replacements.push({ start: from[k] as number, end: to[k] as number, by: '*' });
  }
  replacements.sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of replacements) {
    if (r.start < at) continue;
    out += html.slice(at, r.start) + r.by;
    at = r.end;
  }
  return out + html.slice(at);
}

/** Tags that do not break a line or a word: text on both sides runs together on screen. */
const INLINE_TAGS = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr', 'o', 'nobr']);

const NAMED: Record<string, string> = { nbsp: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", hyphen: '-', dash: '-', minus: '−', ndash: '–', sol: '/', period: '.', num: '#' };

function decodeReference(body: string): string | null {
  if (body.startsWith('#')) {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : null;
  }
  return NAMED[body] ?? null;
}

/** White space as HTML collapses it, and the spaces that look like one (no-break, en, em, thin…). */
function isSpace(ch: string): boolean {
  return /^[\s\u00a0\u2000-\u200b\u202f]$/.test(ch);
}

/** Where the tag starting at `start` ends (after its ">"), quoted attribute values read whole. */
function tagEnd(html: string, start: number): number {
  if (html.startsWith('<!--', start)) {
    const close = html.indexOf('-->', start + 4);
    return close < 0 ? html.length : close + 3;
  }
  let quote: string | null = null;
  for (let i = start + 1; i < html.length; i++) {
    const ch = html[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '>') {
      return i + 1;
    }
  }
  return html.length;
}

/** At least thirteen digits in the whole source (digits in references included): fewer cannot spell a card number. */
function hasThirteenDigits(html: string): boolean {
  let digits = 0;
  for (let i = 0; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (((code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19)) && ++digits >= 13) return true;
  }
  return false;
}

import { maskCardNumbers, MIN_CARD_DIGITS, NUMBER_RUN } from './cardMask';
import { generatedDigits, withoutGeneratedDigits } from './cssGeneratedText';

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
 * values (a link's query, an image's alt text, a title shown as a tooltip) are read as a browser
 * reads them too, character references and a URL's %-escapes decoded: one that holds a card
 * number is written anew, masked. Everything else in the HTML stays byte for byte.
 */
export function maskCardNumbersInHtml(html: string): string {
  if (!hasThirteenDigits(html)) return html;
  const visible: string[] = [];
  /** For each visible character, the source range it was read from. */
  const from: number[] = [];
  const to: number[] = [];
  /** Masked tags (their attribute values) and script or style contents, by source start: where each ends in the source, and what it becomes. */
  const maskedTags = new Map<number, { end: number; by: string }>();
  /** Every tag, and every script or style content, masked once the text is read (see below). */
  const tags: Array<{ start: number; end: number; tag: string }> = [];
  const contents: Array<{ start: number; end: number; content: string; css: boolean }> = [];
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
  /** Inside a textarea, title, xmp… up to here: no tags, only text (see TEXT_ONLY). */
  let textUntil = -1;
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '<' && i >= textUntil && /[a-zA-Z/!?]/.test(html[i + 1] ?? '')) {
      const end = tagEnd(html, i);
      const tag = html.slice(i, end);
      // The whole name, as the tokenizer reads it ("title-bar" is no title).
      const name = /^<\/?([a-zA-Z][^\t\n\f\r />]*)/.exec(tag)?.[1]?.toLowerCase();
      tags.push({ start: i, end, tag });
      if (name && !tag.startsWith('</') && (name === 'script' || name === 'style')) {
        // Their content is not text anyone reads; it ends at the closing tag. It is stored all the
        // same (a shop's JSON-LD, say), so a card number in it is masked as written there.
        lowerCase ??= html.toLowerCase();
        const close = lowerCase.indexOf(`</${name}`, end);
        i = close < 0 ? html.length : close;
        contents.push({ start: end, end: i, content: html.slice(end, i), css: name === 'style' });
        continue;
      }
      if (name && !tag.startsWith('</') && TEXT_ONLY.has(name)) {
        // What looks like a tag inside is text a browser shows ("<style>" typed into a textarea): read as text up to the closing tag.
        lowerCase ??= html.toLowerCase();
        const closing = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'g');
        closing.lastIndex = end;
        const close = name === 'plaintext' ? null : closing.exec(lowerCase);
        textUntil = close ? close.index : html.length;
      }
      if (name && !INLINE_TAGS.has(name)) see(' ', i, end);
      i = end;
    } else if (ch === '&') {
      const reference = readReference(html, i);
      if (reference) {
        see(isSpace(reference.text) ? ' ' : reference.text, i, i + reference.length);
        i += reference.length;
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
  // Digits that CSS writes (generated content, list markers) are in no text read above. Where
  // they and the longest number on screen could make a card number together, the CSS that
  // writes them is taken out: where on screen they go is not told by the source.
  const cssDigits = contents.reduce((sum, c) => sum + (c.css ? generatedDigits(c.content) : 0), 0) + tags.reduce((sum, t) => sum + styleDigits(t.tag), 0);
  const cssWritesCard = cssDigits > 0 && cssDigits + longestNumber(text) >= MIN_CARD_DIGITS;
  for (const { start, end, tag } of tags) {
    const masked = maskTag(tag, cssWritesCard);
    if (masked !== tag) maskedTags.set(start, { end, by: masked });
  }
  for (const { start, end, content, css } of contents) {
    const masked = maskCardNumbers(css && cssWritesCard ? withoutGeneratedDigits(content) : content);
    if (masked !== content) maskedTags.set(start, { end, by: masked });
  }
  const masked = maskCardNumbers(text);
  if (masked === text && maskedTags.size === 0) return html;

  // Rebuilt from the source: masked characters and tags replaced, the rest as it was.
  const replacements: Array<{ start: number; end: number; by: string }> = [];
  for (const [start, tag] of maskedTags) replacements.push({ start, ...tag });
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

/** Whether the HTML shows a card number to its reader (in its text or an attribute value). */
export function htmlContainsCardNumber(html: string): boolean {
  return maskCardNumbersInHtml(html) !== html;
}

/** Elements whose content is text, not markup, up to their closing tag (HTML's RCDATA and RAWTEXT elements, and plaintext to the end). */
const TEXT_ONLY = new Set(['textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);

/** Tags that do not break a line or a word: text on both sides runs together on screen. */
const INLINE_TAGS = new Set(['a', 'abbr', 'b', 'bdi', 'bdo', 'cite', 'code', 'data', 'dfn', 'em', 'font', 'i', 'kbd', 'mark', 'q', 's', 'samp', 'small', 'span', 'strike', 'strong', 'sub', 'sup', 'time', 'tt', 'u', 'var', 'wbr', 'o', 'nobr']);

const NAMED: Record<string, string> = {
  nbsp: ' ', NonBreakingSpace: ' ', ensp: ' ', emsp: ' ', thinsp: ' ', ThinSpace: ' ', numsp: ' ', puncsp: ' ', MediumSpace: ' ', Tab: '\t', NewLine: '\n',
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", hyphen: '-', dash: '-', minus: '−', ndash: '–', mdash: '—', horbar: '―', shy: '\u00ad', sol: '/', period: '.', num: '#',
};
/** The names a browser reads without their ";" too, even run into what follows ("&nbsp1111" is a no-break space and 1111). */
const LEGACY_NAMES = ['nbsp', 'amp', 'lt', 'gt', 'quot', 'shy'];
const REFERENCE = /^&(?:#([0-9]{1,7});?|#[xX]([0-9a-fA-F]{1,6});?|([a-zA-Z][a-zA-Z0-9]{1,31});)/;

/** The character reference at `at` (which holds "&"): what it reads as, and its length in the source; null when it is none. */
function readReference(html: string, at: number): { text: string; length: number } | null {
  const match = REFERENCE.exec(html.slice(at, at + 40));
  if (match) {
    const [whole, decimal, hex, name] = match;
    const code = decimal !== undefined ? parseInt(decimal, 10) : hex !== undefined ? parseInt(hex, 16) : NaN;
    const text = name !== undefined ? NAMED[name] : Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
    if (text !== undefined) return { text, length: whole.length };
  }
  const legacy = LEGACY_NAMES.find((name) => html.startsWith(name, at + 1));
  return legacy ? { text: NAMED[legacy] as string, length: legacy.length + 1 } : null;
}

/** Text with its character references decoded, as a browser reads an attribute's value. */
function decodeReferences(text: string): string {
  if (!text.includes('&')) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    const reference = text[i] === '&' ? readReference(text, i) : null;
    out += reference ? reference.text : text[i];
    i += reference ? reference.length : 1;
  }
  return out;
}

/** A name, "=", and a value quoted either way or unquoted. */
const ATTRIBUTE = /(\s[^\s"'>/=]+\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;

/**
 * A tag whose attribute values hold no card number as a browser reads them: any that does is
 * written anew, masked. So is a list's first number (`start`, `value`) long enough that counting
 * on from it could reach one, and, with `withoutCssDigits`, a style that writes digits.
 */
function maskTag(tag: string, withoutCssDigits: boolean): string {
  const rewritten = tag.replace(ATTRIBUTE, (whole, prefix: string, double?: string, single?: string, bare?: string) => {
    const value = decodeReferences(double ?? single ?? bare ?? '');
    const name = attributeName(prefix);
    const written = (masked: string) => `${prefix}"${masked.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`;
    if ((name === 'start' || name === 'value') && LONG_LIST_NUMBER.test(value)) return written(value.replace(/[0-9]/g, '*'));
    const css = name === 'style' && withoutCssDigits ? withoutGeneratedDigits(value) : value;
    for (const reading of [css, percentDecoded(css)]) {
      const masked = maskCardNumbers(reading);
      if (masked !== reading) return written(masked);
    }
    return css === value ? whole : written(css);
  });
  // Whatever the attribute syntax above did not take apart is still masked as written.
  return maskCardNumbers(rewritten);
}

/** A list counted on from a number of twelve digits or more (`<ol start>`, `<li value>`) can show one as long as a card number. */
const LONG_LIST_NUMBER = /^\s*[-+]?[0-9]{12,}\s*$/;

const attributeName = (prefix: string) => prefix.trim().replace(/\s*=$/, '').toLowerCase();

/** How many digits a tag's style attribute could write on screen (see generatedDigits). */
function styleDigits(tag: string): number {
  if (!/style/i.test(tag)) return 0;
  let digits = 0;
  for (const [, prefix = '', double, single, bare] of tag.matchAll(ATTRIBUTE)) {
    if (attributeName(prefix) === 'style') digits += generatedDigits(decodeReferences(double ?? single ?? bare ?? ''));
  }
  return digits;
}

/** The most digits of one number in the text, as maskCardNumbers reads numbers written in groups. */
function longestNumber(text: string): number {
  let longest = 0;
  for (const [run] of text.matchAll(NUMBER_RUN)) longest = Math.max(longest, run.replace(/[^0-9０-９]/g, '').length);
  return longest;
}

function percentDecoded(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return value;
  }
}

/** White space as HTML collapses it, and the spaces that look like one (no-break, en, em, thin…). */
function isSpace(ch: string): boolean {
  return /^[\s\u00a0\u2000-\u200b\u202f]$/.test(ch);
}

/**
 * Where the tag starting at `start` ends (after its ">"), as HTML's tokenizer reads it: a comment
 * at "-->" or "--!>" ("<!-->" and "<!--->" are whole, empty comments); a bogus comment ("<?…",
 * "<!…", "</" and no letter) at the first ">", quotes or not; a tag at the first ">" outside a
 * quoted attribute value, following the tokenizer's attribute states (a quote opens a value only
 * right after an attribute's name and "="; an "=" where a name should start is part of one).
 */
function tagEnd(html: string, start: number): number {
  if (html.startsWith('<!--', start)) {
    if (html.startsWith('<!-->', start)) return start + 5;
    if (html.startsWith('<!--->', start)) return start + 6;
    const ends = [html.indexOf('-->', start + 4), html.indexOf('--!>', start + 4)].filter((at) => at >= 0);
    if (ends.length === 0) return html.length;
    const close = Math.min(...ends);
    return close + (html.startsWith('-->', close) ? 3 : 4);
  }
  const bogus = html[start + 1] === '?' || html[start + 1] === '!' || (html[start + 1] === '/' && !/[a-zA-Z]/.test(html[start + 2] ?? ''));
  if (bogus) {
    const close = html.indexOf('>', start + 1);
    return close < 0 ? html.length : close + 1;
  }
  const space = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r';
  let i = start + (html[start + 1] === '/' ? 2 : 1);
  // The tag's name: quotes and "=" are part of it.
  while (i < html.length && !space(html[i] as string) && html[i] !== '/' && html[i] !== '>') i++;
  let state: 'beforeName' | 'name' | 'afterName' | 'beforeValue' | 'unquoted' | 'afterQuoted' = 'beforeName';
  for (; i < html.length; i++) {
    const ch = html[i] as string;
    if (state === 'unquoted') {
      if (space(ch)) state = 'beforeName';
      else if (ch === '>') return i + 1;
      continue;
    }
    if (ch === '>') return i + 1;
    if (state === 'beforeName') {
      if (!space(ch) && ch !== '/') state = 'name';
    } else if (state === 'name') {
      if (space(ch)) state = 'afterName';
      else if (ch === '/') state = 'beforeName';
      else if (ch === '=') state = 'beforeValue';
    } else if (state === 'afterName') {
      if (ch === '/') state = 'beforeName';
      else if (ch === '=') state = 'beforeValue';
      else if (!space(ch)) state = 'name';
    } else if (state === 'beforeValue') {
      if (ch === '"' || ch === "'") {
        const close = html.indexOf(ch, i + 1);
        if (close < 0) return html.length;
        i = close;
        state = 'afterQuoted';
      } else if (!space(ch)) state = 'unquoted';
    } else {
      // Right after a quoted value: space or "/" before the next name; anything else starts one.
      state = space(ch) || ch === '/' ? 'beforeName' : 'name';
    }
  }
  return html.length;
}

/** At least thirteen digits in the whole source (digits in references included): fewer cannot spell a card number. */
function hasThirteenDigits(html: string): boolean {
  let digits = 0;
  for (let i = 0; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (((code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19)) && ++digits >= MIN_CARD_DIGITS) return true;
  }
  return false;
}

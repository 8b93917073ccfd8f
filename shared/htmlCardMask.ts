import { decodeHTMLAttribute } from 'entities';
import { maskCardNumbers, MIN_CARD_DIGITS, NUMBER_RUN } from './cardMask';
import { COUNTER_DIGITS, generatedDigits, withoutGeneratedDigits, type DigitSources } from './cssGeneratedText';
import { closingTagAt, readTag, type HtmlTag, type TagAttribute } from './htmlTags';

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
 * number is written anew, masked. Digits the CSS writes on screen (see cssGeneratedText.ts) and a
 * list's own numbers are in no text: where they and the longest number in the text could make a
 * card number together, the CSS that writes them and the list's numbers are masked (`none`,
 * "*"). Everything else in the HTML stays byte for byte.
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
  const tags: Array<{ start: number; tag: HtmlTag }> = [];
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

  /** Inside a textarea, title, xmp… up to here: no tags, only text (see TEXT_ONLY). */
  let textUntil = -1;
  let i = 0;
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '<' && i >= textUntil && /[a-zA-Z/!?]/.test(html[i + 1] ?? '')) {
      const tag = readTag(html, i);
      const { end, name } = tag;
      tags.push({ start: i, tag });
      if (name && !tag.closing && (name === 'script' || name === 'style')) {
        // Their content is not text anyone reads; it ends at the closing tag. It is stored all the
        // same (a shop's JSON-LD, say), so a card number in it is masked as written there.
        i = closingTagAt(html, name, end);
        contents.push({ start: end, end: i, content: html.slice(end, i), css: name === 'style' });
        continue;
      }
      if (name && !tag.closing && TEXT_ONLY.has(name)) {
        // What looks like a tag inside is text a browser shows ("<style>" typed into a textarea): read as text up to the closing tag.
        textUntil = name === 'plaintext' ? html.length : closingTagAt(html, name, end);
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
  // writes them is taken out, and a list's own numbering: where on screen they go is not told by the source.
  let attributeDigits: number | undefined;
  const sources: DigitSources = {
    get attributeDigits() {
      if (attributeDigits === undefined) {
        // A loop, not Math.max(...all): a mail can hold more attributes than a call takes arguments.
        attributeDigits = 0;
        for (const { tag } of tags) for (const attribute of tag.attributes) attributeDigits = Math.max(attributeDigits, longestNumber(attributeValue(attribute)));
      }
      return attributeDigits;
    },
  };
  let cssDigits = 0;
  for (const { content, css } of contents) if (css) cssDigits += generatedDigits(content, sources);
  for (const { tag } of tags) {
    for (const attribute of tag.attributes) {
      if (attribute.name === 'style') cssDigits += generatedDigits(attributeValue(attribute), sources);
      else if (numbersList(tag, attribute)) cssDigits += Math.min(attribute.value.match(/[0-9]/g)?.length ?? 0, COUNTER_DIGITS);
    }
  }
  const withoutCssDigits = cssDigits > 0 && cssDigits + longestNumber(text) >= MIN_CARD_DIGITS;
  for (const { start, tag } of tags) {
    const masked = maskTag(html, start, tag, withoutCssDigits, sources);
    if (masked !== html.slice(start, tag.end)) maskedTags.set(start, { end: tag.end, by: masked });
  }
  for (const { start, end, content, css } of contents) {
    const masked = maskCardNumbers(css && withoutCssDigits ? withoutGeneratedDigits(content, sources) : content);
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

/** An attribute's value as a browser reads it: character references decoded (all of HTML's names, as an attribute reads them). */
function attributeValue(attribute: TagAttribute): string {
  return attribute.value.includes('&') ? decodeHTMLAttribute(attribute.value) : attribute.value;
}

/** An attribute that sets the number a list counts from (`<ol start>`, `<li value>`): its marker writes it. */
function numbersList(tag: HtmlTag, attribute: TagAttribute): boolean {
  return (tag.name === 'ol' && attribute.name === 'start') || (tag.name === 'li' && attribute.name === 'value');
}

/**
 * The tag at `start`, its attribute values holding no card number as a browser reads them: any
 * that does is written anew, masked. With `withoutCssDigits`, so is a style that writes digits,
 * and a list's number.
 */
function maskTag(html: string, start: number, tag: HtmlTag, withoutCssDigits: boolean, sources: DigitSources): string {
  let out = '';
  let at = start;
  for (const attribute of tag.attributes) {
    // A value without a digit (a %-escaped digit is written with two) holds no number to mask.
    if (!/[0-9０-９]/.test(attribute.value) && !(withoutCssDigits && attribute.name === 'style')) continue;
    const value = attributeValue(attribute);
    let rewritten = value;
    if (withoutCssDigits && attribute.name === 'style') rewritten = withoutGeneratedDigits(value, sources);
    else if (withoutCssDigits && numbersList(tag, attribute)) rewritten = value.replace(/[0-9]/g, '*');
    for (const reading of [rewritten, percentDecoded(rewritten)]) {
      const masked = maskCardNumbers(reading);
      if (masked !== reading) {
        rewritten = masked;
        break;
      }
    }
    if (rewritten === value) continue;
    out += `${html.slice(at, attribute.start)}"${rewritten.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`;
    at = attribute.end;
  }
  // Whatever the attribute syntax did not take apart is still masked as written.
  return maskCardNumbers(out + html.slice(at, tag.end));
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

/** At least thirteen digits in the whole source (digits in references included): fewer cannot spell a card number. */
function hasThirteenDigits(html: string): boolean {
  let digits = 0;
  for (let i = 0; i < html.length; i++) {
    const code = html.charCodeAt(i);
    if (((code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19)) && ++digits >= MIN_CARD_DIGITS) return true;
  }
  return false;
}

/**
 * Text that CSS writes on screen without it being in the HTML's text: generated content
 * (`content:` strings, attr(), counter() and var() values, `quotes`), list markers given as
 * strings or counted from a `counter-reset`, a @counter-style's symbols, emphasis marks and
 * hyphens. A card number can be spelled there, or finished there from digits in the text beside
 * it (`<span class=n>4111 1111 1111</span>` with `.n::after{content:" 1111"}`), where a masker
 * that reads the HTML's text never sees it.
 *
 * The style sheet is read as CSS's tokenizer reads it (CSS Syntax 4): comments, strings (a line
 * break ends one unclosed, the end of the sheet closes one), escapes in names and values, url()
 * tokens (whose content is no string, whatever quotes it holds), and brackets. Each step moves
 * forward, so any input is read in time linear in its length.
 */

/** CSS as the browser reads it: comments gone and escapes decoded (CSS Syntax 4.3.7). */
export function cssAsRead(css: string): string {
  return escapesDecoded(css.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ''));
}

function escapesDecoded(css: string): string {
  return css.replace(/\\(?:([0-9a-fA-F]{1,6})(?:\r\n|[ \t\n\f])?|\r\n|([^\r\n\f0-9a-fA-F]))/g, (_whole, hex: string | undefined, char: string | undefined) =>
    hex ? String.fromCodePoint(Math.min(Number.parseInt(hex, 16), 0x10ffff) || 0xfffd) : (char ?? ''),
  );
}

/** Properties and counter-style descriptors whose value can put digits on screen. */
const WRITING_PROPERTIES = new Set([
  'content',
  'quotes',
  'list-style',
  'list-style-type',
  'counter-reset',
  'counter-set',
  'counter-increment',
  'symbols',
  'additive-symbols',
  'prefix',
  'suffix',
  'pad',
  'negative',
  'text-emphasis',
  'text-emphasis-style',
  '-webkit-text-emphasis',
  '-webkit-text-emphasis-style',
  'hyphenate-character',
  '-webkit-hyphenate-character',
]);
/** A sheet that names none of them (nor escapes a name) writes no digit: most styles, read no further. */
const MAY_WRITE = /content|quotes|list-style|counter|symbols|prefix|suffix|pad|negative|emphasis|hyphenate|\\/i;

/** How many digits text from elsewhere can bring: an attribute's (the longest number in the HTML's attribute values), a counter's. */
export interface DigitSources {
  attributeDigits: number;
}

/** What a browser's counters hold: 32-bit integers, at most ten digits (a list's own numbering: `<ol start>`, `<li value>`). */
export const COUNTER_DIGITS = 10;
/**
 * The digits a counter() writes beyond those its counter-reset, -set or -increment write (counted
 * there): those of counting up to 9,999 elements.
 */
const COUNTED_DIGITS = 4;
const DIGITS = /[0-9０-９]/g;

/** How many digits the CSS's declarations could write on screen: Infinity when one takes its text from where it cannot be told (var(), nested counters). */
export function generatedDigits(css: string, sources: DigitSources): number {
  if (!MAY_WRITE.test(css)) return 0;
  let digits = 0;
  for (const declaration of writingDeclarations(css)) digits += digitsWritten(declaration.value, sources);
  return digits;
}

/** The CSS with every declaration that could write a digit on screen set to `none`; the rest byte for byte. */
export function withoutGeneratedDigits(css: string, sources: DigitSources): string {
  if (!MAY_WRITE.test(css)) return css;
  let out = '';
  let at = 0;
  for (const { valueStart, valueEnd, value } of writingDeclarations(css)) {
    if (digitsWritten(value, sources) === 0) continue;
    out += `${css.slice(at, valueStart)} none`;
    at = valueEnd;
  }
  return at === 0 ? css : out + css.slice(at);
}

function digitsWritten(value: string, sources: DigitSources): number {
  // Comments are not taken out: inside a string, "/*" is text (and digits in a comment are few).
  const read = escapesDecoded(value).toLowerCase();
  if (/(?:^|[^-\w])(?:var|counters|target-counters)\(/.test(read)) return Infinity;
  const count = (pattern: RegExp) => read.match(pattern)?.length ?? 0;
  // A url() names an image: its digits are not written.
  const written = read.replace(/url\([^)]*\)/g, '').match(DIGITS)?.length ?? 0;
  return written + count(/(?:^|[^-\w])attr\(/g) * sources.attributeDigits + count(/(?:^|[^-\w])(?:counter|target-counter|target-text)\(/g) * COUNTED_DIGITS;
}

interface Declaration {
  valueStart: number;
  valueEnd: number;
  value: string;
}

/**
 * The declarations of WRITING_PROPERTIES in a style sheet or a style attribute: what lies
 * between ";", "{" and "}" outside comments, strings, url() tokens and brackets (a selector or an
 * at-rule's prelude, ended by "{", is none).
 */
function* writingDeclarations(css: string): Generator<Declaration> {
  const n = css.length;
  let start = 0;
  let depth = 0;
  let i = 0;
  while (i <= n) {
    const ch = css[i];
    if (ch === undefined || (depth === 0 && (ch === ';' || ch === '{' || ch === '}'))) {
      if (ch !== '{') {
        const declaration = declarationIn(css, start, i);
        if (declaration) yield declaration;
      }
      start = ++i;
    } else if (ch === '"' || ch === "'") {
      i = stringEnd(css, i) + 1;
    } else if (ch === '/' && css[i + 1] === '*') {
      const close = css.indexOf('*/', i + 2);
      i = close < 0 ? n : close + 2;
    } else if (startsName(css, i)) {
      const end = nameEnd(css, i);
      if (css[end] === '(' && escapesDecoded(css.slice(i, end)).toLowerCase() === 'url') {
        const url = urlEnd(css, end + 1);
        // url("…") is a function whose argument is a string; url(…) unquoted is one token up to its ")".
        if (url === null) depth++;
        i = url ?? end + 1;
      } else {
        i = end;
      }
    } else {
      if (ch === '(' || ch === '[') depth++;
      else if ((ch === ')' || ch === ']') && depth > 0) depth--;
      i++;
    }
  }
}

/** The declaration between `start` and `end`, if it is of a property that writes: its name read with its escapes, then ":". */
function declarationIn(css: string, start: number, end: number): Declaration | null {
  let i = skipBlanks(css, start, end);
  if (!startsName(css, i)) return null;
  const nameStop = Math.min(nameEnd(css, i), end);
  const name = escapesDecoded(css.slice(i, nameStop)).toLowerCase();
  if (!WRITING_PROPERTIES.has(name)) return null;
  i = skipBlanks(css, nameStop, end);
  if (css[i] !== ':') return null;
  return { valueStart: i + 1, valueEnd: end, value: css.slice(i + 1, end) };
}

function skipBlanks(css: string, from: number, end: number): number {
  let i = from;
  while (i < end) {
    if (/[ \t\n\r\f]/.test(css[i] as string)) i++;
    else if (css[i] === '/' && css[i + 1] === '*') {
      const close = css.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
    } else break;
  }
  return i;
}

/** A backslash that escapes something (not one before a line break or at the end). */
function isEscape(css: string, i: number): boolean {
  return css[i] === '\\' && i + 1 < css.length && !/[\n\r\f]/.test(css[i + 1] as string);
}

/** Where the escape at `i` ends: up to six hex digits and one white space after them (CRLF counts as one), or the one character escaped. */
function escapeEnd(css: string, i: number): number {
  let j = i + 1;
  if (!/[0-9a-fA-F]/.test(css[j] as string)) return j + 1;
  while (j < css.length && j < i + 7 && /[0-9a-fA-F]/.test(css[j] as string)) j++;
  if (css.startsWith('\r\n', j)) return j + 2;
  return /[ \t\n\r\f]/.test(css[j] ?? '') ? j + 1 : j;
}

function isNameChar(ch: string | undefined): boolean {
  return ch !== undefined && (/[-\w]/.test(ch) || ch.charCodeAt(0) >= 0x80);
}

function startsName(css: string, i: number): boolean {
  return isNameChar(css[i]) || isEscape(css, i);
}

function nameEnd(css: string, from: number): number {
  let i = from;
  while (i < css.length) {
    if (isNameChar(css[i])) i++;
    else if (isEscape(css, i)) i = escapeEnd(css, i);
    else break;
  }
  return i;
}

/** After "url(": where an unquoted url token ends (after its ")", or the end; a bad one ends there too); null when a quote opens its argument. */
function urlEnd(css: string, from: number): number | null {
  let i = from;
  while (/[ \t\n\r\f]/.test(css[i] ?? '')) i++;
  if (css[i] === '"' || css[i] === "'") return null;
  while (i < css.length && css[i] !== ')') i = isEscape(css, i) ? escapeEnd(css, i) : i + 1;
  return Math.min(i + 1, css.length);
}

/** Where the string opened by the quote at `open` ends: its closing quote, the character before an unescaped line break (which ends it, unclosed), or the last character (the end closes it: it is still written). */
function stringEnd(css: string, open: number): number {
  const quote = css[open];
  for (let i = open + 1; i < css.length; i++) {
    const ch = css[i];
    if (ch === '\\') i += css.startsWith('\r\n', i + 1) ? 2 : 1;
    else if (ch === quote) return i;
    else if (ch === '\n' || ch === '\r' || ch === '\f') return i - 1;
  }
  return css.length - 1;
}

/**
 * Text that CSS writes on screen without it being in the HTML's text: generated content
 * (`content:` strings, attr() and counter() values, `quotes`), list markers given as strings or
 * counted from a `counter-reset`, and a @counter-style's symbols. A card number can be spelled
 * there, or finished there from digits in the text beside it (`<span class=n>4111 1111 1111</span>`
 * with `.n::after{content:" 1111"}`), where a masker that reads the HTML's text never sees it.
 */

/** CSS as the browser reads it: escapes decoded (CSS Syntax 4.3.7) and comments gone. */
export function cssAsRead(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\\(?:([0-9a-f]{1,6})[ \t\n\f]?|\r\n|([^\r\n\f0-9a-f]))/gi, (_whole, hex: string | undefined, char: string | undefined) =>
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
]);

/** Functions whose text comes from elsewhere (an attribute, a counter): how many digits they write cannot be told from the CSS. */
const TEXT_FROM_ELSEWHERE = /(?:^|[^-\w])(?:attr|counters?|target-counters?|target-text)\(/i;
const DIGITS = /[0-9０-９]/g;

/** How many digits the CSS's declarations could write on screen: Infinity when one takes its text from elsewhere. */
export function generatedDigits(css: string): number {
  let digits = 0;
  for (const declaration of writingDeclarations(css)) digits += digitsWritten(declaration.value);
  return digits;
}

/** The CSS with every declaration that could write a digit on screen set to `none`; the rest byte for byte. */
export function withoutGeneratedDigits(css: string): string {
  let out = '';
  let at = 0;
  for (const { valueStart, valueEnd, value } of writingDeclarations(css)) {
    if (digitsWritten(value) === 0) continue;
    out += `${css.slice(at, valueStart)} none`;
    at = valueEnd;
  }
  return at === 0 ? css : out + css.slice(at);
}

function digitsWritten(value: string): number {
  const read = cssAsRead(value);
  if (TEXT_FROM_ELSEWHERE.test(read)) return Infinity;
  // A url() names an image: its digits are not written.
  return read.replace(/url\([^)]*\)/gi, '').match(DIGITS)?.length ?? 0;
}

/** A property's name, as written (escapes and all), then ":"; what follows is its value. */
const DECLARATION_START = /^(?:\s|\/\*[\s\S]*?\*\/)*((?:[-\w\u0080-\uffff]|\\(?:[0-9a-fA-F]{1,6}\s?|[^\r\n\f0-9a-fA-F]))+)(?:\s|\/\*[\s\S]*?\*\/)*:/;

interface Declaration {
  valueStart: number;
  valueEnd: number;
  value: string;
}

/**
 * The declarations of WRITING_PROPERTIES in a style sheet or a style attribute, read as CSS's
 * tokenizer splits them: at ";", "{" and "}" outside strings, comments, escapes and brackets (a
 * selector or an at-rule's prelude, ended by "{", is none).
 */
function* writingDeclarations(css: string): Generator<Declaration> {
  let start = 0;
  let depth = 0;
  for (let i = 0; i <= css.length; i++) {
    const ch = css[i];
    if (ch === '\\') {
      // The escaped character is part of a name or value, whatever it is (but the end ends the last declaration).
      i = Math.min(i + 1, css.length - 1);
    } else if (ch === '"' || ch === "'") {
      i = stringEnd(css, i);
    } else if (ch === '/' && css[i + 1] === '*') {
      const close = css.indexOf('*/', i + 2);
      i = close < 0 ? css.length - 1 : close + 1;
    } else if (ch === '(' || ch === '[') {
      depth++;
    } else if ((ch === ')' || ch === ']') && depth > 0) {
      depth--;
    } else if (ch === undefined || (depth === 0 && (ch === ';' || ch === '{' || ch === '}'))) {
      if (ch !== '{') {
        const segment = css.slice(start, i);
        const match = DECLARATION_START.exec(segment);
        if (match && WRITING_PROPERTIES.has(cssAsRead(match[1] as string).toLowerCase())) {
          yield { valueStart: start + match[0].length, valueEnd: i, value: segment.slice(match[0].length) };
        }
      }
      start = i + 1;
    }
  }
}

/** Where the string opened by the quote at `open` ends: its closing quote, the character before an unescaped line break (which ends it, unclosed), or the last character (the end closes it: it is still written). */
function stringEnd(css: string, open: number): number {
  const quote = css[open];
  for (let i = open + 1; i < css.length; i++) {
    const ch = css[i];
    if (ch === '\\') i++;
    else if (ch === quote) return i;
    else if (ch === '\n' || ch === '\r' || ch === '\f') return i - 1;
  }
  return css.length - 1;
}

/** An attribute with a value, as HTML's tokenizer reads it. */
export interface TagAttribute {
  /** Lower-cased, as the tokenizer makes it. */
  name: string;
  /** As written: character references not decoded. */
  value: string;
  /** Where the value lies in the source, its quotes included (what a rewrite replaces). */
  start: number;
  end: number;
}

export interface HtmlTag {
  /** Where the tag ends in the source (after its ">"). */
  end: number;
  /** The element's name, lower-cased; null for a comment, a doctype or a bogus comment. */
  name: string | null;
  closing: boolean;
  attributes: TagAttribute[];
}

const isSpace = (ch: string) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\f' || ch === '\r';

/**
 * The tag that starts at `start` (which holds "<"), as HTML's tokenizer reads it: a comment ends at
 * "-->" or "--!>" ("<!-->" and "<!--->" are whole, empty comments); a bogus comment ("<?…", "<!…",
 * "</" and no letter) at the first ">", quotes or not; a tag at the first ">" outside a quoted
 * attribute value, following the tokenizer's attribute states: a name starts after white space,
 * "/" or a quoted value ("<li/style=…>", 'title="x"style=…'); a quote opens a value only right
 * after a name and "="; an "=" where a name should start is part of one. The whole tag name is
 * read ("title-bar" is no title).
 */
export function readTag(html: string, start: number): HtmlTag {
  const none = (end: number): HtmlTag => ({ end, name: null, closing: false, attributes: [] });
  if (html.startsWith('<!--', start)) {
    if (html.startsWith('<!-->', start)) return none(start + 5);
    if (html.startsWith('<!--->', start)) return none(start + 6);
    // The first "--" followed by ">" or "!>" ends it, looked for only as far as that: a search of
    // the rest of the mail for each way to close it would read a long mail once per comment.
    for (let at = start + 4; ; ) {
      const dashes = html.indexOf('--', at);
      if (dashes < 0) return none(html.length);
      if (html[dashes + 2] === '>') return none(dashes + 3);
      if (html.startsWith('!>', dashes + 2)) return none(dashes + 4);
      at = dashes + 1;
    }
  }
  if (html[start + 1] === '?' || html[start + 1] === '!' || (html[start + 1] === '/' && !/[a-zA-Z]/.test(html[start + 2] ?? ''))) {
    const close = html.indexOf('>', start + 1);
    return none(close < 0 ? html.length : close + 1);
  }
  const closing = html[start + 1] === '/';
  let i = start + (closing ? 2 : 1);
  const nameStart = i;
  // The tag's name: quotes and "=" are part of it.
  while (i < html.length && !isSpace(html[i] as string) && html[i] !== '/' && html[i] !== '>') i++;
  const tag: HtmlTag = { end: html.length, name: html.slice(nameStart, i).toLowerCase(), closing, attributes: [] };
  let state: 'beforeName' | 'name' | 'afterName' | 'beforeValue' | 'unquoted' | 'afterQuoted' = 'beforeName';
  let attributeStart = 0;
  let attributeName = '';
  let valueStart = 0;
  const named = (at: number) => (attributeName = html.slice(attributeStart, at).toLowerCase());
  for (; i < html.length; i++) {
    const ch = html[i] as string;
    if (state === 'unquoted') {
      if (!isSpace(ch) && ch !== '>') continue;
      tag.attributes.push({ name: attributeName, value: html.slice(valueStart, i), start: valueStart, end: i });
      state = 'beforeName';
    }
    if (ch === '>') {
      tag.end = i + 1;
      return tag;
    }
    if (state === 'beforeName') {
      if (!isSpace(ch) && ch !== '/') {
        state = 'name';
        attributeStart = i;
      }
    } else if (state === 'name') {
      if (isSpace(ch)) {
        named(i);
        state = 'afterName';
      } else if (ch === '/') state = 'beforeName';
      else if (ch === '=') {
        named(i);
        state = 'beforeValue';
      }
    } else if (state === 'afterName') {
      if (ch === '/') state = 'beforeName';
      else if (ch === '=') state = 'beforeValue';
      else if (!isSpace(ch)) {
        state = 'name';
        attributeStart = i;
      }
    } else if (state === 'beforeValue') {
      if (ch === '"' || ch === "'") {
        const close = html.indexOf(ch, i + 1);
        if (close < 0) return tag;
        tag.attributes.push({ name: attributeName, value: html.slice(i + 1, close), start: i, end: close + 1 });
        i = close;
        state = 'afterQuoted';
      } else if (!isSpace(ch)) {
        state = 'unquoted';
        valueStart = i;
      }
    } else {
      // Right after a quoted value: space or "/" before the next name; anything else starts one.
      state = isSpace(ch) || ch === '/' ? 'beforeName' : 'name';
      attributeStart = i;
    }
  }
  return tag;
}

/**
 * Where the text of a raw-text or text-only element (style, script, textarea, title…) that
 * started before `from` ends: at its own closing tag, its name in any ASCII case ("</STYLE" then
 * white space, "/" or ">"; "</styles>" closes nothing), or the end. The HTML is searched as it is:
 * a lower-cased copy would be a copy of the whole mail per element, and not always as long as the
 * mail ("İ" lower-cases to two characters, which would shift every position after it).
 */
export function closingTagAt(html: string, name: string, from: number): number {
  // Without the "u" flag, "i" folds ASCII letters only to ASCII letters, as the tokenizer does.
  const closing = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'gi');
  closing.lastIndex = from;
  return closing.exec(html)?.index ?? html.length;
}

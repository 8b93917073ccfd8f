/**
 * The top-level header lines exactly as they arrived (mailparser's `headerLines`: a lower-cased
 * key and the whole line as a binary string, one character per byte). Reading these instead of
 * mailparser's interpreted values lets us judge headers mailparser would reinterpret or default
 * (an invalid Date becomes "now", a Message-ID gets brackets glued on).
 */
export interface RawHeaderLine {
  key: string;
  line: string;
}

/** Values of every `name` header, unfolded, still one character per byte. */
export function rawHeaderValues(lines: readonly RawHeaderLine[], name: string): string[] {
  const key = name.toLowerCase();
  return lines
    .filter((l) => l.key === key)
    .map((l) => {
      const colon = l.line.indexOf(':');
      return (colon < 0 ? '' : l.line.slice(colon + 1)).replace(/\r?\n(?=[ \t])/g, '').trim();
    });
}

export function rawHeaderValue(lines: readonly RawHeaderLine[], name: string): string | null {
  return rawHeaderValues(lines, name)[0] ?? null;
}

/** The raw bytes of a header value. */
export function headerBytes(value: string): Buffer {
  return Buffer.from(value, 'latin1');
}

/** Where the body starts (after the blank line ending the headers), or -1 when there is none. */
export function bodyStart(raw: Buffer): number {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
}

import { decodeText } from './japaneseCharsets';

/**
 * RFC 2047 encoded words ("=?ISO-2022-JP?B?...?=") decoded through our Japanese-aware charsets.
 * mailparser decodes them itself; this serves the repair path, for headers that also carried raw
 * 8-bit bytes and so had to be re-read from their bytes. Adjacent words in one charset are joined
 * before decoding, as some senders split a multi-byte character between two words.
 */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

export function decodeEncodedWords(text: string): string {
  const pieces: Array<{ charset: string; bytes: Buffer } | string> = [];
  let last = 0;
  for (const match of text.matchAll(ENCODED_WORD)) {
    const between = text.slice(last, match.index);
    const previous = pieces[pieces.length - 1];
    // Whitespace between two encoded words is folding, not text.
    if (!(typeof previous === 'object' && /^\s*$/.test(between))) {
      if (between) pieces.push(between);
    }
    const [, charset = '', encoding = 'B', payload = ''] = match;
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQ(payload);
    const prior = pieces[pieces.length - 1];
    if (typeof prior === 'object' && prior.charset.toLowerCase() === charset.toLowerCase()) {
      prior.bytes = Buffer.concat([prior.bytes, bytes]);
    } else {
      pieces.push({ charset, bytes });
    }
    last = match.index + match[0].length;
  }
  if (last < text.length) pieces.push(text.slice(last));
  return pieces.map((p) => (typeof p === 'string' ? p : decodeText(p.bytes, p.charset))).join('');
}

function decodeQ(payload: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const ch = payload[i] as string;
    if (ch === '_') bytes.push(0x20);
    else if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(payload.slice(i + 1, i + 3))) {
      bytes.push(parseInt(payload.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(ch.charCodeAt(0) & 0xff);
  }
  return Buffer.from(bytes);
}

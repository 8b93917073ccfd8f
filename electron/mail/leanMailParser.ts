import { isAscii } from 'node:buffer';
import { parseAddressHeader } from 'mailparser';
import { decodeEncodedWords } from './encodedWords';
import { decodeIso2022Jp, decodeText, japaneseEncodingOf } from './japaneseCharsets';
import type { RawHeaderLine } from './rawHeaders';
import { decodeCleanBase64, decodeCleanQuotedPrintable } from './transferEncodings';

/**
 * A fast reader for the shapes nearly all support mail comes in, so that a large import does
 * not spend most of its time in mailparser's general machinery (a stream per part, a turn of the
 * event loop per chunk, every header decoded):
 *
 *   text/plain                                    (a charset label that is UTF-8, ASCII or Japanese)
 *   multipart/alternative [text/plain, text/html]
 *   multipart/mixed [text/plain | the alternative above, then attachments]
 *
 * It gives exactly what mailparser would for these shapes (a differential test holds it to that)
 * and returns null, leaving the mail to mailparser, at the first sign of anything else: raw 8-bit
 * or control bytes in headers, a header line without a name, RFC 2231 parameters, comments,
 * flowed text, unusual transfer encodings, base64 or quoted-printable that is not clean, a
 * missing closing boundary (a cut-off mail), nested or other multipart types, message/* parts,
 * encoded file names. Being strict costs nothing but speed; guessing would cost correctness.
 */
export interface LeanParsedMail {
  /** Only what parseInboundMail reads: 'from' and 'to' (mailparser's AddressObject) and 'subject' (decoded). */
  headers: Map<string, unknown>;
  headerLines: RawHeaderLine[];
  text: string;
  html: string | null;
  htmlConversionFailed: false;
  attachments: LeanAttachment[];
  deliveryStatus: string[];
}

export interface LeanAttachment {
  fileName: string;
  contentType: string;
  contentId: string | null;
  /** The whole decoded content; the caller decides what to keep. */
  content: Buffer;
}

interface Part {
  headerLines: RawHeaderLine[];
  /** The part's header block holds 8-bit bytes (valid UTF-8; only parts may). */
  utf8Headers: boolean;
  /** Lower-cased "type/subtype". */
  type: string;
  params: Map<string, string>;
  body: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_NAME = /^[!-9;-~]+$/;
/** Headers that must not repeat for the reading to be unambiguous. */
const SINGLE_HEADERS = new Set(['from', 'to', 'subject', 'content-type', 'content-transfer-encoding', 'content-disposition']);
const UTF8_LABELS = new Set(['ascii', 'usascii', 'utf8']);

export function leanParseMail(raw: Buffer): LeanParsedMail | null {
  const top = splitPart(raw, true);
  if (!top || top.type === '') return null;
  const headers = new LazyHeaders(top.headerLines);

  const result: LeanParsedMail = { headers, headerLines: top.headerLines, text: '', html: null, htmlConversionFailed: false, attachments: [], deliveryStatus: [] };
  if (top.type === 'text/plain') {
    const text = readText(top);
    if (text === null) return null;
    result.text = text;
    return result;
  }
  if (top.type === 'multipart/alternative') return readAlternative(top, result) ? result : null;
  if (top.type !== 'multipart/mixed') return null;

  const parts = splitMultipart(top);
  if (!parts || parts.length === 0) return null;
  const [first, ...rest] = parts as [Part, ...Part[]];
  if (first.type === 'multipart/alternative') {
    if (!readAlternative(first, result)) return null;
  } else if (first.type === 'text/plain' && !isAttachmentPart(first)) {
    const text = readText(first);
    if (text === null) return null;
    result.text = text;
  } else {
    return null;
  }
  for (const part of rest) {
    const attachment = readAttachment(part);
    if (!attachment) return null;
    result.attachments.push(attachment);
  }
  return result;
}

/**
 * The decoded From, To and Subject, each decoded only when asked for: parseInboundMail reads
 * the Subject from its raw value itself when it holds Japanese encoded words (most do).
 */
class LazyHeaders extends Map<string, unknown> {
  private readonly decoded = new Set<string>();

  constructor(private readonly lines: readonly RawHeaderLine[]) {
    super();
  }

  override get(key: string): unknown {
    if (!this.decoded.has(key)) {
      this.decoded.add(key);
      const value = key === 'from' || key === 'to' || key === 'subject' ? headerValue(this.lines, key) : null;
      if (value !== null) super.set(key, key === 'subject' ? decodeEncodedWords(value) : (firstAddressOf(value) ?? parseAddressHeader(value)));
    }
    return super.get(key);
  }

  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
}

/** [text/plain, text/html], nothing else. */
function readAlternative(part: Part, into: LeanParsedMail): boolean {
  const parts = splitMultipart(part);
  if (!parts || parts.length !== 2) return false;
  const [plain, html] = parts as [Part, Part];
  if (plain.type !== 'text/plain' || html.type !== 'text/html' || isAttachmentPart(plain) || isAttachmentPart(html)) return false;
  const text = readText(plain);
  const markup = readText(html);
  if (text === null || markup === null) return false;
  into.text = text;
  into.html = markup;
  return true;
}

function isAttachmentPart(part: Part): boolean {
  const disposition = headerValue(part.headerLines, 'content-disposition');
  return (disposition !== null && !/^inline\s*$/i.test(disposition)) || part.params.has('name');
}

/** A text part as mailparser decodes it: UTF-8/ASCII directly, any other label through the Japanese-aware decoder; \n line ends. */
function readText(part: Part): string | null {
  const charset = part.params.get('charset');
  if (!charset || part.params.has('format') || part.params.has('name')) return null;
  const utf8 = UTF8_LABELS.has(charset.toLowerCase().replace(/[^a-z0-9]+/g, ''));
  const japanese = utf8 ? null : japaneseEncodingOf(charset);
  if (!utf8 && japanese === null) return null;
  const bytes = decodeTransfer(part);
  if (bytes === null) return null;
  let text: string;
  if (utf8) text = bytes.toString();
  // What decodeText does with 7-bit ISO-2022-JP, without its byte-by-byte check for 8-bit bytes.
  else if (japanese === 'iso-2022-jp' && isAscii(bytes)) text = decodeIso2022Jp(bytes);
  else text = decodeText(bytes, charset);
  return text.replaceAll('\r\n', '\n');
}

function readAttachment(part: Part): LeanAttachment | null {
  if (part.type.startsWith('multipart/') || part.type.startsWith('message/') || part.type === '') return null;
  const disposition = headerValue(part.headerLines, 'content-disposition');
  const dispositionParts = disposition === null ? null : parseStructured(disposition);
  if (disposition !== null && !dispositionParts) return null;
  const kind = dispositionParts?.value.toLowerCase() ?? '';
  if (kind !== '' && kind !== 'attachment' && kind !== 'inline') return null;
  // A text part that is not marked as an attachment is more body text to mailparser.
  if (part.type.startsWith('text/') && kind !== 'attachment') return null;
  const written = dispositionParts?.params.get('filename') ?? part.params.get('name') ?? '';
  if (written.includes('=?')) return null;
  // Raw UTF-8 in a file name (as many mailers write it) reads as UTF-8, as mailparser reads it.
  const fileName = part.utf8Headers ? Buffer.from(written, 'latin1').toString('utf8') : written;
  // mailparser names the type of an octet-stream from the file name's extension; the common ones here, the rest by it.
  let contentType = part.type;
  if (contentType === 'application/octet-stream' && fileName !== '') {
    const guessed = TYPE_BY_EXTENSION.get(/\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '');
    if (!guessed) return null;
    contentType = guessed;
  }
  const content = decodeTransfer(part);
  if (content === null) return null;
  const contentIdValue = headerValue(part.headerLines, 'content-id');
  return {
    fileName: fileName.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s{2,}/g, ' ').trim(),
    contentType,
    contentId: contentIdValue ? contentIdValue.trim().replace(/^<|>$/g, '') : null,
    content,
  };
}

/** The body's bytes after the transfer encoding, or null when it is one we leave to mailparser or is not clean. */
function decodeTransfer(part: Part): Buffer | null {
  const encoding = (headerValue(part.headerLines, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === '7bit' || encoding === '8bit' || encoding === 'binary') return part.body;
  if (encoding === 'base64') return decodeCleanBase64(part.body);
  if (encoding === 'quoted-printable') return decodeCleanQuotedPrintable(part.body);
  return null;
}

/** The headers and body of a mail or a part; null when its header block is anything but plain. */
function splitPart(raw: Buffer, topLevel: boolean): Part | null {
  const crlf = raw.indexOf('\r\n\r\n');
  // Only CRLF mail (what IMAP serves): a bare LF anywhere in the header block means another writer.
  if (crlf < 0) return null;
  const headerBlock = raw.subarray(0, crlf);
  const utf8Headers = !isAscii(headerBlock);
  // 8-bit headers at the top need mailparser's repairs (raw Shift_JIS subjects...); in a part, only valid UTF-8 file names are taken.
  if (utf8Headers && (topLevel || !isUtf8(headerBlock))) return null;
  const headerText = headerBlock.toString('latin1');
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(headerText)) return null;
  const headerLines: RawHeaderLine[] = [];
  for (const line of headerText.split('\r\n')) {
    // A CR or LF left inside a line was not part of a CRLF.
    if (line.includes('\r') || line.includes('\n')) return null;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = headerLines[headerLines.length - 1];
      if (!last) return null;
      last.line += `\r\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    if (!HEADER_NAME.test(name)) return null;
    // mbox "From " and HTTP preambles are mailparser's to recognise.
    if (topLevel && headerLines.length === 0 && /^(from|post) /i.test(line)) return null;
    headerLines.push({ key: name.toLowerCase(), line });
  }
  const seen = new Set<string>();
  for (const { key } of headerLines) {
    if (SINGLE_HEADERS.has(key)) {
      if (seen.has(key)) return null;
      seen.add(key);
    }
  }
  const contentType = headerValue(headerLines, 'content-type');
  if (contentType === null) return null;
  const structured = parseStructured(contentType);
  if (!structured || !/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(structured.value)) return null;
  return { headerLines, utf8Headers, type: structured.value.toLowerCase(), params: structured.params, body: raw.subarray(crlf + 4) };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The types mailparser (libmime) gives an octet-stream by these extensions: a differential test keeps them in step. */
export const TYPE_BY_EXTENSION: ReadonlyMap<string, string> = new Map([
  ['pdf', 'application/pdf'],
  ['png', 'image/png'],
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['gif', 'image/gif'],
  ['txt', 'text/plain'],
  ['csv', 'text/csv'],
  ['zip', 'application/zip'],
  ['doc', 'application/msword'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xls', 'application/vnd.ms-excel'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['ppt', 'application/vnd.ms-powerpoint'],
  ['pptx', 'application/vnd.openxmlformats-officedocument.presentationml.presentation'],
]);

/** The parts of a multipart body, each without the line break before the next delimiter; null unless it is cleanly closed. */
function splitMultipart(part: Part): Part[] | null {
  const boundary = part.params.get('boundary');
  if (!boundary || !/^[0-9A-Za-z'()+_,\-./:=? ]{1,70}$/.test(boundary) || boundary.endsWith(' ')) return null;
  const body = part.body;
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  const starts: Array<{ at: number; contentStart: number; close: boolean }> = [];
  let from = 0;
  for (;;) {
    const at = body.indexOf(delimiter, from);
    if (at < 0) break;
    from = at + delimiter.length;
    if (at !== 0 && !(body[at - 1] === 0x0a && body[at - 2] === 0x0d)) continue;
    let after = at + delimiter.length;
    const close = body[after] === 0x2d && body[after + 1] === 0x2d;
    if (close) after += 2;
    while (body[after] === 0x20 || body[after] === 0x09) after++;
    if (after < body.length && !(body[after] === 0x0d && body[after + 1] === 0x0a)) {
      if (close) return null;
      // "--boundaryX": a longer line that merely begins like the delimiter; mailparser would see text.
      return null;
    }
    starts.push({ at, contentStart: Math.min(after + 2, body.length), close });
    if (close) break;
  }
  const closing = starts[starts.length - 1];
  if (!closing?.close || starts.length < 2) return null;
  const parts: Part[] = [];
  for (let i = 0; i < starts.length - 1; i++) {
    const start = (starts[i] as { contentStart: number }).contentStart;
    const nextAt = (starts[i + 1] as { at: number }).at;
    // The CRLF before a delimiter belongs to the delimiter.
    const end = nextAt >= 2 ? nextAt - 2 : nextAt;
    if (end < start) return null;
    const segment = body.subarray(start, end);
    if (segment.subarray(0, 2).equals(CRLF)) return null;
    const child = splitPart(segment, false);
    if (!child) return null;
    parts.push(child);
  }
  return parts;
}

const ADDR_SPEC = '[^\\s<>"(),;:@\\[\\]\\\\]+@[^\\s<>"(),;:@\\[\\]\\\\]+';
const BARE_ADDRESS = new RegExp(`^(${ADDR_SPEC})\\s*(?:,|$)`);
const PLAIN_NAME = new RegExp(`^([A-Za-z0-9!#$%&'*+\\-/=?^_\`{|}~. ]*?)\\s*<(${ADDR_SPEC})>\\s*(?:,|$)`);
const QUOTED_NAME = new RegExp(`^"([^"\\\\]*)"\\s*<(${ADDR_SPEC})>\\s*(?:,|$)`);
/** Longer From and To values are left to mailparser's address parser. */
const MAX_FAST_ADDRESS_LENGTH = 2000;
const ENCODED_NAME = new RegExp(`^((?:=\\?[^?\\s]+\\?[bBqQ]\\?[^?\\s]*\\?=\\s*)+)<(${ADDR_SPEC})>\\s*(?:,|$)`);

/**
 * The first address of a From or To value in the shapes mail software writes ("a@b",
 * "Name <a@b>", "\"Name\" <a@b>", "=?...?= <a@b>"), as mailparser's AddressObject holding that
 * one address: only the first is read. Null for anything else, which mailparser's address
 * parser then reads.
 */
function firstAddressOf(value: string): { value: Array<{ address: string; name: string }> } | null {
  // No mail software writes a first address this long; on one built to be slow (a name padded
  // with a long run of spaces) these patterns would take its length squared.
  if (value.length > MAX_FAST_ADDRESS_LENGTH) return null;
  let match = BARE_ADDRESS.exec(value);
  if (match) return { value: [{ address: match[1] as string, name: '' }] };
  match = ENCODED_NAME.exec(value);
  if (match) return { value: [{ address: match[2] as string, name: decodeEncodedWords((match[1] as string).trim()).trim() }] };
  match = QUOTED_NAME.exec(value) ?? PLAIN_NAME.exec(value);
  if (match) {
    const name = (match[1] as string).trim();
    return name.includes('=?') ? null : { value: [{ address: match[2] as string, name }] };
  }
  return null;
}

/** The unfolded value of the only header `key`, or null. */
function headerValue(lines: readonly RawHeaderLine[], key: string): string | null {
  const line = lines.find((l) => l.key === key);
  if (!line) return null;
  const colon = line.line.indexOf(':');
  return line.line.slice(colon + 1).replace(/\r\n(?=[ \t])/g, '').trim();
}

/**
 * "value; name=token; name="quoted"" → value and parameters (names lower-cased). Null for what
 * needs more than that: comments, RFC 2231 parameters, escapes in quoted strings, duplicates.
 */
function parseStructured(text: string): { value: string; params: Map<string, string> } | null {
  if (/[()\\]/.test(text)) return null;
  const semicolon = text.indexOf(';');
  const value = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
  const params = new Map<string, string>();
  let rest = semicolon < 0 ? '' : text.slice(semicolon + 1);
  const param = /^\s*([!#$%&'+\-.0-9A-Z^_`a-z|~]+)\s*=\s*(?:"([^"]*)"|([!#$%&'+\-.0-9A-Z^_`a-z|~]+))\s*(?:;|$)/;
  while (rest.trim() !== '') {
    const match = param.exec(rest);
    if (!match) return null;
    const name = (match[1] as string).toLowerCase();
    if (name.includes('*') || params.has(name)) return null;
    params.set(name, match[2] ?? match[3] ?? '');
    rest = rest.slice(match[0].length);
  }
  return { value, params };
}

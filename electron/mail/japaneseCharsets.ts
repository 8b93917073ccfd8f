import { isAscii } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';

/**
 * Decoding Japanese mail text the way Japanese mail clients write it, not the way the charset
 * label promises:
 *
 * - "ISO-2022-JP" from Windows (Outlook, Becky!) is really CP50221: the same escapes, but inside
 *   ESC $ B also the NEC special characters (①, ㈱, №, Ⅱ) and the NEC-selected IBM extensions
 *   (髙, 﨑), plus half-width katakana in ESC ( I. Decoded here through CP932, which has them all.
 * - "Shift_JIS" is really CP932 (iconv-lite's Shift_JIS already is), "EUC-JP" often eucJP-ms.
 * - Labels lie: 8-bit bytes under an ISO-2022-JP label (the mail is really Shift_JIS, EUC-JP or
 *   UTF-8), UTF-8 under a Shift_JIS label, and ISO-2022-JP escapes in text that declared no
 *   charset at all (old mailers). When the declared charset cannot read the bytes, the one that
 *   can is used instead.
 */

type JapaneseEncoding = 'iso-2022-jp' | 'cp932' | 'euc-jp';

const ISO_2022_JP_LABELS = /^(?:csiso2022jp|iso2022jp(?:1|2|3|2004)?|jis|cp5022[012]|xcp5022[012])$/;
const SHIFT_JIS_LABELS = /^(?:shiftjis|sjis|xsjis|mskanji|csshiftjis|cp932|ms932|windows31j|xmscp932|ibm943|shiftjis2004|shiftjisx0213|sjisopen|sjiswin)$/;
const EUC_JP_LABELS = /^(?:eucjp|xeucjp|cseucpkdfmtjapanese|eucjpms|cp51932|eucjis2004|eucjisx0213|eucjpopen|ujis)$/;

/** The label as mail software writes it, folded for comparison: "Shift_JIS" → "shiftjis". */
function foldLabel(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Labels already looked up: a mailbox uses a handful, asked for several times in every mail. */
const encodingByLabel = new Map<string, JapaneseEncoding | null>();
/** Mail can carry any label; past this many, new ones are looked up each time rather than remembered. */
const MAX_REMEMBERED_LABELS = 256;

export function japaneseEncodingOf(label: string): JapaneseEncoding | null {
  const remembered = encodingByLabel.get(label);
  if (remembered !== undefined) return remembered;
  const folded = foldLabel(label);
  const encoding = ISO_2022_JP_LABELS.test(folded) ? 'iso-2022-jp' : SHIFT_JIS_LABELS.test(folded) ? 'cp932' : EUC_JP_LABELS.test(folded) ? 'euc-jp' : null;
  if (encodingByLabel.size < MAX_REMEMBERED_LABELS) encodingByLabel.set(label, encoding);
  return encoding;
}

/** Text from bytes said to be in `label`, trusting the bytes over the label where they disagree. Never throws. */
export function decodeText(bytes: Buffer, label: string | null | undefined): string {
  const japanese = label ? japaneseEncodingOf(label) : null;
  if (japanese === 'iso-2022-jp') {
    return hasEightBitBytes(bytes) ? decodeUnlabelled(bytes) : decodeIso2022Jp(bytes);
  }
  if (japanese) {
    const text = japanese === 'cp932' ? decodeCp932(bytes) : iconv.decode(bytes, japanese);
    if (!text.includes('\ufffd')) return text;
    const guess = decodeUnlabelled(bytes);
    return countReplacements(guess) < countReplacements(text) ? guess : text;
  }
  if (!label || /^(?:usascii|ascii|utf8|unicode11utf8|7bit|8bit)$/.test(foldLabel(label))) {
    // A body with no usable label is UTF-8, or old-style 7-bit ISO-2022-JP without MIME headers.
    return isValidUtf8(bytes) ? repairIso2022JpEscapes(bytes.toString('utf8')) : decodeUnlabelled(bytes);
  }
  try {
    if (iconv.encodingExists(label)) return iconv.decode(bytes, label);
  } catch {
    // fall through: an unknown label reads as UTF-8, the most likely truth today
  }
  return isValidUtf8(bytes) ? bytes.toString('utf8') : decodeUnlabelled(bytes);
}

/** Guesses among UTF-8, ISO-2022-JP, CP932 and EUC-JP from the bytes alone. */
export function decodeUnlabelled(bytes: Buffer): string {
  if (!hasEightBitBytes(bytes)) return decodeIso2022Jp(bytes);
  if (isValidUtf8(bytes)) return bytes.toString('utf8');
  const asCp932 = decodeCp932(bytes);
  const asEucJp = iconv.decode(bytes, 'euc-jp');
  // EUC-JP read as CP932 decodes without errors into half-width katakana soup, so those count against it.
  const cp932Cost = countReplacements(asCp932) * 10 + countHalfWidthKatakana(asCp932);
  const eucJpCost = countReplacements(asEucJp) * 10 + countHalfWidthKatakana(asEucJp);
  return eucJpCost < cp932Cost ? asEucJp : asCp932;
}

/**
 * Text that was read as ASCII/UTF-8 but holds ISO-2022-JP escape sequences (raw, unencoded
 * ISO-2022-JP in a header or an unlabelled body): decoded properly. Other text is returned as is.
 */
export function repairIso2022JpEscapes(text: string): string {
  if (!/\u001b(?:\$[@B(]|\([BJI])/.test(text)) return text;
  // Only 7-bit characters can have come from ISO-2022-JP; decode the runs between any others.
  return text.replace(/[\u0000-\u007f]+/g, (run) => (run.includes('\u001b') ? decodeIso2022Jp(Buffer.from(run, 'latin1')) : run));
}

/**
 * ISO-2022-JP as CP50221: ESC ( B / ESC ( J ASCII, ESC ( I and SO/SI half-width katakana,
 * ESC $ @ / ESC $ B / ESC $ ( Q / ESC $ ( O JIS X 0208 plus NEC and IBM extensions (via CP932),
 * ESC $ ( D JIS X 0212 (via EUC-JP). A line break ends any two-byte mode, since mailers that
 * forget to switch back before it are far more common than ones relying on the mode to carry on.
 */
export function decodeIso2022Jp(bytes: Buffer): string {
  return decodeIso2022JpDirectly(bytes) ?? decodeIso2022JpViaCp932(bytes);
}

type Iso2022JpMode = 'ascii' | 'kana' | 'jis0208' | 'jis0212';

interface ModeState {
  mode: Iso2022JpMode;
  /** The mode SI (0x0F) returns to. */
  beforeShiftOut: Iso2022JpMode;
}

/**
 * Applies the mode switch at `at`, if the byte there is one (they are all control bytes), and
 * says how many bytes it took (0: the byte is text). An unknown escape takes its ESC alone: it is
 * dropped rather than shown as a control character. A line break also ends any two-byte mode, and
 * is itself text.
 */
function switchMode(state: ModeState, bytes: Buffer, at: number): number {
  const b = bytes[at];
  if (b === 0x1b) {
    const escape = readEscape(bytes, at);
    if (!escape) return 1;
    state.mode = escape.mode;
    return escape.length;
  }
  if (b === 0x0e) {
    state.beforeShiftOut = state.mode;
    state.mode = 'kana';
    return 1;
  }
  if (b === 0x0f) {
    state.mode = state.beforeShiftOut;
    return 1;
  }
  if (b === 0x0a || b === 0x0d) state.mode = 'ascii';
  return 0;
}

/**
 * The common case in one pass, each JIS pair looked up in CP932's table as its Shift_JIS code:
 * 7-bit input with no JIS X 0212 and no pair CP932 leaves unassigned. Null for anything else,
 * which decodeIso2022JpViaCp932 reads; where both read, they give the same text (a unit test
 * compares them on random input).
 */
function decodeIso2022JpDirectly(bytes: Buffer): string | null {
  const { single, double } = cp932Tables();
  const out = new Uint16Array(bytes.length);
  let n = 0;
  const state: ModeState = { mode: 'ascii', beforeShiftOut: 'ascii' };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b >= 0x80) return null;
    const switched = b < 0x20 ? switchMode(state, bytes, i) : 0;
    if (switched) {
      if (state.mode === 'jis0212') return null;
      i += switched - 1;
      continue;
    }
    const mode = state.mode;
    if (mode === 'ascii' || b < 0x21 || b === 0x7f) {
      const code = single[b] as number;
      if (code < 0) return null;
      out[n++] = code;
      continue;
    }
    if (mode === 'kana') {
      const code = single[b <= 0x5f ? b + 0x80 : b] as number;
      if (code < 0) return null;
      out[n++] = code;
      continue;
    }
    const second = bytes[i + 1];
    if (second === undefined || second < 0x21 || second > 0x7e) {
      out[n++] = 0xfffd;
      continue;
    }
    i++;
    const lead = ((b + 1) >> 1) + (b <= 0x5e ? 0x70 : 0xb0);
    const trail = b & 1 ? second + (second >= 0x60 ? 0x20 : 0x1f) : second + 0x7e;
    const code = double[(lead << 8) | trail] as number;
    if (code === 0) return null;
    out[n++] = code;
  }
  return Buffer.from(out.buffer, 0, n * 2).toString('utf16le');
}

/** ISO-2022-JP through a CP932 byte stream: every input, however broken. Exported for the unit test that holds the one-pass reading to it. */
export function decodeIso2022JpViaCp932(bytes: Buffer): string {
  const state: ModeState = { mode: 'ascii', beforeShiftOut: 'ascii' };
  let out = '';
  // CP932 bytes collected for one decode: never longer than the input (escapes are dropped, pairs stay pairs).
  const cp932 = Buffer.allocUnsafe(bytes.length);
  let length = 0;
  const flush = () => {
    if (length) out += decodeCp932(cp932.subarray(0, length));
    length = 0;
  };
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const switched = b < 0x20 ? switchMode(state, bytes, i) : 0;
    if (switched) {
      i += switched - 1;
      continue;
    }
    const mode = state.mode;
    if (mode === 'ascii' || b < 0x21 || b >= 0x7f) {
      cp932[length++] = b;
      continue;
    }
    if (mode === 'kana') {
      cp932[length++] = b <= 0x5f ? b + 0x80 : b;
      continue;
    }
    const second = bytes[i + 1];
    if (second === undefined || second < 0x21 || second > 0x7e) {
      // A lone byte where a pair should be: lost data, shown as such.
      flush();
      out += '\ufffd';
      continue;
    }
    i++;
    if (mode === 'jis0208') {
      // A JIS row/cell pair as Shift_JIS; rows 0x79–0x7C land on CP932's NEC-selected IBM extensions.
      cp932[length++] = ((b + 1) >> 1) + (b <= 0x5e ? 0x70 : 0xb0);
      cp932[length++] = b & 1 ? second + (second >= 0x60 ? 0x20 : 0x1f) : second + 0x7e;
    } else {
      flush();
      out += iconv.decode(Buffer.from([0x8f, b | 0x80, second | 0x80]), 'euc-jp');
    }
  }
  flush();
  return out;
}

/**
 * CP932 (Shift_JIS as Windows writes it) to text, exactly as iconv-lite's 'cp932' decodes it (a
 * unit test compares the two on every code and on random bytes), from tables made once from
 * iconv-lite itself: its general decoder allocates and canonicalises on every call, which made
 * it most of the cost of reading Japanese mail.
 */
export function decodeCp932(bytes: Uint8Array): string {
  const { single, double } = cp932Tables();
  const out = new Uint16Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] as number;
    const code = single[b] as number;
    if (code >= 0) {
      out[n++] = code;
      continue;
    }
    if (code === CP932_LEAD && i + 1 < bytes.length) {
      const pair = double[(b << 8) | (bytes[i + 1] as number)] as number;
      if (pair !== 0) {
        out[n++] = pair;
        i++;
        continue;
      }
    }
    // An unassigned byte, or a lead byte without a valid trail (which is then read on its own).
    out[n++] = 0xfffd;
  }
  return Buffer.from(out.buffer, 0, n * 2).toString('utf16le');
}

const CP932_LEAD = -1;
const CP932_UNASSIGNED = -2;
let cp932: { single: Int32Array; double: Uint16Array } | null = null;

function cp932Tables(): { single: Int32Array; double: Uint16Array } {
  if (cp932) return cp932;
  const single = new Int32Array(256);
  const double = new Uint16Array(65536);
  for (let b = 0; b < 256; b++) {
    const alone = iconv.decode(Buffer.from([b]), 'cp932');
    if (alone.length === 1 && alone !== '\ufffd') {
      single[b] = alone.charCodeAt(0);
      continue;
    }
    let lead = false;
    for (let trail = 0; trail < 256; trail++) {
      const text = iconv.decode(Buffer.from([b, trail]), 'cp932');
      if (text.length === 1 && text !== '\ufffd') {
        double[(b << 8) | trail] = text.charCodeAt(0);
        lead = true;
      }
    }
    single[b] = lead ? CP932_LEAD : CP932_UNASSIGNED;
  }
  cp932 = { single, double };
  return cp932;
}

const ESCAPE_ASCII = { mode: 'ascii', length: 3 } as const;
const ESCAPE_KANA = { mode: 'kana', length: 3 } as const;
const ESCAPE_JIS0208 = { mode: 'jis0208', length: 3 } as const;
const ESCAPE_JIS0213 = { mode: 'jis0208', length: 4 } as const;
const ESCAPE_JIS0212 = { mode: 'jis0212', length: 4 } as const;

/** The escape sequence starting at `at` (the ESC byte), read byte by byte: they come every few characters. */
function readEscape(bytes: Buffer, at: number): { mode: Iso2022JpMode; length: number } | null {
  const first = bytes[at + 1];
  const second = bytes[at + 2];
  // ESC ( B, ESC ( J, ESC ( H: ASCII (and JIS Roman); ESC ( I: half-width katakana.
  if (first === 0x28) return second === 0x42 || second === 0x4a || second === 0x48 ? ESCAPE_ASCII : second === 0x49 ? ESCAPE_KANA : null;
  if (first !== 0x24) return null;
  // ESC $ @, ESC $ B: JIS X 0208.
  if (second === 0x40 || second === 0x42) return ESCAPE_JIS0208;
  if (second !== 0x28) return null;
  const third = bytes[at + 3];
  if (third === 0x44) return ESCAPE_JIS0212;
  // JIS X 0213 plane 1 is a superset of JIS X 0208; its common characters sit at the same codes.
  return third === 0x51 || third === 0x4f ? ESCAPE_JIS0213 : null;
}

function hasEightBitBytes(bytes: Buffer): boolean {
  return !isAscii(bytes);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function isValidUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function countReplacements(text: string): number {
  let n = 0;
  for (const ch of text) if (ch === '\ufffd') n++;
  return n;
}

function countHalfWidthKatakana(text: string): number {
  let n = 0;
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    if (code >= 0xff61 && code <= 0xff9f) n++;
  }
  return n;
}

/**
 * mailparser's hook for decoding text bodies (its `Iconv` option): collects a part's bytes and
 * decodes them with decodeText when the part ends. Text parts are small, and ISO-2022-JP cannot
 * be decoded chunk by chunk anyway (it is stateful).
 */
export class JapaneseAwareDecoder extends Transform {
  private readonly chunks: Buffer[] = [];

  constructor(
    private readonly label: string,
    _toCharset?: string,
  ) {
    super();
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    done();
  }

  override _flush(done: TransformCallback): void {
    done(null, Buffer.from(decodeText(Buffer.concat(this.chunks), this.label), 'utf8'));
  }
}

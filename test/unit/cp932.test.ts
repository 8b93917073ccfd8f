import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCp932, decodeIso2022Jp, decodeIso2022JpViaCp932 } from '../../electron/mail/japaneseCharsets';

describe('decodeCp932: the table decoder of Shift_JIS (CP932) mail', () => {
  it('decodes every single byte and every byte pair exactly as iconv-lite does', () => {
    for (let b = 0; b < 256; b++) {
      expect(decodeCp932(Buffer.from([b])), `byte ${b.toString(16)}`).toBe(iconv.decode(Buffer.from([b]), 'cp932'));
      for (let trail = 0; trail < 256; trail++) {
        const pair = Buffer.from([b, trail]);
        const expected = iconv.decode(pair, 'cp932');
        if (decodeCp932(pair) !== expected) expect(decodeCp932(pair), `pair ${pair.toString('hex')}`).toBe(expected);
      }
    }
  });

  it('decodes random byte strings (mostly Shift_JIS-like, with broken pairs) exactly as iconv-lite does', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 3000; round++) {
      const length = Math.floor(random() * 40);
      const bytes = Buffer.alloc(length);
      for (let i = 0; i < length; i++) {
        const r = random();
        bytes[i] = r < 0.3 ? 0x81 + Math.floor(random() * 0x1f) : r < 0.6 ? 0x40 + Math.floor(random() * 0xbd) : Math.floor(random() * 256);
      }
      expect(decodeCp932(bytes), bytes.toString('hex')).toBe(iconv.decode(bytes, 'cp932'));
    }
  });

  it('reads the characters Japanese mail breaks on', () => {
    const text = '①㈱№Ⅱ～髙﨑 日本語テスト－ ｶﾀｶﾅ ∵￢';
    expect(decodeCp932(iconv.encode(text, 'cp932'))).toBe(text);
  });
});

describe('decodeIso2022Jp: the one-pass reading of ISO-2022-JP', () => {
  const ESCAPES = ['\x1b$B', '\x1b$@', '\x1b(B', '\x1b(J', '\x1b(I', '\x1b$(D', '\x1b$(Q', '\x1b(X', '\x0e', '\x0f', '\r\n'];

  it('reads every JIS X 0208 row and cell (NEC and IBM extensions included) as the CP932 reading does', () => {
    for (let row = 0x21; row <= 0x7e; row++) {
      for (let cell = 0x21; cell <= 0x7e; cell++) {
        const bytes = Buffer.from(`\x1b$B${String.fromCharCode(row, cell)}\x1b(B`, 'latin1');
        const expected = decodeIso2022JpViaCp932(bytes);
        if (decodeIso2022Jp(bytes) !== expected) expect(decodeIso2022Jp(bytes), bytes.toString('hex')).toBe(expected);
      }
    }
    expect(decodeIso2022Jp(Buffer.from('\x1b$B-!-j-b\x1b(B', 'latin1'))).toBe('①㈱№');
  });

  it('reads random 7-bit input with escapes, shifts, broken pairs and line breaks exactly as the CP932 reading does', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 5000; round++) {
      let text = '';
      for (let piece = Math.floor(random() * 12); piece > 0; piece--) {
        const r = random();
        if (r < 0.35) text += ESCAPES[Math.floor(random() * ESCAPES.length)];
        else for (let k = Math.floor(random() * 6); k > 0; k--) text += String.fromCharCode(r < 0.9 ? 0x21 + Math.floor(random() * 0x5e) : Math.floor(random() * 0x80));
      }
      const bytes = Buffer.from(text, 'latin1');
      expect(decodeIso2022Jp(bytes), bytes.toString('hex')).toBe(decodeIso2022JpViaCp932(bytes));
    }
  });
});

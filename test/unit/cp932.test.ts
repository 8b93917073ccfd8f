import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeCp932 } from '../../electron/mail/japaneseCharsets';

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

import { describe, expect, it } from 'vitest';
import { maskCardNumbers, passesLuhn } from '../../shared/cardMask';

describe('maskCardNumbers', () => {
  it('keeps only the last four digits of a card number written with spaces or hyphens', () => {
    expect(maskCardNumbers('カード番号は 4111 1111 1111 1111 です')).toBe('カード番号は **** **** **** 1111 です');
    expect(maskCardNumbers('5555-5555-5555-4444')).toBe('****-****-****-4444');
    expect(maskCardNumbers('378282246310005')).toBe('***********0005');
  });

  it('masks full-width digits and separators', () => {
    expect(maskCardNumbers('４１１１－１１１１－１１１１－１１１１')).toBe('****－****－****－１１１１');
  });

  it('leaves phone numbers, order numbers and dates alone', () => {
    const text = '電話 03-1234-5678、注文番号 1234567890123 (Luhn 不一致)、2026-11-24';
    expect(passesLuhn('1234567890123')).toBe(false);
    expect(maskCardNumbers(text)).toBe(text);
  });

  it('masks every card number in a text, not only the first', () => {
    expect(maskCardNumbers('a 4111111111111111 b 4012888888881881')).toBe('a ************1111 b ************1881');
  });

  it('finds a card number beside other numbers: an order number before it, the expiry or security code after it', () => {
    expect(maskCardNumbers('カード番号 4111 1111 1111 1111 12/27')).toBe('カード番号 **** **** **** 1111 12/27');
    expect(maskCardNumbers('カード 4111111111111111 123')).toBe('カード ************1111 123');
    expect(maskCardNumbers('注文番号12 4111 1111 1111 1111')).toBe('注文番号12 **** **** **** 1111');
    expect(maskCardNumbers('4111 1111 1111 1111 1111')).toBe('**** **** **** 1111 1111');
  });

  it('masks the ways people separate the groups: double spaces, dots, slashes, the katakana "ー" of a Japanese keyboard', () => {
    expect(maskCardNumbers('4111  1111  1111  1111')).toBe('****  ****  ****  1111');
    expect(maskCardNumbers('4111.1111.1111.1111')).toBe('****.****.****.1111');
    expect(maskCardNumbers('4111/1111/1111/1111')).toBe('****/****/****/1111');
    expect(maskCardNumbers('４１１１ー１１１１ー１１１１ー１１１１')).toBe('****ー****ー****ー１１１１');
    expect(maskCardNumbers('3782 822463 10005')).toBe('**** ****** *0005');
  });

  it('masks a number broken over lines or tabs, and the dashes word processors and Japanese input give', () => {
    expect(maskCardNumbers('4111\n1111\n1111\n1111')).toBe('****\n****\n****\n1111');
    expect(maskCardNumbers('カード: 4111 1111\r\n1111 1111')).toBe('カード: **** ****\r\n**** 1111');
    expect(maskCardNumbers('4111\t1111\t1111\t1111')).toBe('****\t****\t****\t1111');
    for (const dash of ['\u2013', '\u2014', '\u2011', '\u2015', '\u00ad']) {
      expect(maskCardNumbers(`4111${dash}1111${dash}1111${dash}1111`)).toBe(`****${dash}****${dash}****${dash}1111`);
    }
    // Within a line the groups are still separated alike.
    const mixed = '4111 1111-1111 1111';
    expect(maskCardNumbers(mixed)).toBe(mixed);
  });

  it('masks a number typed unevenly or with the separators Japanese text gives: an extra space, a zero-width space, 「・」 and 「，」', () => {
    expect(maskCardNumbers('4111 1111  1111 1111')).toBe('**** ****  **** 1111');
    expect(maskCardNumbers('4111\t1111 1111 1111')).toBe('****\t**** **** 1111');
    expect(maskCardNumbers('4111\u200b1111\u200b1111\u200b1111')).toBe('****\u200b****\u200b****\u200b1111');
    expect(maskCardNumbers('４１１１・１１１１・１１１１・１１１１')).toBe('****・****・****・１１１１');
    expect(maskCardNumbers('4111，1111，1111，1111')).toBe('****，****，****，1111');
    // What an input method gives for "," "." and "-" with Japanese on: 「、」「。」, the half-width "ｰ"; and wave dashes.
    expect(maskCardNumbers('４１１１、１１１１、１１１１、１１１１')).toBe('****、****、****、１１１１');
    expect(maskCardNumbers('4111。1111。1111。1111')).toBe('****。****。****。1111');
    expect(maskCardNumbers('4111ｰ1111ｰ1111ｰ1111')).toBe('****ｰ****ｰ****ｰ1111');
    expect(maskCardNumbers('4111-1111ｰ1111-1111')).toBe('****-****ｰ****-1111');
    expect(maskCardNumbers('4111〜1111〜1111〜1111')).toBe('****〜****〜****〜1111');
    expect(maskCardNumbers('4111～1111～1111～1111')).toBe('****～****～****～1111');
  });

  it('masks a card typed straight before its security code or expiry, and leaves long numbers that no card starts like alone', () => {
    expect(maskCardNumbers('4111111111111111123')).toBe('************1111123');
    expect(maskCardNumbers('カード411111111111111112/27')).toBe('カード************111112/27');
    expect(maskCardNumbers('378282246310005 1234')).toContain('*0005');
    const tracking = '12345678901234567890 98765432109876543210';
    expect(maskCardNumbers(tracking)).toBe(tracking);
  });

  it('masks a card that overlaps numbers before it which pass the Luhn check by chance', () => {
    // "1234 5678 9013 4111" passes the check too: masking it alone left the card after it readable.
    expect(maskCardNumbers('1234 5678 9013 4111 1111 1111 1111')).toBe('**** **** **** **** **** **** 1111');
    expect(maskCardNumbers('注文 1234 5678 9013\n4111 1111 1111 1111 です')).not.toContain('4111 1111 1111');
  });

  it('reads a long list of numbers, one per line (a spreadsheet turned into text), without the work growing faster than the list', () => {
    // Each line is a group of the same run: trying every stretch of groups took hours for this.
    const list = Array.from({ length: 20_000 }, (_, i) => String(100_000 + i * 7)).join('\n');
    const masked = maskCardNumbers(`${list}\n4111 1111 1111 1111`);
    expect(masked.endsWith('**** **** **** 1111')).toBe(true);
    expect(masked.length).toBe(list.length + 20);
  });

  it('leaves phone and order numbers side by side alone', () => {
    const text = '03-1234-5678 090-1234-5678 / 受付 1234-5678-9012 2026/11/24 12345678901234567890';
    expect(maskCardNumbers(text)).toBe(text);
  });
});

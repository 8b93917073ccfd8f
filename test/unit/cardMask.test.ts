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
});

import { describe, expect, it } from 'vitest';
import { searchKey } from '../../shared/searchKey';

describe('the customer search key', () => {
  it('reads alike what a Japanese keyboard types several ways', () => {
    expect(searchKey('山田　花子')).toBe(searchKey('山田 花子'));
    expect(searchKey('山田　花子')).toBe('山田花子');
    expect(searchKey('０９０－１２３４－５６７８')).toBe('09012345678');
    expect(searchKey('090-1234-5678')).toBe('09012345678');
    expect(searchKey('Ｈａｎａｋｏ@Example.JP')).toBe('hanako@example.jp');
    expect(searchKey('ﾔﾏﾀﾞ')).toBe('ヤマダ');
    // The long-vowel mark is part of the word.
    expect(searchKey('スーパー')).toBe('スーパー');
  });
});

import { describe, expect, it } from 'vitest';
import { isAnotherMail, isCopyByHeaders, originDateOf, type StoredOrigin } from '../../electron/mail/messageIdentity';

const DATE = 'Mon, 30 Nov 2026 10:00:00 +0900';
const stored: StoredOrigin = { direction: 'in', erased: false, fromAddress: 'form@shop.example', originDate: DATE, at: '2026-11-30T01:00:00.000Z' };
const arriving = (originDate: string | null, date = '2026-11-30T01:00:00.000Z', fromAddress = 'form@shop.example') => ({ fromAddress, originDate: originDateOf(originDate), date });

describe('a mail that comes with a stored message’s Message-ID', () => {
  it('is a copy when its sender and its Date header’s time are the same, however the time is written, or when nothing tells them apart', () => {
    for (const date of [DATE, 'Mon, 30 Nov 2026 01:00:00 +0000', 'Mon, 30 Nov 2026 10:00:00 +0900 (JST)', ' Mon, 30 Nov 2026\r\n 10:00:00 +0900', null, 'いつか']) {
      expect(isAnotherMail(stored, arriving(date)), String(date)).toBe(false);
    }
    // A clock far ahead: each copy is dated when it arrived, and is still the same mail.
    expect(isAnotherMail(stored, arriving(DATE, '2026-11-28T00:00:00.000Z'))).toBe(false);
  });

  it('is another mail from another sender, or dated another time', () => {
    expect(isAnotherMail(stored, arriving(DATE, undefined, 'bob@example.jp'))).toBe(true);
    expect(isAnotherMail(stored, arriving('Mon, 30 Nov 2026 10:00:01 +0900', '2026-11-30T01:00:01.000Z'))).toBe(true);
  });

  it('is compared with a message stored before Date headers were kept by that message’s time', () => {
    const old = { ...stored, originDate: null };
    expect(isAnotherMail(old, arriving(DATE))).toBe(false);
    expect(isAnotherMail(old, arriving('Tue, 01 Dec 2026 09:30:00 +0900', '2026-12-01T00:30:00.000Z'))).toBe(true);
  });

  it('is a copy of Madoguchi’s own reply, or of an erased mail, whatever it says', () => {
    expect(isAnotherMail({ ...stored, direction: 'out', originDate: null }, arriving('Tue, 01 Dec 2026 09:30:00 +0900', undefined, 'x@example.jp'))).toBe(false);
    expect(isAnotherMail({ ...stored, erased: true }, arriving('Tue, 01 Dec 2026 09:30:00 +0900', undefined, 'x@example.jp'))).toBe(false);
  });

  it('read by its headers alone, is skipped as a copy only when its Date says so', () => {
    expect(isCopyByHeaders(stored, originDateOf('Mon, 30 Nov 2026 01:00:00 +0000'))).toBe(true);
    expect(isCopyByHeaders(stored, originDateOf('Tue, 01 Dec 2026 09:30:00 +0900'))).toBe(false);
    // No Date: fetched whole, for the sender to decide.
    expect(isCopyByHeaders(stored, null)).toBe(false);
    expect(isCopyByHeaders({ ...stored, originDate: null }, originDateOf(DATE))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { endOfTokyoDay, formatTokyoDateTime, startOfTokyoDay, tokyoDate, tokyoLocalToIso } from '../../shared/tokyoTime';

describe('Asia/Tokyo dates', () => {
  it('shows a UTC instant as Tokyo wall-clock time', () => {
    expect(formatTokyoDateTime('2026-11-23T15:30:00.000Z')).toBe('2026-11-24 00:30');
    expect(tokyoDate('2026-11-23T14:59:59.000Z')).toBe('2026-11-23');
  });

  it('bounds a Tokyo calendar day in UTC', () => {
    expect(startOfTokyoDay('2026-11-24')).toBe('2026-11-23T15:00:00.000Z');
    expect(endOfTokyoDay('2026-11-24')).toBe('2026-11-24T15:00:00.000Z');
  });

  it('reads a typed local time as Tokyo time', () => {
    expect(tokyoLocalToIso('2026-11-24T09:00')).toBe('2026-11-24T00:00:00.000Z');
  });
});

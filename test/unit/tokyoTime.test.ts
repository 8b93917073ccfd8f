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
    // A mistyped year stays the year typed (not 1926), for the check of a received time to refuse it.
    expect(tokyoLocalToIso('0026-11-24T10:00')).toBe('0026-11-24T01:00:00.000Z');
    expect(tokyoLocalToIso('2024-02-29T09:00')).toBe('2024-02-29T00:00:00.000Z');
  });
});

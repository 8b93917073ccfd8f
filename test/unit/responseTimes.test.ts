import { describe, expect, it } from 'vitest';
import { percentile, responseTimeRows, type ResponseSample } from '../../electron/reports/responseTimes';
import { toCsv } from '../../shared/csv';

const at = (minutes: number) => new Date(Date.UTC(2026, 10, 24, 0, minutes)).toISOString();

describe('response-time report', () => {
  it('computes median and 90th percentile like a spreadsheet (PERCENTILE.INC)', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(sorted, 0.5)).toBe(55);
    expect(percentile(sorted, 0.9)).toBeCloseTo(91);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('counts received and answered per channel and in total; unanswered inquiries have no time', () => {
    const samples: ResponseSample[] = [
      { channel: 'email', receivedAt: at(0), firstResponseAt: at(30) },
      { channel: 'email', receivedAt: at(0), firstResponseAt: at(90) },
      { channel: 'email', receivedAt: at(0), firstResponseAt: null },
      { channel: 'phone', receivedAt: at(0), firstResponseAt: at(5) },
    ];
    const rows = responseTimeRows(samples);
    expect(rows.find((r) => r.channel === 'email')).toEqual({ channel: 'email', received: 3, answered: 2, medianMinutes: 60, p90Minutes: 84 });
    expect(rows.find((r) => r.channel === 'fax')).toEqual({ channel: 'fax', received: 0, answered: 0, medianMinutes: null, p90Minutes: null });
    expect(rows.find((r) => r.channel === 'all')).toMatchObject({ received: 4, answered: 3, medianMinutes: 30 });
  });

  it('counts a first response recorded a little before the time received as immediate, never negative', () => {
    const rows = responseTimeRows([
      { channel: 'phone', receivedAt: at(10), firstResponseAt: at(5) },
      { channel: 'phone', receivedAt: at(0), firstResponseAt: at(20) },
    ]);
    expect(rows.find((r) => r.channel === 'phone')).toMatchObject({ answered: 2, medianMinutes: 10 });
  });
});

describe('CSV', () => {
  it('starts with a BOM, quotes what needs quoting and defuses spreadsheet formulas', () => {
    const csv = toCsv(['名前', 'メモ'], [['山田, 太郎', '=HYPERLINK("x")'], ['"引用"', -3]]);
    expect(csv).toBe('\uFEFF名前,メモ\r\n"山田, 太郎","\'=HYPERLINK(""x"")"\r\n"""引用""",-3\r\n');
  });
});

import { create } from 'zustand';
import { call } from '../api/client';
import type { ResponseTimeRow } from '../../shared/domain';
import { tokyoDate } from '../../shared/tokyoTime';
import { attempt } from './errors';

interface ReportsState {
  from: string;
  to: string;
  result: { from: string; to: string; rows: ResponseTimeRow[] } | null;
  /** Staff chose the dates: they stay as chosen. Otherwise they are this month's, worked out afresh. */
  chosen: boolean;
  setRange(from: string, to: string): void;
  /** The report for the dates chosen, or for this month so far (today's month, when the app stayed open past its end). */
  load(): Promise<void>;
  /** The report on screen as a CSV file: its range, whatever has been typed into the dates since. */
  csv(): Promise<{ filename: string; csv: string } | undefined>;
  reset(): void;
}

/** Today and the first of this month, as Tokyo calendar days. */
function defaultRange(): { from: string; to: string } {
  const today = tokyoDate(new Date().toISOString());
  return { from: `${today.slice(0, 8)}01`, to: today };
}

export const useReports = create<ReportsState>()((set, get) => ({
  ...defaultRange(),
  chosen: false,
  result: null,
  setRange(from, to) {
    set({ from, to, chosen: true });
  },
  async load() {
    if (!get().chosen) set(defaultRange());
    const { from, to } = get();
    const result = await attempt(() => call('reports.responseTimes', { from, to }));
    if (result) set({ result });
  },
  async csv() {
    const shown = get().result;
    if (!shown) return undefined;
    return attempt(() => call('reports.responseTimesCsv', { from: shown.from, to: shown.to }));
  },
  reset() {
    set({ ...defaultRange(), chosen: false, result: null });
  },
}));

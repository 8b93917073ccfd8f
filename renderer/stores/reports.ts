import { create } from 'zustand';
import { call } from '../api/client';
import type { ResponseTimeRow } from '../../shared/domain';
import { tokyoDate } from '../../shared/tokyoTime';
import { attempt } from './errors';

interface ReportsState {
  from: string;
  to: string;
  result: { from: string; to: string; rows: ResponseTimeRow[] } | null;
  setRange(from: string, to: string): void;
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
  result: null,
  setRange(from, to) {
    set({ from, to });
  },
  async load() {
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
    set({ ...defaultRange(), result: null });
  },
}));

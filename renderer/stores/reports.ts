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
    const { from, to } = get();
    return attempt(() => call('reports.responseTimesCsv', { from, to }));
  },
  reset() {
    set({ ...defaultRange(), result: null });
  },
}));

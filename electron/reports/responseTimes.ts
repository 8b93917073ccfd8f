import type { InquiryChannel, ResponseTimeRow } from '../../shared/domain';
import { INQUIRY_CHANNELS } from '../../shared/domain';

export interface ResponseSample {
  channel: InquiryChannel;
  receivedAt: string;
  firstResponseAt: string | null;
}

/**
 * Percentile by linear interpolation between closest ranks (the method spreadsheets call
 * PERCENTILE.INC), so the figures match what a manager gets from the exported CSV in Excel.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

function summarise(channel: ResponseTimeRow['channel'], samples: readonly ResponseSample[]): ResponseTimeRow {
  const minutes = samples
    .filter((s) => s.firstResponseAt !== null)
    // Never below zero: a first response recorded before the time received (clocks that differ
    // by a little) was an immediate one, and must not pull the median below what happened.
    .map((s) => Math.max(0, Date.parse(s.firstResponseAt as string) - Date.parse(s.receivedAt)) / 60000)
    .sort((x, y) => x - y);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    channel,
    received: samples.length,
    answered: minutes.length,
    medianMinutes: round(percentile(minutes, 0.5)),
    p90Minutes: round(percentile(minutes, 0.9)),
  };
}

/** One row per channel, then the total. */
export function responseTimeRows(samples: readonly ResponseSample[]): ResponseTimeRow[] {
  return [
    ...INQUIRY_CHANNELS.map((channel) => summarise(channel, samples.filter((s) => s.channel === channel))),
    summarise('all', samples),
  ];
}

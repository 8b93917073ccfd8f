import { formatDurationMinutes, formatTokyoDateTime, tokyoDate } from '../../shared/tokyoTime';

/** Every time on screen goes through these: Asia/Tokyo, '—' when there is none. */
export const NONE = '—';

export function tokyoDateTimeOrNone(iso: string | null | undefined): string {
  return iso ? formatTokyoDateTime(iso) : NONE;
}

export function durationOrNone(minutes: number | null | undefined): string {
  return minutes === null || minutes === undefined ? NONE : formatDurationMinutes(minutes);
}

/** The value a datetime-local input needs for "now" in Tokyo: "YYYY-MM-DDTHH:mm". */
export function tokyoNowLocal(now: Date = new Date()): string {
  return formatTokyoDateTime(now.toISOString()).replace(' ', 'T');
}

export function tokyoToday(now: Date = new Date()): string {
  return tokyoDate(now.toISOString());
}

/** "812 B", "1.2 KB", "25.0 MB": attachment sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

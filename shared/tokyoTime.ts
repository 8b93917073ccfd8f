/** Every date shown or reported is in Asia/Tokyo (UTC+9, no daylight saving). Stored times are ISO UTC. */
export const TOKYO_TIME_ZONE = 'Asia/Tokyo';
const TOKYO_OFFSET_MS = 9 * 60 * 60 * 1000;

const dateTimeFormat = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TOKYO_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** "2026-11-24 09:05" in Tokyo. */
export function formatTokyoDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

/** "2026-11-24" in Tokyo. */
export function tokyoDate(iso: string): string {
  return formatTokyoDateTime(iso).slice(0, 10);
}

/** The UTC instant at which a Tokyo calendar day (YYYY-MM-DD) starts. */
export function startOfTokyoDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) - TOKYO_OFFSET_MS).toISOString();
}

/** The UTC instant at which the Tokyo day after `date` starts (exclusive end of a range). */
export function endOfTokyoDay(date: string): string {
  const start = new Date(startOfTokyoDay(date)).getTime();
  return new Date(start + 24 * 60 * 60 * 1000).toISOString();
}

/** A local "YYYY-MM-DDTHH:mm" typed by staff, read as Tokyo time, to ISO UTC. */
export function tokyoLocalToIso(local: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!match) throw new Error(`Not a date and time: ${local}`);
  const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
  // Not Date.UTC(y, …): it reads a year below 100 as 19xx, so a mistyped "0026" would become 1926 unseen.
  const utc = new Date(Date.UTC(2000, mo - 1, d, h, mi));
  utc.setUTCFullYear(y, mo - 1, d);
  return new Date(utc.getTime() - TOKYO_OFFSET_MS).toISOString();
}

/** Minutes, as "1時間 5分" / "1 h 5 min" is left to the UI; this gives a compact h:mm. */
export function formatDurationMinutes(minutes: number): string {
  const total = Math.round(minutes);
  const h = Math.floor(total / 60);
  const m = total % 60;
  return `${h}:${String(m).padStart(2, '0')}`;
}

import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

/**
 * Folds the write-ahead log into the database file and empties it, now, so that content just
 * deleted (whose freed pages secure_delete overwrites) is gone from the disk, not only from the
 * database. Never waits: the connection serves the UI's thread, and better-sqlite3's busy timeout
 * (5 s) would freeze it while the background checkpoint runs; when busy, that checkpoint folds the
 * log in, and later writes overwrite it, soon after. True when the log was emptied.
 */
export function foldWriteAheadLogNow(raw: BetterSqlite3.Database): boolean {
  const busyTimeout = raw.pragma('busy_timeout', { simple: true }) as number;
  try {
    raw.pragma('busy_timeout = 0');
    const [result] = raw.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    return result?.busy === 0;
  } catch {
    return false;
  } finally {
    raw.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

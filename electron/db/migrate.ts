import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** A change SQL cannot say (a hash), run after `sql` in the same transaction. */
  transform?: (db: BetterSqlite3.Database) => void;
}

/**
 * Brings the database to the newest schema in one transaction, tracked by user_version.
 * A database written by a newer Madoguchi is refused (never "repaired" by deleting data).
 */
export function migrate(db: BetterSqlite3.Database, migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`Migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = migrations.length;
  if (current > newest) {
    throw new AppError('DATABASE_FROM_FUTURE', userMessage('databaseFromFuture', { current, newest }));
  }
  const pending = migrations.slice(current);
  if (pending.length === 0) return;
  db.transaction(() => {
    for (const m of pending) {
      db.exec(m.sql);
      m.transform?.(db);
    }
    db.pragma(`user_version = ${newest}`);
  })();
}

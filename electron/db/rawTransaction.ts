import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Kysely } from 'kysely';
import type { Database } from './schema';

/**
 * Runs `work` in one synchronous transaction on the raw better-sqlite3 handle: for hot paths
 * (mail ingest) that run cached prepared statements rather than Kysely's compile-and-prepare per
 * query. It first takes Kysely's single connection, so it never lands inside a Kysely
 * transaction that is waiting on an await (which would make it a savepoint of someone else's
 * unit of work); while `work` runs nothing else can, as it is synchronous.
 */
export async function rawTransaction<T>(db: Kysely<Database>, raw: BetterSqlite3.Database, work: () => T): Promise<T> {
  return db.connection().execute(async () => raw.transaction(work).immediate());
}

/** Prepared statements made once per database handle and reused for its lifetime. */
export function cachedPerHandle<S>(make: (raw: BetterSqlite3.Database) => S): (raw: BetterSqlite3.Database) => S {
  const cache = new WeakMap<BetterSqlite3.Database, S>();
  return (raw) => {
    let statements = cache.get(raw);
    if (!statements) {
      statements = make(raw);
      cache.set(raw, statements);
    }
    return statements;
  };
}

import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { CamelCasePlugin, Kysely, SqliteDialect } from 'kysely';
import { startBackgroundCheckpoint } from './backgroundCheckpoint';
import { openEncrypted } from './cipher';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import type { Database } from './schema';
import { searchKey } from '../../shared/searchKey';

export interface OpenedDatabase {
  /** Typed queries. */
  db: Kysely<Database>;
  /** The raw handle, for transactions that must be synchronous and for what the builder cannot say. */
  raw: BetterSqlite3.Database;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  file: string;
  /** 32 random bytes: the database key. */
  key: Buffer;
  /** A better-sqlite3 native binding built for the running runtime (Electron needs its own). */
  nativeBinding?: string;
  /**
   * Where the worker threads are (see startWorker): given, checkpoints run on a worker thread of
   * their own; without, this connection checkpoints as it writes.
   */
  workersDir?: string;
}

/**
 * Opens (or creates) the encrypted database: AEGIS-256 pages via SQLite3MultipleCiphers (see
 * cipher.ts), with a raw 256-bit key (no KDF inside SQLite: the key is already random). WAL and journal
 * pages are encrypted too; temporary tables stay in memory so nothing spills to disk in plaintext.
 */
export function openDatabase({ file, key, nativeBinding, workersDir }: OpenDatabaseOptions): OpenedDatabase {
  if (key.length !== 32) throw new Error('The database key must be 32 bytes');
  // The first connection: a database in an earlier version's cipher is converted before any other opens.
  const raw = openEncrypted(file, key, nativeBinding);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('temp_store = MEMORY');
  raw.pragma('secure_delete = ON');
  // Every page read from the file is decrypted: a larger page cache (in memory, decrypted, gone
  // on close) spares that for the indexes a mail import touches all over (Message-IDs are random).
  raw.pragma('cache_size = -16384');
  // Checkpoints (copying the WAL into the database file, with an fsync) every ~32 MB of changes
  // rather than every 4 MB: a mail import rewrites the same index pages again and again, and
  // each checkpoint wrote them all out again. The WAL file is cut back to that size afterwards.
  raw.pragma('wal_autocheckpoint = 8192');
  raw.pragma('journal_size_limit = 33554432');
  // The customer search compares names, addresses and numbers as shared/searchKey.ts reads them.
  raw.function('search_key', { deterministic: true }, (text: unknown) => (typeof text === 'string' ? searchKey(text) : null));
  try {
    migrate(raw, MIGRATIONS);
  } catch (error) {
    raw.close();
    throw error;
  }
  // Checkpointing was a third of the time a mail import spent storing: it is done on another
  // thread once writing pauses. This connection checkpoints only should the WAL pass ~256 MB.
  const checkpointer = workersDir
    ? startBackgroundCheckpoint({ workersDir, file, key, nativeBinding, onFailed: () => raw.open && raw.pragma('wal_autocheckpoint = 8192') })
    : null;
  if (checkpointer) raw.pragma('wal_autocheckpoint = 65536');
  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: raw }),
    plugins: [new CamelCasePlugin()],
  });
  return {
    db,
    raw,
    async close() {
      // The checkpointer's connection closes first; closing this last one checkpoints the rest and removes the WAL.
      await checkpointer?.stop();
      await db.destroy();
      // Kysely closes the connection only if it ever used it.
      if (raw.open) raw.close();
    },
  };
}

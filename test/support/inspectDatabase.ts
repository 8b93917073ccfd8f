import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { openDatabase } from '../../electron/db/openDatabase';
import { KeyVault } from '../../electron/security/keyVault';
import { TEST_PASSPHRASE } from './testApp';

/**
 * Opens a test app's encrypted database directly (the app itself must be closed) and runs
 * `read` on the raw handle: for white-box checks of what a crashed process left behind, such as
 * the sync cursor against the stored mails.
 */
export async function inspectDatabase<T>(dataDir: string, read: (raw: BetterSqlite3.Database) => T, passphrase = TEST_PASSPHRASE): Promise<T> {
  const key = await new KeyVault(join(dataDir, 'key.json'), null).unlock(passphrase);
  const database = openDatabase({ file: join(dataDir, 'madoguchi.db'), key });
  try {
    return read(database.raw);
  } finally {
    await database.close();
  }
}

/** Runs each statement on `raw` and says what happened: 'allowed', or the error's message (an append-only table's trigger refuses). */
export function attemptStatements(raw: BetterSqlite3.Database, statements: readonly string[]): string[] {
  return statements.map((statement) => {
    try {
      raw.exec(statement);
      return 'allowed';
    } catch (error) {
      return (error as Error).message;
    }
  });
}

import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/result';

/**
 * Sets the cipher (SQLCipher v4 scheme via SQLite3MultipleCiphers) and the raw 256-bit key on a
 * newly opened connection, and proves the key by reading the schema: a wrong key fails here
 * (WRONG_PASSPHRASE). Every connection to the database file goes through it.
 */
export function unlockCipher(raw: BetterSqlite3.Database, key: Uint8Array): void {
  try {
    raw.pragma(`cipher='sqlcipher'`);
    raw.pragma('legacy=4');
    raw.pragma(`key="x'${Buffer.from(key).toString('hex')}'"`);
    raw.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    if (error instanceof Error && /not a database|encrypted/i.test(error.message)) {
      throw new AppError('WRONG_PASSPHRASE', 'The database could not be decrypted with this key.');
    }
    throw error;
  }
}

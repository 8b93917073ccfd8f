import { existsSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/result';

/** A page encryption scheme of SQLite3MultipleCiphers: the pragmas that select it. */
interface CipherScheme {
  pragmas: string[];
}

/**
 * AEGIS-256: authenticated encryption (each page carries its own nonce and tag, so a changed
 * page is refused) built on the AES round function, which the processor runs in hardware.
 * Writing pages cost about what writing them unencrypted costs; SQLCipher's AES-CBC with an
 * HMAC-SHA512 per page, which Madoguchi used before, cost about twice that.
 */
const CURRENT: CipherScheme = { pragmas: [`cipher='aegis'`] };

/** Schemes that earlier versions wrote: a database found in one is converted to CURRENT when opened. */
const FORMER: CipherScheme[] = [{ pragmas: [`cipher='sqlcipher'`, 'legacy=4'] }];

/**
 * Sets the cipher and the raw 256-bit key on a newly opened connection (no key derivation inside
 * SQLite: the key is already random), and proves the key by reading the schema: a wrong key fails
 * here (WRONG_PASSPHRASE). Every connection to the database file goes through it.
 *
 * With `convert` (only the first connection, before any other opens), a database written in a
 * former scheme is re-encrypted in the current one, in one transaction. A crash midway leaves a
 * rollback journal in the former scheme: while it exists, the former scheme is tried first, so
 * SQLite rolls the half-converted file back before the conversion starts again. (Tried the other
 * way round, the journal cannot be read and the database does not open.)
 */
export function unlockCipher(raw: BetterSqlite3.Database, key: Uint8Array, options: { convert?: boolean } = {}): void {
  const hex = Buffer.from(key).toString('hex');
  const interrupted = options.convert === true && existsSync(`${raw.name}-journal`);
  const schemes = !options.convert ? [CURRENT] : interrupted ? [...FORMER, CURRENT] : [CURRENT, ...FORMER];
  try {
    for (const [i, scheme] of schemes.entries()) {
      try {
        for (const pragma of scheme.pragmas) raw.pragma(pragma);
        raw.pragma(`key="x'${hex}'"`);
        raw.prepare('SELECT count(*) FROM sqlite_master').get();
      } catch (error) {
        if (i < schemes.length - 1 && isUndecryptable(error)) continue;
        throw error;
      }
      if (scheme !== CURRENT) convertToCurrent(raw, hex);
      return;
    }
  } catch (error) {
    if (isUndecryptable(error)) throw new AppError('WRONG_PASSPHRASE', 'The database could not be decrypted with this key.');
    throw error;
  }
}

function isUndecryptable(error: unknown): boolean {
  return error instanceof Error && /not a database|encrypted/i.test(error.message);
}

/** Re-encrypts every page in the current scheme with the same key (SQLite3MultipleCiphers cannot rekey in WAL mode). */
function convertToCurrent(raw: BetterSqlite3.Database, hex: string): void {
  const wal = String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  if (wal) raw.pragma('journal_mode = DELETE');
  for (const pragma of CURRENT.pragmas) raw.pragma(pragma);
  raw.pragma(`rekey="x'${hex}'"`);
  if (wal) raw.pragma('journal_mode = WAL');
}

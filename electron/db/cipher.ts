import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import { syncToDisk } from './syncToDisk';

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
 * Sets the current cipher and the raw 256-bit key on a newly opened connection (no key
 * derivation inside SQLite: the key is already random), and proves the key by reading the schema:
 * a wrong key fails here (WRONG_PASSPHRASE). For connections opened after openEncrypted's.
 */
export function unlockCipher(raw: BetterSqlite3.Database, key: Uint8Array): void {
  try {
    unlockWith(raw, Buffer.from(key).toString('hex'), CURRENT);
  } catch (error) {
    throw isUndecryptable(error) ? wrongKey() : error;
  }
}

/**
 * Opens the database file's first connection, before any other: unlocked as unlockCipher does,
 * and a database written in a former scheme re-encrypted in the current one first.
 *
 * The conversion rewrites every page in place, and SQLite cannot roll that back after a crash
 * (the former scheme's key material sits in the first page, which the new scheme overwrites). So
 * a copy of the file, encrypted as it was, is kept beside it until the conversion has finished; a
 * conversion found interrupted is undone from that copy and started again.
 */
export function openEncrypted(file: string, key: Uint8Array, nativeBinding?: string): BetterSqlite3.Database {
  restoreInterruptedConversion(file);
  const hex = Buffer.from(key).toString('hex');
  for (const scheme of [CURRENT, ...FORMER]) {
    const raw = new BetterSqlite3(file, nativeBinding ? { nativeBinding } : {});
    try {
      unlockWith(raw, hex, scheme);
      if (scheme !== CURRENT) convertToCurrent(raw, file, hex);
      return raw;
    } catch (error) {
      raw.close();
      if (!isUndecryptable(error)) throw error;
    }
  }
  throw wrongKey();
}

function unlockWith(raw: BetterSqlite3.Database, hex: string, scheme: CipherScheme): void {
  // SQLite3MultipleCiphers does not encrypt SQLite's temporary files: from the first statement
  // on (a conversion's rekey included), whatever SQLite needs one for stays in memory.
  raw.pragma('temp_store = MEMORY');
  for (const pragma of scheme.pragmas) raw.pragma(pragma);
  raw.pragma(`key="x'${hex}'"`);
  raw.prepare('SELECT count(*) FROM sqlite_master').get();
}

function isUndecryptable(error: unknown): boolean {
  return error instanceof Error && /not a database|encrypted/i.test(error.message);
}

function wrongKey(): AppError {
  return new AppError('WRONG_PASSPHRASE', userMessage('databaseWrongKey'));
}

/** Where the copy of a database being converted is kept, and where it is written before it counts as kept. */
function conversionBackup(file: string): { kept: string; writing: string } {
  return { kept: `${file}.converting`, writing: `${file}.converting-partial` };
}

/**
 * Re-encrypts every page in the current scheme with the same key, in one transaction, with a
 * copy of the file kept until it is done (SQLite3MultipleCiphers cannot rekey in WAL mode, so the
 * log is folded into the file first).
 */
function convertToCurrent(raw: BetterSqlite3.Database, file: string, hex: string): void {
  const wal = String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  if (wal) raw.pragma('journal_mode = DELETE');
  const backup = conversionBackup(file);
  copyFileSync(file, backup.writing);
  syncToDisk(backup.writing, 'file');
  renameSync(backup.writing, backup.kept);
  syncToDisk(dirname(file), 'folder');
  for (const pragma of CURRENT.pragmas) raw.pragma(pragma);
  raw.pragma(`rekey="x'${hex}'"`);
  if (wal) raw.pragma('journal_mode = WAL');
  rmSync(backup.kept);
}

/**
 * A conversion that did not finish is undone: its copy of the former file takes the file's place.
 * The half-converted file's journal goes first, so that SQLite never plays it back onto the copy.
 */
function restoreInterruptedConversion(file: string): void {
  const backup = conversionBackup(file);
  rmSync(backup.writing, { force: true });
  if (!existsSync(backup.kept)) return;
  for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  renameSync(backup.kept, file);
}

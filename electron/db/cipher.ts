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

/** Where the copy of a database is kept while its pages are rewritten, and where it is written before it counts as kept. */
interface KeptCopy {
  kept: string;
  writing: string;
}

/** The copy kept while a database is converted from a former scheme. */
function conversionBackup(file: string): KeptCopy {
  return { kept: `${file}.converting`, writing: `${file}.converting-partial` };
}

/** The copy, under the old key, kept while a database's key is changed (see electron/security/keyChange.ts). */
function keyChangeBackup(file: string): KeptCopy {
  return { kept: `${file}.rekeying`, writing: `${file}.rekeying-partial` };
}

/** Copies the closed (or folded: no write-ahead log) database file, on the disk before anything rewrites it. */
function keepCopy(file: string, copy: KeptCopy): void {
  copyFileSync(file, copy.writing);
  syncToDisk(copy.writing, 'file');
  renameSync(copy.writing, copy.kept);
  syncToDisk(dirname(file), 'folder');
}

/**
 * Puts a kept copy back in the file's place, if there is one. The rewritten file's journal goes
 * first, so that SQLite never plays it back onto the copy. True if it did.
 */
function restoreCopy(file: string, copy: KeptCopy): boolean {
  // Whatever stands at the half-written copy's name is ours to clear (recursive: even a folder), or nothing would ever open again.
  rmSync(copy.writing, { force: true, recursive: true });
  if (!existsSync(copy.kept)) return false;
  for (const suffix of ['-journal', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  renameSync(copy.kept, file);
  syncToDisk(dirname(file), 'folder');
  return true;
}

/**
 * Rewrites every page in place, in one transaction, after keeping a copy of the file as it was:
 * SQLite cannot always roll a rekey back after a crash (a former scheme keeps its key material in
 * the first page, which the rewrite overwrites), so the copy is what a crash is undone from.
 * SQLite3MultipleCiphers cannot rekey in WAL mode, so the log is folded into the file first.
 */
function rewritePages(raw: BetterSqlite3.Database, file: string, copy: KeptCopy, hex: string, pragmas: string[]): void {
  const wal = String(raw.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
  // SQLite stays in WAL mode while another connection has the file open: the copy would then miss what the log holds.
  if (wal && String(raw.pragma('journal_mode = DELETE', { simple: true })).toLowerCase() !== 'delete') throw new Error('The database is open elsewhere: it cannot be re-encrypted now');
  keepCopy(file, copy);
  for (const pragma of pragmas) raw.pragma(pragma);
  raw.pragma(`rekey="x'${hex}'"`);
  if (wal) raw.pragma('journal_mode = WAL');
}

/** Re-encrypts every page in the current scheme with the same key; the copy goes once it is done. */
function convertToCurrent(raw: BetterSqlite3.Database, file: string, hex: string): void {
  const copy = conversionBackup(file);
  rewritePages(raw, file, copy, hex, CURRENT.pragmas);
  rmSync(copy.kept);
}

/** A conversion that did not finish is undone: its copy of the former file takes the file's place. */
function restoreInterruptedConversion(file: string): void {
  restoreCopy(file, conversionBackup(file));
}

/**
 * Re-encrypts the database `file`, which no connection may hold open, from `oldKey` to `newKey`.
 * A copy under the old key is left beside it: the caller drops it (dropCopyBeforeKeyChange) once
 * the new key is kept where the next start finds it, or puts it back (restoreCopyBeforeKeyChange)
 * if that fails, so that the file always opens with a key that is kept.
 */
export function changeDatabaseKey(file: string, oldKey: Uint8Array, newKey: Uint8Array, nativeBinding?: string): void {
  const raw = openEncrypted(file, oldKey, nativeBinding);
  try {
    rewritePages(raw, file, keyChangeBackup(file), Buffer.from(newKey).toString('hex'), []);
  } finally {
    raw.close();
  }
}

/** The database as it was before its key was changed, back in its place; true if there was a copy to restore. */
export function restoreCopyBeforeKeyChange(file: string): boolean {
  return restoreCopy(file, keyChangeBackup(file));
}

/** Whether a copy from before a key change is still beside the database. */
export function hasCopyBeforeKeyChange(file: string): boolean {
  return existsSync(keyChangeBackup(file).kept);
}

/** The new key is kept: the copy under the old one goes (and one left half written). */
export function dropCopyBeforeKeyChange(file: string): void {
  const copy = keyChangeBackup(file);
  rmSync(copy.writing, { force: true, recursive: true });
  rmSync(copy.kept, { force: true });
}

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hasCopyBeforeKeyChange, openEncrypted } from '../../electron/db/cipher';
import { completeKeyChange, settleInterruptedKeyChange } from '../../electron/security/keyChange';
import { KeyVault } from '../../electron/security/keyVault';

/**
 * The key change's failure paths that need the disk to fail: a flush that cannot be done (an I/O
 * error, a network drive that went away) cannot be made to happen on this machine, so the one
 * function that flushes is made to fail here, at the step each test names; the database, the key
 * file and SQLite's re-encryption are real.
 */
const fault = vi.hoisted(() => ({ failFlush: null as null | ((kind: 'file' | 'folder') => boolean) }));
vi.mock('../../electron/db/syncToDisk', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../electron/db/syncToDisk')>();
  return {
    syncToDisk(path: string, kind: 'file' | 'folder') {
      if (fault.failFlush?.(kind)) throw Object.assign(new Error(`EIO: i/o error, fsync '${path}'`), { code: 'EIO' });
      real.syncToDisk(path, kind);
    },
  };
});

const OLD = 'old passphrase 2026';
const NEW = '新しいパスフレーズ 2026-12';
const ROWS = 500;
/** Quick to unwrap: these tests are about the steps, not the passphrase's cost. */
const CHEAP_SCRYPT = { N: 2 ** 10, r: 8, p: 1 };

let dir: string;
let keyFile: string;
let database: string;
let vault: KeyVault;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'madoguchi-keychange-'));
  keyFile = join(dir, 'key.json');
  database = join(dir, 'madoguchi.db');
  vault = new KeyVault(keyFile, null, CHEAP_SCRYPT);
  const key = await vault.create(OLD);
  const db = openEncrypted(database, key);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO notes (body) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < ROWS; i++) insert.run(`個人データ ${i}`);
  })();
  db.close();
});
afterEach(() => {
  fault.failFlush = null;
  rmSync(dir, { recursive: true, force: true });
});

/** What a passphrase opens: every row, checked, or the error's code. */
async function rowsWith(passphrase: string): Promise<number | string> {
  let key: Buffer;
  try {
    key = await new KeyVault(keyFile, null).unlock(passphrase);
  } catch (error) {
    return (error as { code: string }).code;
  }
  try {
    const db = openEncrypted(database, key);
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      return db.prepare('SELECT count(*) FROM notes').pluck().get() as number;
    } finally {
      db.close();
    }
  } catch (error) {
    return (error as { code?: string }).code ?? 'UNREADABLE';
  }
}

describe('a passphrase change when the disk fails', () => {
  it('keeps the change, and the copy under the old key, when the key file is renamed but its folder cannot be flushed; a power cut that took it back to pending is then undone', async () => {
    const keys = await vault.beginKeyChange(OLD, NEW);
    let pendingKeyFile = '';
    await completeKeyChange(vault, database, keys, {
      onStep: (step) => {
        if (step !== 'rekeyed') return;
        pendingKeyFile = readFileSync(keyFile, 'utf8');
        // The commit writes and flushes the new key file, renames it into place, then flushes its folder: that last flush fails.
        fault.failFlush = (kind) => kind === 'folder';
      },
    });
    fault.failFlush = null;
    // The new key is in the key file: the change stands, and the new passphrase opens everything.
    expect(await rowsWith(NEW)).toBe(ROWS);
    expect(await rowsWith(OLD)).toBe('WRONG_PASSPHRASE');
    // Whether the key file is on the disk is not known: the copy stays, to undo with.
    expect(hasCopyBeforeKeyChange(database)).toBe(true);

    // The power cut: the folder's rename never reached the disk, and the key file is as it was, with the new key pending.
    writeFileSync(keyFile, pendingKeyFile);
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('undone');
    expect(await rowsWith(OLD)).toBe(ROWS);
    expect(await rowsWith(NEW)).toBe('WRONG_PASSPHRASE');
    expect(hasCopyBeforeKeyChange(database)).toBe(false);
  });

  it('drops that copy at the next start only once the key file can be flushed', async () => {
    const keys = await vault.beginKeyChange(OLD, NEW);
    await completeKeyChange(vault, database, keys, { onStep: (step) => step === 'rekeyed' && (fault.failFlush = (kind) => kind === 'folder') });

    // Still failing at the next start: the copy stays, and nothing stands in the way of opening.
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('finished');
    expect(hasCopyBeforeKeyChange(database)).toBe(true);
    expect(await rowsWith(NEW)).toBe(ROWS);

    fault.failFlush = null;
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('finished');
    expect(hasCopyBeforeKeyChange(database)).toBe(false);
    expect(await rowsWith(NEW)).toBe(ROWS);
  });

  it('undoes the change when the new key cannot be flushed to the key file at the commit: the old passphrase opens everything', async () => {
    const keys = await vault.beginKeyChange(OLD, NEW);
    const change = completeKeyChange(vault, database, keys, { onStep: (step) => step === 'rekeyed' && (fault.failFlush = (kind) => kind === 'file') });
    await expect(change).rejects.toMatchObject({ code: 'EIO' });
    fault.failFlush = null;
    // The copy is back; the pending key could not be dropped (the disk still failed): the next start does that.
    expect(hasCopyBeforeKeyChange(database)).toBe(false);
    expect(await rowsWith(OLD)).toBe(ROWS);
    expect(await rowsWith(NEW)).toBe('WRONG_PASSPHRASE');
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('undone');
    expect(vault.hasPendingKeyChange()).toBe(false);
    expect(await rowsWith(OLD)).toBe(ROWS);
  });

  it('undoes the change when the key file lost the pending key meanwhile (changed from outside): the old passphrase opens everything', async () => {
    const before = readFileSync(keyFile, 'utf8');
    const keys = await vault.beginKeyChange(OLD, NEW);
    const change = completeKeyChange(vault, database, keys, { onStep: (step) => step === 'rekeyed' && writeFileSync(keyFile, before) });
    await expect(change).rejects.toThrow('no longer holds the new key');
    expect(await rowsWith(OLD)).toBe(ROWS);
    expect(hasCopyBeforeKeyChange(database)).toBe(false);
    // The next start has nothing to settle, and the data still opens.
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('none');
    expect(await rowsWith(OLD)).toBe(ROWS);
  });

  it('changes nothing when the pending key cannot be flushed at the start', async () => {
    fault.failFlush = (kind) => kind === 'file';
    await expect(vault.beginKeyChange(OLD, NEW)).rejects.toMatchObject({ code: 'EIO' });
    fault.failFlush = null;
    expect(vault.hasPendingKeyChange()).toBe(false);
    expect(await rowsWith(OLD)).toBe(ROWS);
  });

  it('keeps the old key when the copy under it cannot be flushed before the rewrite', async () => {
    const keys = await vault.beginKeyChange(OLD, NEW);
    fault.failFlush = (kind) => kind === 'file';
    await expect(completeKeyChange(vault, database, keys)).rejects.toMatchObject({ code: 'EIO' });
    fault.failFlush = null;
    expect(await rowsWith(OLD)).toBe(ROWS);
    expect(hasCopyBeforeKeyChange(database)).toBe(false);
    expect(settleInterruptedKeyChange(new KeyVault(keyFile, null), database)).toBe('undone');
    expect(vault.hasPendingKeyChange()).toBe(false);
    expect(await rowsWith(OLD)).toBe(ROWS);
  });
});

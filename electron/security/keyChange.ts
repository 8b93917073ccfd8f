import { statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { changeDatabaseKey, dropCopyBeforeKeyChange, hasCopyBeforeKeyChange, restoreCopyBeforeKeyChange } from '../db/cipher';
import { startWorker } from '../workers/startWorker';
import type { KeyChangeWorkerData, KeyChangeWorkerReply } from '../workers/keyChangeWorker';
import { PendingKeyLostError, type KeyChange, type KeyVault } from './keyVault';

/**
 * Changing the passphrase changes the database key too: someone who leaves, and kept the key
 * file or learnt the key, can then open neither the data as it is from now on nor a later copy
 * of it. Re-encrypting every page and keeping the new key are separate steps, each on the disk
 * before the next, so that the file always opens with a key kept in the key file, wherever the
 * process stops:
 *
 *   1. KeyVault.beginKeyChange keeps the new key as pending beside the old one;
 *   2. the database is re-encrypted with it, a copy under the old key kept beside it first;
 *   3. the new key replaces the old one in the key file (KeyVault.commitKeyChange);
 *   4. the copy goes.
 *
 * A stop before 3 is undone on the next start (the copy is put back, the pending key dropped: the
 * old passphrase still opens everything); a stop after 3 is finished (the copy goes).
 */

export type KeyChangeStep = 'rekeyed' | 'committed';

export interface KeyChangeOptions {
  nativeBinding?: string | undefined;
  /** The worker threads' folder: the pages are re-encrypted on one, or on this thread without it. */
  workersDir?: string | undefined;
  /** Told after each step (for tests that stop the process there). */
  onStep?: (step: KeyChangeStep) => void;
}

/**
 * Throws ENOSPC unless the disk holding the database has room for the change: a copy of the file,
 * and SQLite's journal of every page it rewrites, each about the database's size.
 */
export function assertRoomForKeyChange(databaseFile: string): void {
  const size = ['', '-wal'].reduce((total, suffix) => total + (statSync(`${databaseFile}${suffix}`, { throwIfNoEntry: false })?.size ?? 0), 0);
  const disk = statfsSync(dirname(databaseFile));
  if (disk.bavail * disk.bsize < 2 * size + 16 * 1024 * 1024) throw Object.assign(new Error('Not enough free disk space for a key change'), { code: 'ENOSPC' });
}

/**
 * Steps 2 to 4, on a database no connection holds open. Throws only where it has undone the change
 * (the old key still opens the database); once the new key is in the key file, the change stands.
 */
export async function completeKeyChange(vault: KeyVault, databaseFile: string, keys: KeyChange, options: KeyChangeOptions = {}): Promise<void> {
  try {
    await rewriteWithNewKey(databaseFile, keys, options);
    options.onStep?.('rekeyed');
  } catch (error) {
    undoWithoutHiding(error, vault, databaseFile);
  }
  try {
    vault.commitKeyChange();
  } catch (error) {
    if (vault.hasPendingKeyChange()) undoWithoutHiding(error, vault, databaseFile);
    // No key file holds the new key, and the next start would not know to undo: the copy goes back now.
    if (error instanceof PendingKeyLostError) {
      restoreCopyBeforeKeyChange(databaseFile);
      throw error;
    }
    // The new key is in the key file, but whether it is on the disk is not known (its folder could
    // not be flushed): the copy stays, so that a power cut that took the key file back to pending
    // still finds what to undo with. The next start drops it (settleInterruptedKeyChange).
    return;
  }
  options.onStep?.('committed');
  try {
    dropCopyBeforeKeyChange(databaseFile);
  } catch {
    // Held by something else for a moment (a virus scanner): the next start drops it.
  }
}

/**
 * Before the database is opened: a key change the process did not live to finish is undone, or
 * finished where the new key was already kept. Says which, for the log.
 */
export function settleInterruptedKeyChange(vault: KeyVault, databaseFile: string): 'none' | 'undone' | 'finished' {
  if (vault.hasPendingKeyChange()) {
    // The copy first: were the key file told first and the process stopped, the file would keep a key no one has.
    restoreCopyBeforeKeyChange(databaseFile);
    vault.abandonKeyChange();
    return 'undone';
  }
  if (!hasCopyBeforeKeyChange(databaseFile)) return 'none';
  try {
    // The copy goes only once the new key is known to be on the disk: were the key file to fall
    // back to pending in a power cut, the copy is what the change is undone with.
    vault.flush();
    dropCopyBeforeKeyChange(databaseFile);
  } catch {
    // Left for the next start: it stands in the way of nothing.
  }
  return 'finished';
}

/** Undoes the change after `error`, and throws `error` (not whatever undoing it threw: a full disk must still be called one). */
function undoWithoutHiding(error: unknown, vault: KeyVault, databaseFile: string): never {
  try {
    settleInterruptedKeyChange(vault, databaseFile);
  } catch {
    // Left for the next start to settle, before the database is opened.
  }
  throw error;
}

/** Step 2, on a worker thread where there is one: a large database takes seconds, and the main thread must keep answering. */
function rewriteWithNewKey(databaseFile: string, keys: KeyChange, options: KeyChangeOptions): Promise<void> {
  if (!options.workersDir) {
    changeDatabaseKey(databaseFile, keys.oldKey, keys.newKey, options.nativeBinding);
    return Promise.resolve();
  }
  // The worker gets copies of the keys (workerData is copied), and zeroes them when done.
  const data: KeyChangeWorkerData = { file: databaseFile, oldKey: new Uint8Array(keys.oldKey), newKey: new Uint8Array(keys.newKey), nativeBinding: options.nativeBinding };
  let worker: Worker;
  try {
    worker = startWorker(options.workersDir, 'keyChangeWorker', { workerData: data });
  } catch {
    // No worker can start (a broken install): the pages are re-encrypted here.
    return rewriteWithNewKey(databaseFile, keys, { ...options, workersDir: undefined });
  } finally {
    data.oldKey.fill(0);
    data.newKey.fill(0);
  }
  return new Promise<void>((resolve, reject) => {
    worker.once('message', (reply: KeyChangeWorkerReply) => (reply.ok ? resolve() : reject(Object.assign(new Error(reply.message), reply.code ? { code: reply.code } : {}))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`The key change worker stopped (exit ${code})`)));
  });
}

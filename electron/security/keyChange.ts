import { changeDatabaseKey, dropCopyBeforeKeyChange, hasCopyBeforeKeyChange, restoreCopyBeforeKeyChange } from '../db/cipher';
import type { KeyChange, KeyVault } from './keyVault';

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

/** Steps 2 to 4, on a database no connection holds open; `onStep` is told after each (for tests that stop the process there). */
export function completeKeyChange(
  vault: KeyVault,
  databaseFile: string,
  keys: KeyChange,
  options: { nativeBinding?: string; onStep?: (step: KeyChangeStep) => void } = {},
): void {
  try {
    changeDatabaseKey(databaseFile, keys.oldKey, keys.newKey, options.nativeBinding);
    options.onStep?.('rekeyed');
    vault.commitKeyChange();
  } catch (error) {
    // Unless the new key did land in the key file (only its folder's flush to the disk failed),
    // the old key and passphrase stay: the file is put back as it was.
    if (vault.hasPendingKeyChange()) {
      settleInterruptedKeyChange(vault, databaseFile);
      throw error;
    }
  }
  options.onStep?.('committed');
  dropCopyBeforeKeyChange(databaseFile);
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
  const finished = hasCopyBeforeKeyChange(databaseFile);
  dropCopyBeforeKeyChange(databaseFile);
  return finished ? 'finished' : 'none';
}

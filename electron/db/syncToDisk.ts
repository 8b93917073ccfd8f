import { closeSync, fsyncSync, openSync } from 'node:fs';

/**
 * Flushes a file's bytes, or a folder's entries, to the disk: a file written and renamed into
 * place is only sure to be there after a power cut once both are flushed. Windows cannot open a
 * folder to flush it: skipped there.
 */
export function syncToDisk(path: string, kind: 'file' | 'folder'): void {
  if (kind === 'folder' && process.platform === 'win32') return;
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * The worker side of a passphrase change (electron/security/keyChange.ts): re-encrypts every page
 * of the closed database with the new key off the main thread, which meanwhile keeps answering
 * the screens and the operating system (a sleep to lock on). One run per worker; it answers once.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { changeDatabaseKey } from '../db/cipher';

export interface KeyChangeWorkerData {
  file: string;
  oldKey: Uint8Array;
  newKey: Uint8Array;
  nativeBinding?: string | undefined;
}

/** The answer: done, or why not (an error's code, such as ENOSPC or SQLITE_FULL, and its message). */
export type KeyChangeWorkerReply = { ok: true } | { ok: false; code: string | null; message: string };

const { file, oldKey, newKey, nativeBinding } = workerData as KeyChangeWorkerData;
let reply: KeyChangeWorkerReply;
try {
  changeDatabaseKey(file, oldKey, newKey, nativeBinding);
  reply = { ok: true };
} catch (error) {
  const code = (error as { code?: unknown }).code;
  reply = { ok: false, code: typeof code === 'string' ? code : null, message: error instanceof Error ? error.message : String(error) };
} finally {
  oldKey.fill(0);
  newKey.fill(0);
}
parentPort?.postMessage(reply);

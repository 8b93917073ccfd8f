/**
 * The worker side of startBackgroundCheckpoint (electron/db/backgroundCheckpoint.ts): a
 * connection of its own to the encrypted database that copies the write-ahead log into the
 * database file once writing pauses, so that the connection that writes never waits for it.
 * During a long import nothing is copied (every page would be decrypted and encrypted again, and
 * hot index pages copied over and over); what was written is safe in the log meanwhile, and the
 * writing connection checkpoints by itself should the log grow past its limit.
 */
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { parentPort, workerData } from 'node:worker_threads';
import { unlockCipher } from '../db/cipher';

export interface CheckpointWorkerData {
  file: string;
  key: Uint8Array;
  nativeBinding?: string | undefined;
  intervalMs: number;
}

/** 'stop' asks it to close its connection; it answers 'stopped'. */
export type CheckpointMessage = 'stop' | 'stopped';

const { file, key, nativeBinding, intervalMs } = workerData as CheckpointWorkerData;
const raw = new BetterSqlite3(file, nativeBinding ? { nativeBinding } : {});
unlockCipher(raw, key);
// The connection holds the key now: this copy is not kept.
key.fill(0);
// Changes whenever another connection commits.
const dataVersion = raw.prepare('PRAGMA data_version').pluck();
let seen = dataVersion.get();
// Whatever the log holds when this connection opens is copied at the first pause too.
let copied: unknown = null;
const timer = setInterval(() => {
  const now = dataVersion.get();
  const quiet = now === seen;
  seen = now;
  if (!quiet || now === copied) return;
  // PASSIVE: copies what no reader still needs, and never waits for or blocks the writer. What a
  // reader still needed is copied on a later tick.
  const [result] = raw.pragma('wal_checkpoint(PASSIVE)') as Array<{ busy: number; log: number; checkpointed: number }>;
  if (result && result.busy === 0 && result.log === result.checkpointed) copied = now;
}, intervalMs);

parentPort?.on('message', (message: CheckpointMessage) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  raw.close();
  parentPort?.postMessage('stopped' satisfies CheckpointMessage);
  parentPort?.close();
});

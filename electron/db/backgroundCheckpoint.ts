import type { Worker } from 'node:worker_threads';
import { startWorker } from '../workers/startWorker';
import type { CheckpointMessage, CheckpointWorkerData } from '../workers/checkpointWorker';

export interface BackgroundCheckpoint {
  /** Closes the worker's connection and ends it. */
  stop(): Promise<void>;
}

export interface BackgroundCheckpointOptions {
  workersDir: string;
  file: string;
  key: Buffer;
  nativeBinding?: string | undefined;
  /** How long writing must pause before the log is copied into the database file (ms). */
  intervalMs?: number;
  /** The worker could not open the database or stopped: the writing connection must checkpoint again. */
  onFailed(): void;
}

/**
 * Checkpoints the database from a worker thread (electron/workers/checkpointWorker.ts) with its
 * own connection, after writing has paused for half a second. Null when no worker can be started.
 */
export function startBackgroundCheckpoint(options: BackgroundCheckpointOptions): BackgroundCheckpoint | null {
  const data: CheckpointWorkerData = { file: options.file, key: new Uint8Array(options.key), nativeBinding: options.nativeBinding, intervalMs: options.intervalMs ?? 500 };
  let worker: Worker;
  try {
    worker = startWorker(options.workersDir, 'checkpointWorker', { workerData: data });
  } catch {
    return null;
  } finally {
    // The worker has its own copy of the key (workerData is copied): this one is not kept.
    data.key.fill(0);
  }
  worker.unref();
  let stopping = false;
  const failed = () => {
    if (!stopping) options.onFailed();
    stopping = true;
  };
  worker.on('error', failed);
  worker.on('exit', failed);
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      const stopped = new Promise<void>((resolve) => {
        worker.on('message', (message: CheckpointMessage) => message === 'stopped' && resolve());
        worker.on('exit', () => resolve());
      });
      worker.postMessage('stop' satisfies CheckpointMessage);
      await stopped;
      await worker.terminate();
    },
  };
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** The worker threads Madoguchi runs: each an entry file of its own in electron/workers. */
export type WorkerName = 'parseWorker' | 'checkpointWorker' | 'keyChangeWorker';

/**
 * Starts a worker thread from `workersDir`: the folder of the built workers (dist/workers/NAME.cjs,
 * written by scripts/build.mjs), or of their TypeScript sources (electron/workers/NAME.ts) where
 * the app runs from source under tsx (tests, scripts). A worker from source registers tsx's loader
 * first: workers do not inherit the loaders of the thread that starts them.
 * Throws when neither file is there (a broken install): callers then do the work on this thread.
 */
export function startWorker(workersDir: string, name: WorkerName, options: Pick<WorkerOptions, 'workerData' | 'resourceLimits'> = {}): Worker {
  const built = unpacked(join(workersDir, `${name}.cjs`));
  if (existsSync(built)) return new Worker(built, options);
  const source = join(workersDir, `${name}.ts`);
  if (!existsSync(source)) throw new Error(`The worker ${name} is missing from ${workersDir}: rebuild Madoguchi (node scripts/build.mjs)`);
  const url = JSON.stringify(pathToFileURL(source).href);
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${url}); });`, { ...options, eval: true });
}

/**
 * Inside a packaged app the workers are unpacked from the asar archive (see build/electron-builder.yml):
 * a worker thread loads its entry file with plain file access.
 */
function unpacked(file: string): string {
  const outside = file.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  return outside !== file && existsSync(outside) ? outside : file;
}

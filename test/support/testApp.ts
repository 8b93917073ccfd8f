import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { createApp, type App } from '../../electron/app/createApp';
import type { OutboxOptions } from '../../electron/replies/outbox';
import type { SyncServiceOptions } from '../../electron/sync/syncService';
import { createLogger } from '../../electron/logging/logger';
import type { Keychain } from '../../electron/security/keyVault';
import { jsonSettingsStore } from '../../electron/host/jsonSettingsStore';

const WORKERS_SOURCE = fileURLToPath(new URL('../../electron/workers', import.meta.url));

export const TEST_PASSPHRASE = 'correct horse battery staple';

export interface TestApp {
  app: App;
  dataDir: string;
  /** Calls through the router, as a transport does; throws the router's error data on failure. */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** Restarts the main process on the same data directory (a relaunch), unlocked with the passphrase unless told otherwise. */
  restart(options?: { unlock?: boolean }): Promise<void>;
  dispose(): Promise<void>;
}

export class CallFailed extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A real app on a real encrypted database in a temp dir; scrypt made cheap so tests stay quick. */
export async function startTestApp(
  options: {
    now?: () => string;
    operator?: string;
    outbox?: OutboxOptions;
    sync?: SyncServiceOptions;
    /** The worker threads to run (default: their sources, under tsx; the benchmark runs the built ones). */
    workersDir?: string;
    idleLockMs?: number;
    /** Stands in for the OS keychain (Electron's safeStorage), which cannot run here. */
    keychain?: Keychain;
  } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'madoguchi-test-'));
  const make = () =>
    createApp({
      dataDir,
      keychain: options.keychain ?? null,
      settings: jsonSettingsStore(join(dataDir, 'settings.json')),
      logger: createLogger(join(dataDir, 'madoguchi.log')),
      scryptCost: { N: 2 ** 12, r: 8, p: 1 },
      // Parsing and checkpoints on worker threads, as in the app (the workers run from source under tsx).
      workersDir: options.workersDir ?? WORKERS_SOURCE,
      ...(options.now ? { now: options.now } : {}),
      ...(options.outbox ? { outbox: options.outbox } : {}),
      ...(options.idleLockMs ? { idleLockMs: options.idleLockMs } : {}),
      // Tests sync when they say so, unless they test the background sync itself.
      sync: { background: false, ...options.sync },
    });
  const testApp: TestApp = {
    app: make(),
    dataDir,
    async call(method, input) {
      const result = await testApp.app.router.call(method, input);
      if (!result.ok) throw new CallFailed(result.error.code, result.error.message);
      return result.value as never;
    },
    async restart({ unlock = true } = {}) {
      await testApp.app.close();
      testApp.app = make();
      if (unlock) await testApp.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: options.operator ?? '佐藤' });
    },
    async dispose() {
      await testApp.app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await testApp.call('session.create', { passphrase: TEST_PASSPHRASE, operator: options.operator ?? '佐藤' });
  return testApp;
}

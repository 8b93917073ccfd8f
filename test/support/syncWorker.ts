/**
 * A separate main process that unlocks the data directory and syncs one account: the
 * kill-and-resume test SIGKILLs it mid-sync, as a crash or a power cut would.
 * Usage: tsx test/support/syncWorker.ts DATA_DIR ACCOUNT_ID [BATCH_MAILS]
 * BATCH_MAILS makes the batches (one transaction each) small, so that a sync of a few hundred
 * mails commits many times and a kill can land between or inside any of them.
 * With SYNC_WORKER_STEP=1 the worker stops after printing "unlocked" and after each progress
 * line until a byte arrives on stdin, so the test decides exactly where the sync is when it
 * kills it (a sync takes milliseconds, faster than a kill could be aimed from outside).
 * Mails are parsed, and the log checkpointed, on worker threads as in the app, so a kill lands
 * on those too.
 */
import { readSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from '../../electron/app/createApp';
import { jsonSettingsStore } from '../../electron/host/jsonSettingsStore';
import { createLogger } from '../../electron/logging/logger';

const [dataDir, accountId, batchMails] = process.argv.slice(2) as [string, string, string | undefined];
const app = createApp({
  dataDir,
  keychain: null,
  settings: jsonSettingsStore(join(dataDir, 'settings.json')),
  logger: createLogger(null),
  workersDir: join(import.meta.dirname, '..', '..', 'electron', 'workers'),
  sync: { background: false, ...(batchMails ? { limits: { batchMails: Number(batchMails), batchMs: 1000 } } : {}) },
});
const unlocked = await app.router.call('session.unlock', { passphrase: 'correct horse battery staple', operator: 'worker' });
if (!unlocked.ok) throw new Error(unlocked.error.message);
const stepping = process.env.SYNC_WORKER_STEP === '1';
/** Blocks the whole process (the sync included, right where it is) until the test says go on. */
const waitForGo = () => {
  if (stepping) readSync(0, Buffer.alloc(1));
};
process.stdout.write('unlocked\n');
waitForGo();
app.router.onPush((frame) => {
  if (frame.push === 'sync.progress') {
    process.stdout.write(`progress ${JSON.stringify(frame.payload)}\n`);
    waitForGo();
  }
});
const result = await app.router.call('sync.run', { accountId: Number(accountId) });
process.stdout.write(`result ${JSON.stringify(result)}\n`);
await app.close();

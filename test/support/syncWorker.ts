/**
 * A separate main process that unlocks the data directory and syncs one account: the
 * kill-and-resume test SIGKILLs it mid-sync, as a crash or a power cut would.
 * Usage: tsx test/support/syncWorker.ts DATA_DIR ACCOUNT_ID
 */
import { join } from 'node:path';
import { createApp } from '../../electron/app/createApp';
import { jsonSettingsStore } from '../../electron/host/jsonSettingsStore';
import { createLogger } from '../../electron/logging/logger';

const [dataDir, accountId] = process.argv.slice(2) as [string, string];
const app = createApp({
  dataDir,
  keychain: null,
  settings: jsonSettingsStore(join(dataDir, 'settings.json')),
  logger: createLogger(null),
});
const unlocked = await app.router.call('session.unlock', { passphrase: 'correct horse battery staple', operator: 'worker' });
if (!unlocked.ok) throw new Error(unlocked.error.message);
app.router.onPush((frame) => {
  if (frame.push === 'sync.progress') process.stdout.write(`progress ${JSON.stringify(frame.payload)}\n`);
});
const result = await app.router.call('sync.run', { accountId: Number(accountId) });
process.stdout.write(`result ${JSON.stringify(result)}\n`);
await app.close();

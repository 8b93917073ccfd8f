/**
 * A separate process that changes a closed test app's passphrase and database key as the app
 * does (KeyVault.beginKeyChange, then completeKeyChange), so the passphrase-change test can stop
 * it at a step, or SIGKILL it midway through re-encrypting, as a crash or a power cut would.
 * Usage: tsx test/support/keyChanger.ts DATA_DIR CURRENT NEXT STOP_AT
 *   STOP_AT: 'begun' (the new key kept as pending), 'rekeyed', 'committed', or 'never'.
 * Prints "rekeying" once the new key is pending and "done" when all is finished.
 */
import { join } from 'node:path';
import { completeKeyChange } from '../../electron/security/keyChange';
import { KeyVault } from '../../electron/security/keyVault';

const [dataDir, current, next, stopAt] = process.argv.slice(2) as [string, string, string, string];
const stop = (step: string) => {
  if (step === stopAt) process.kill(process.pid, 'SIGKILL');
};
// The test app's scrypt cost (see testApp.ts).
const vault = new KeyVault(join(dataDir, 'key.json'), null, { N: 2 ** 12, r: 8, p: 1 });
const keys = await vault.beginKeyChange(current, next);
stop('begun');
process.stdout.write('rekeying\n');
await completeKeyChange(vault, join(dataDir, 'madoguchi.db'), keys, { onStep: stop });
process.stdout.write('done\n');

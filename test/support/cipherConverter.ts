/**
 * A separate process that opens a database with the cipher conversion on, so the conversion test
 * can SIGKILL it midway, as a crash or a power cut would.
 * Usage: tsx test/support/cipherConverter.ts FILE KEY_HEX
 * Prints "converting" right before it opens the database and "done" after.
 */
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { unlockCipher } from '../../electron/db/cipher';

const [file, keyHex] = process.argv.slice(2) as [string, string];
process.stdout.write('converting\n');
const raw = new BetterSqlite3(file);
unlockCipher(raw, Buffer.from(keyHex, 'hex'), { convert: true });
raw.close();
process.stdout.write('done\n');

/**
 * A separate process that opens a database with the cipher conversion on, so the conversion test
 * can SIGKILL it midway (copying the file, or rewriting its pages), as a crash or a power cut would.
 * Usage: tsx test/support/cipherConverter.ts FILE KEY_HEX
 * Prints "converting" right before it opens the database and "done" after.
 */
import { openEncrypted } from '../../electron/db/cipher';

const [file, keyHex] = process.argv.slice(2) as [string, string];
process.stdout.write('converting\n');
openEncrypted(file, Buffer.from(keyHex, 'hex')).close();
process.stdout.write('done\n');

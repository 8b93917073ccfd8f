import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type OpenedDatabase } from '../../electron/db/openDatabase';

const WORKERS = fileURLToPath(new URL('../../electron/workers', import.meta.url));
const MARKER = 'チェックポイント確認用の個人データ';

let dir = '';
let opened: OpenedDatabase | null = null;
afterEach(async () => {
  await opened?.close();
  opened = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function writeRows(database: OpenedDatabase, rows: number): void {
  database.raw.exec('CREATE TABLE IF NOT EXISTS probe (text TEXT NOT NULL)');
  const insert = database.raw.prepare('INSERT INTO probe (text) VALUES (?)');
  database.raw.transaction(() => {
    for (let i = 0; i < rows; i++) insert.run(`${MARKER} ${i} ${'あ'.repeat(400)}`);
  })();
}

describe('checkpoints on a worker thread', () => {
  it('copies the log into the encrypted database file once writing pauses, and the data reads back after reopening', async () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-checkpoint-'));
    const file = join(dir, 'madoguchi.db');
    const key = randomBytes(32);
    opened = openDatabase({ file, key: Buffer.from(key), workersDir: WORKERS });
    const sizeBefore = statSync(file).size;
    writeRows(opened, 3000);
    // About 4 MB were written: into the log, not (yet) the database file: the writing connection does not checkpoint.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(3_000_000);
    await expect.poll(() => statSync(file).size, { timeout: 15_000, interval: 100 }).toBeGreaterThan(sizeBefore + 3_000_000);
    // Copied encrypted, like everything else on disk.
    expect(readFileSync(file).includes(Buffer.from(MARKER))).toBe(false);

    await opened.close();
    opened = openDatabase({ file, key: Buffer.from(key) });
    expect(opened.raw.prepare('SELECT count(*) FROM probe').pluck().get()).toBe(3000);
  });

  it('without worker threads, the writing connection checkpoints as before', async () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-checkpoint-'));
    const file = join(dir, 'madoguchi.db');
    opened = openDatabase({ file, key: randomBytes(32) });
    const sizeBefore = statSync(file).size;
    // More than its automatic checkpoint's 8192 pages (32 MB).
    writeRows(opened, 30_000);
    expect(statSync(file).size).toBeGreaterThan(sizeBefore + 20_000_000);
  });
});

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEncrypted } from '../../electron/db/cipher';
import { KeyVault } from '../../electron/security/keyVault';
import { inspectDatabase } from '../support/inspectDatabase';
import { runKillable } from '../support/killableChild';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';
import { testKeychain } from '../support/testKeychain';

const NEW_PASSPHRASE = '新しいパスフレーズ 2026-12';
const MARKER = 'パスフレーズ変更の確認用の個人データ';

let t: TestApp | null = null;
afterEach(async () => {
  await t?.dispose();
  t = null;
});

async function logInquiry(app: TestApp): Promise<number> {
  const logged = await app.call('inquiries.logOffline', {
    channel: 'post',
    newCustomer: { name: '山田花子', email: 'hanako@example.jp' },
    receivedAt: '2026-11-24T01:00:00.000Z',
    subject: MARKER,
    body: '住所変更のお願いです。',
  });
  return logged.id;
}

/** What a passphrase opens of the app's data: the subjects of its inquiries, or the error's code. */
async function subjectsWith(app: TestApp, passphrase: string): Promise<string[] | string> {
  try {
    await app.call('session.unlock', { passphrase, operator: '佐藤' });
  } catch (error) {
    return (error as { code: string }).code;
  }
  const subjects = (await app.call('inquiries.list', {})).map((inquiry) => inquiry.subject);
  await app.call('session.lock', {});
  return subjects;
}

/** Files a key change leaves beside the database while it runs. */
function leftovers(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => /\.rekeying/.test(name));
}

describe('changing the passphrase', () => {
  it('changes the database key with it: the data stays, and neither the old passphrase nor a copy of the old key file opens it', async () => {
    t = await startTestApp();
    await logInquiry(t);
    const keyFile = join(t.dataDir, 'key.json');
    const database = join(t.dataDir, 'madoguchi.db');
    // What someone who leaves may have kept: the key file, and the passphrase.
    copyFileSync(keyFile, join(t.dataDir, 'kept-by-someone-who-left.json'));
    const oldKey = await new KeyVault(keyFile, null).unlock(TEST_PASSPHRASE);

    const sessionPushes: boolean[] = [];
    t.app.router.onPush((frame) => frame.push === 'session.changed' && sessionPushes.push((frame.payload as { unlocked: boolean }).unlocked));
    await t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: NEW_PASSPHRASE });
    // Staff carry on where they were: the session stays open, under the same operator, and no screen was told it locked.
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true, operator: '佐藤' });
    expect(sessionPushes).toEqual([true]);
    expect((await t.call('inquiries.list', {})).map((inquiry) => inquiry.subject)).toEqual([MARKER]);
    await t.call('session.lock', {});

    expect(await subjectsWith(t, TEST_PASSPHRASE)).toBe('WRONG_PASSPHRASE');
    expect(await subjectsWith(t, NEW_PASSPHRASE)).toEqual([MARKER]);
    expect(() => openEncrypted(database, oldKey)).toThrow(expect.objectContaining({ code: 'WRONG_PASSPHRASE' }));
    const keptKey = await new KeyVault(join(t.dataDir, 'kept-by-someone-who-left.json'), null).unlock(TEST_PASSPHRASE);
    expect(() => openEncrypted(database, keptKey)).toThrow(expect.objectContaining({ code: 'WRONG_PASSPHRASE' }));
    expect(await inspectDatabase(t.dataDir, (raw) => raw.pragma('integrity_check', { simple: true }), NEW_PASSPHRASE)).toBe('ok');
    // Nothing left behind: no copy under the old key, no pending key, and the data still encrypted.
    expect(leftovers(t.dataDir)).toEqual([]);
    expect(JSON.parse(readFileSync(keyFile, 'utf8'))).not.toHaveProperty('pending');
    expect(readFileSync(database).includes(Buffer.from(MARKER))).toBe(false);
  });

  it("keeps the OS keychain's unlock: the keychain now holds the new key", async () => {
    t = await startTestApp({ keychain: testKeychain() });
    await logInquiry(t);
    await t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: NEW_PASSPHRASE });
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false, keychainUnlock: true });
    await t.call('session.unlock', { operator: '佐藤' });
    expect((await t.call('inquiries.list', {})).map((inquiry) => inquiry.subject)).toEqual([MARKER]);
  });

  it('refuses a wrong current passphrase and changes nothing, the session left open', async () => {
    t = await startTestApp();
    await logInquiry(t);
    const keyFile = readFileSync(join(t.dataDir, 'key.json'));
    await expect(t.call('session.changePassphrase', { current: 'not the passphrase', next: NEW_PASSPHRASE })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
    expect(readFileSync(join(t.dataDir, 'key.json'))).toEqual(keyFile);
    await t.call('session.lock', {});
    expect(await subjectsWith(t, TEST_PASSPHRASE)).toEqual([MARKER]);
  });

  it('says so when the change fails midway, and leaves the old passphrase and the session as they were', async () => {
    t = await startTestApp();
    await logInquiry(t);
    // The copy kept while re-encrypting cannot be written (as on a full disk): here, a folder stands at its name.
    mkdirSync(join(t.dataDir, 'madoguchi.db.rekeying-partial'));
    await expect(t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: NEW_PASSPHRASE })).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('Nothing was changed: the current passphrase still unlocks'),
    });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
    expect((await t.call('inquiries.list', {})).map((inquiry) => inquiry.subject)).toEqual([MARKER]);
    expect(JSON.parse(readFileSync(join(t.dataDir, 'key.json'), 'utf8'))).not.toHaveProperty('pending');
    expect(leftovers(t.dataDir)).toEqual([]);
    await t.call('session.lock', {});
    expect(await subjectsWith(t, NEW_PASSPHRASE)).toBe('WRONG_PASSPHRASE');
    expect(await subjectsWith(t, TEST_PASSPHRASE)).toEqual([MARKER]);
    expect(readFileSync(join(t.dataDir, 'madoguchi.log'), 'utf8')).toContain('session.passphrase_change_failed');
  });

  it('refuses at once, saying why, when the disk has no room for the copy and the journal', async (context) => {
    // A small disk of its own: a tmpfs, where this machine lets the tests mount one (as root).
    const disk = mkdtempSync(join(tmpdir(), 'madoguchi-small-disk-'));
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', disk]).status !== 0) {
      rmSync(disk, { recursive: true, force: true });
      console.log('No tmpfs can be mounted here (not root): the full-disk passphrase change test was skipped');
      return context.skip();
    }
    const tmp = process.env.TMPDIR;
    try {
      process.env.TMPDIR = disk;
      t = await startTestApp();
      await logInquiry(t);
      await t.call('session.lock', {});
      // About 14 MB of data: a change would need twice that and more, on a disk with some 26 MB left.
      await inspectDatabase(t.dataDir, (raw) => {
        raw.exec('CREATE TABLE probe (b BLOB NOT NULL)');
        const insert = raw.prepare('INSERT INTO probe (b) VALUES (randomblob(100000))');
        raw.transaction(() => {
          for (let n = 0; n < 140; n++) insert.run();
        })();
      });
      await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
      await expect(t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: NEW_PASSPHRASE })).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('not enough free disk space'),
      });
      expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
      expect(JSON.parse(readFileSync(join(t.dataDir, 'key.json'), 'utf8'))).not.toHaveProperty('pending');
      await t.call('session.lock', {});
      expect(await subjectsWith(t, TEST_PASSPHRASE)).toEqual([MARKER]);
      await t.dispose();
      t = null;
    } finally {
      process.env.TMPDIR = tmp;
      if (tmp === undefined) delete process.env.TMPDIR;
      spawnSync('umount', [disk]);
      rmSync(disk, { recursive: true, force: true });
    }
  });

  it('refuses a new passphrase that is too short, or the same as the current one, saying so', async () => {
    t = await startTestApp();
    await expect(t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: 'short' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('10') });
    await expect(t.call('session.changePassphrase', { current: TEST_PASSPHRASE, next: TEST_PASSPHRASE })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('same as the current one'),
    });
  });

  it('loses nothing when the process stops at any point of the change: one passphrase, old or new, opens all of the data', async () => {
    t = await startTestApp();
    await logInquiry(t);
    await t.call('session.lock', {});
    // Enough pages that re-encrypting them takes a while, so that kills land inside it.
    const rows = 8_000;
    await inspectDatabase(t.dataDir, (raw) => {
      raw.exec('CREATE TABLE probe (n INTEGER NOT NULL, text TEXT NOT NULL)');
      const insert = raw.prepare('INSERT INTO probe (n, text) VALUES (?, ?)');
      raw.transaction(() => {
        for (let n = 0; n < rows; n++) insert.run(n, `${MARKER} ${n} ${'あ'.repeat(600)}`);
      })();
    });
    await t.restart({ unlock: false });
    await t.app.close();
    const dataDir = t.dataDir;

    /** Runs the change in a child process, stopped at `stopAt` or killed `killAfterMs` after it starts re-encrypting. */
    const change = (current: string, next: string, stopAt: string, killAfterMs: number | null = null) => runKillable('keyChanger.ts', [dataDir, current, next, stopAt], 'rekeying', killAfterMs);

    /** After a stop, the app settles what was left: exactly one of the two opens, with every row. Returns which. */
    const opensWith = async (current: string, next: string): Promise<string> => {
      await t!.restart({ unlock: false });
      const withNext = await subjectsWith(t!, next);
      const withCurrent = await subjectsWith(t!, current);
      await t!.app.close();
      const opened = Array.isArray(withNext) ? next : current;
      expect([withNext, withCurrent].filter(Array.isArray)).toEqual([[MARKER]]);
      expect([withNext, withCurrent].filter((result) => !Array.isArray(result))).toEqual(['WRONG_PASSPHRASE']);
      const [count, sum, integrity] = await inspectDatabase(dataDir, (raw) => [...(raw.prepare('SELECT count(*), sum(n) FROM probe').raw().get() as number[]), raw.pragma('integrity_check', { simple: true })], opened);
      expect([count, sum, integrity]).toEqual([rows, (rows * (rows - 1)) / 2, 'ok']);
      expect(leftovers(dataDir)).toEqual([]);
      return opened;
    };

    let current = TEST_PASSPHRASE;
    let next = NEW_PASSPHRASE;
    // Stopped after a step: before the new key is kept, the change is undone; after, it is finished.
    for (const [stopAt, changed] of [['begun', false], ['rekeyed', false], ['committed', true]] as const) {
      expect((await change(current, next, stopAt)).finished).toBe(false);
      expect(await opensWith(current, next)).toBe(changed ? next : current);
      if (changed) [current, next] = [next, current];
    }
    const whole = await change(current, next, 'never');
    expect(whole.finished).toBe(true);
    expect(await opensWith(current, next)).toBe(next);
    [current, next] = [next, current];
    // Killed at moments through re-encrypting: each time, one passphrase opens everything.
    let insideRewrite = 0;
    for (const share of [0.15, 0.3, 0.45, 0.6, 0.75, 0.9]) {
      const run = await change(current, next, 'never', Math.round(whole.ms * share));
      if (!run.finished && existsSync(join(dataDir, 'madoguchi.db.rekeying'))) insideRewrite++;
      if ((await opensWith(current, next)) === next) [current, next] = [next, current];
    }
    expect(insideRewrite).toBeGreaterThan(0);
    // The app the afterEach disposes.
    await t.restart({ unlock: false });
  }, 180_000);
});

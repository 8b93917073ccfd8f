import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';
import { testKeychain } from '../support/testKeychain';
import { waitFor } from '../support/waitFor';

/**
 * Unlocking, locking and setting up happen one at a time, in the order asked, however they
 * overlap: two windows of the loopback host unlocking at once, or the computer going to sleep
 * (a lock) while an unlock still derives its key.
 */
describe('session changes that overlap', () => {
  let t: TestApp;
  afterEach(async () => t?.dispose());

  /** Every session opened is closed again: as many "unlocked" pushes as "locked" ones once all is locked. */
  function sessionPushes(): { opened: number; closed: number } {
    const counts = { opened: 0, closed: 0 };
    t.app.router.onPush((frame) => {
      if (frame.push !== 'session.changed') return;
      if ((frame.payload as { unlocked: boolean }).unlocked) counts.opened++;
      else counts.closed++;
    });
    return counts;
  }

  it('two unlocks at once leave one session, which the lock closes', async () => {
    t = await startTestApp();
    await t.call('session.lock', {});
    const counts = sessionPushes();
    await Promise.all([
      t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' }),
      t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '鈴木' }),
    ]);
    // The later one is the session: its operator is who acts.
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true, operator: '鈴木' });
    await t.call('session.lock', {});
    expect(counts).toEqual({ opened: 2, closed: 2 });
  });

  it('locks by itself when no screen has shown staff at it for the idle time, and not while they are', async () => {
    t = await startTestApp({ idleLockMs: 3000 });
    const counts = sessionPushes();
    // Someone at the screen: a key or a click every half second.
    const started = Date.now();
    while (Date.now() - started < 4500) {
      await t.call('session.touch', {});
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
    // Left alone.
    await waitFor('the idle lock', async () => !(await t.call('session.status', {})).unlocked);
    expect(counts.closed).toBe(1);
    await expect(t.call('inquiries.list', {})).rejects.toMatchObject({ code: 'LOCKED' });
  });

  it('a lock asked for while an unlock is under way locks once the unlock is done', async () => {
    t = await startTestApp();
    await t.call('session.lock', {});
    const unlocking = t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    const locking = t.call('session.lock', {});
    await Promise.all([unlocking, locking]);
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false });
    await expect(t.call('inquiries.list', {})).rejects.toMatchObject({ code: 'LOCKED' });
  });

  it('after a lock only the passphrase unlocks, a restart too, until it has been entered: then the keychain serves again', async () => {
    t = await startTestApp({ keychain: testKeychain() });
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false, keychainUnlock: true });
    await t.call('session.unlock', { operator: '佐藤' });
    await t.call('session.lock', {});
    // An unattended desk after the idle lock: a blank passphrase no longer opens the data.
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false, keychainUnlock: false });
    await expect(t.call('session.unlock', { operator: '佐藤' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE', message: expect.stringContaining('Madoguchi was locked') });
    // Closing the app and starting it again does not undo the lock.
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false, keychainUnlock: false });
    await expect(t.call('session.unlock', { operator: '佐藤' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(t.call('session.unlock', { passphrase: 'not the passphrase', operator: '佐藤' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await t.call('session.status', {})).toMatchObject({ keychainUnlock: false });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
    // An open session is not taken over by the keychain (that would lock it first).
    await expect(t.call('session.unlock', { operator: '鈴木' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true, operator: '佐藤' });
    // Quit while unlocked: the next start is unlocked by the keychain again.
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ keychainUnlock: true });
    await t.call('session.unlock', { operator: '佐藤' });
    const log = readFileSync(join(t.dataDir, 'madoguchi.log'), 'utf8');
    expect(log).toMatch(/session\.unlocked.*"with":"keychain"/);
    expect(log).toMatch(/session\.unlocked.*"with":"passphrase"/);
  });

  it('a wrong passphrase while a session is open leaves it open, and the keychain as it was; the right one takes it over', async () => {
    t = await startTestApp({ keychain: testKeychain() });
    await t.restart({ unlock: false });
    await t.call('session.unlock', { operator: '佐藤' });
    const counts = sessionPushes();
    await expect(t.call('session.unlock', { passphrase: 'not the passphrase', operator: '通りがかり' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true, operator: '佐藤', keychainUnlock: true });
    await expect(t.call('inquiries.list', {})).resolves.toEqual([]);
    expect(counts).toEqual({ opened: 0, closed: 0 });

    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '鈴木' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true, operator: '鈴木' });
    expect(counts).toEqual({ opened: 1, closed: 1 });
    // The passphrase was given: the next start is unlocked by the keychain as before.
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ keychainUnlock: true });
  });

  it('a call still running when the session locks answers LOCKED, not with the data it read: the screens have just forgotten it', async () => {
    t = await startTestApp();
    const logged = await t.call('inquiries.logOffline', {
      channel: 'phone',
      newCustomer: { name: '山田 花子', email: 'hanako@example.jp' },
      receivedAt: '2026-12-01T00:00:00.000Z',
      subject: '電話',
      body: 'カタログ希望',
    });
    const order: string[] = [];
    t.app.router.onPush((frame) => frame.push === 'session.changed' && order.push('locked'));
    const reading = t.app.router.call('customers.get', { id: logged.customerId }).then((result) => {
      order.push('answered');
      return result;
    });
    await t.call('session.lock', {});
    const answer = await reading;
    // The lock came first: the answer carries no customer data.
    expect(order).toEqual(['locked', 'answered']);
    expect(answer).toMatchObject({ ok: false, error: { code: 'LOCKED', message: expect.stringContaining('locked before this was answered') } });
    expect(JSON.stringify(answer)).not.toContain('山田');
  });

  it('a key file that cannot be written at a lock still locks, and the keychain no longer unlocks', async () => {
    t = await startTestApp({ keychain: testKeychain() });
    await t.restart({ unlock: false });
    await t.call('session.unlock', { operator: '佐藤' });
    // Something in the way of the key file's rewrite (a full disk, a file held open on Windows).
    mkdirSync(join(t.dataDir, 'key.json.tmp', 'in-the-way'), { recursive: true });
    await t.call('session.lock', {});
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: false, keychainUnlock: false });
    await expect(t.call('inquiries.list', {})).rejects.toMatchObject({ code: 'LOCKED' });
    await expect(t.call('session.unlock', { operator: '通りがかり' })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect(await t.call('session.status', {})).toMatchObject({ unlocked: true });
    expect(readFileSync(join(t.dataDir, 'madoguchi.log'), 'utf8')).toContain('session.keychain_disarm_failed');
  });
});

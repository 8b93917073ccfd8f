import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { unlockCipher } from '../../electron/db/cipher';
import { diskContainsAny } from '../support/diskScan';
import { CallFailed, startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';

describe('personal data at rest', () => {
  let t: TestApp;
  afterEach(async () => t?.dispose());

  it('writes no personal data in plaintext anywhere in the data directory', async () => {
    t = await startTestApp();
    const personal = ['山田花子', 'hanako.yamada@example.jp', '090-1234-5678', '東京都千代田区丸の内1-1-1', '返品したいのですが', 'ImapSecret-123'];
    await t.call('accounts.save', {
      label: 'Support',
      imapHost: '127.0.0.1',
      imapPort: 1143,
      imapTls: false,
      imapUser: 'support',
      imapPassword: 'ImapSecret-123',
      smtpHost: '127.0.0.1',
      smtpPort: 1025,
      smtpTls: false,
      smtpUser: '',
      fromAddress: 'support@toot.example',
      fromName: 'TOOT サポート',
    });
    const inquiry = await t.call('inquiries.logOffline', {
      channel: 'post',
      newCustomer: { name: '山田花子', email: 'hanako.yamada@example.jp', phone: '090-1234-5678', postalAddress: '東京都千代田区丸の内1-1-1' },
      receivedAt: '2026-11-24T01:00:00.000Z',
      subject: '返品について',
      body: '返品したいのですが、手続きを教えてください。',
    });
    await t.call('consent.record', {
      customerId: inquiry.customerId,
      action: 'grant',
      purposes: ['new_product_information'],
      channels: ['email'],
      source: 'post',
      evidence: '返品したいのですが、新商品の案内は希望します（はがき）',
    });
    // While open (WAL and all) and after closing, nothing readable may be on disk.
    expect(diskContainsAny(t.dataDir, personal)).toEqual([]);
    await t.app.close();
    expect(diskContainsAny(t.dataDir, personal)).toEqual([]);

    // And the data is really there for whoever holds the passphrase.
    await t.restart();
    const detail = await t.call('customers.get', { id: inquiry.customerId });
    expect(detail.customer.name).toBe('山田花子');
    expect(detail.customer.postalAddress).toBe('東京都千代田区丸の内1-1-1');
  });

  it('cannot be opened without the key, not even as plain SQLite', async () => {
    t = await startTestApp();
    await t.app.close();
    const db = new BetterSqlite3(join(t.dataDir, 'madoguchi.db'));
    expect(() => db.prepare('SELECT count(*) FROM sqlite_master').get()).toThrow(/not a database/);
    db.close();
  });

  it('refuses a wrong passphrase with a clear error and keeps the data for the right one', async () => {
    t = await startTestApp();
    await t.call('inquiries.logOffline', {
      channel: 'phone',
      newCustomer: { name: '鈴木一郎' },
      receivedAt: '2026-11-24T01:00:00.000Z',
      subject: '電話',
      body: 'メモ',
    });
    await t.call('session.lock', {});
    const attempt = t.call('session.unlock', { passphrase: 'not the passphrase', operator: '佐藤' });
    await expect(attempt).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    await expect(attempt).rejects.toThrow(/Wrong passphrase/);
    await expect(t.call('inquiries.list', {})).rejects.toMatchObject({ code: 'LOCKED' });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
  });

  it('refuses to set up anew over data whose key file is missing, says what to restore, and opens once it is back', async () => {
    t = await startTestApp();
    await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '鈴木一郎' }, receivedAt: '2026-11-24T01:00:00.000Z', subject: '電話', body: 'メモ' });
    await t.app.close();
    const keyFile = join(t.dataDir, 'key.json');
    const kept = readFileSync(keyFile);
    rmSync(keyFile);
    await t.restart({ unlock: false });
    expect(await t.call('session.status', {})).toMatchObject({ initialized: false });

    await expect(t.call('session.create', { passphrase: 'a new passphrase here', operator: '佐藤' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('its key file (key.json) is missing: put key.json back from your backup'),
    });
    expect(existsSync(keyFile)).toBe(false);

    writeFileSync(keyFile, kept);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
  });

  it('refuses a database written by a newer Madoguchi instead of touching it', async () => {
    t = await startTestApp();
    await t.call('session.lock', {});
    // Raise the schema version from outside, with the real key, as a newer app would have.
    const { KeyVault } = await import('../../electron/security/keyVault');
    const key = await new KeyVault(join(t.dataDir, 'key.json'), null).unlock(TEST_PASSPHRASE);
    const raw = new BetterSqlite3(join(t.dataDir, 'madoguchi.db'));
    unlockCipher(raw, key);
    raw.pragma('user_version = 999');
    raw.close();
    const attempt = t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    await expect(attempt).rejects.toBeInstanceOf(CallFailed);
    await expect(attempt).rejects.toMatchObject({ code: 'DATABASE_FROM_FUTURE' });
  });
});

import { expect, test, type Page } from '@playwright/test';
import { startWithSyncedAccount } from './steps';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startWorld, type World } from './world';

/**
 * A colleague answers a customer from another mail client and deletes another mail on the
 * server: after the next sync (QRESYNC on a real Dovecot) the thread says so, in Japanese.
 */
const SUPPORT = 'support@toot.example';
let world: World;
let dovecot: DovecotServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'changes', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  ({ dovecot, page } = world);
});
test.afterAll(async () => world?.stop());

test('mails answered in another mail client or deleted on the server are marked in the thread', async () => {
  const mail = (n: number, subject: string) =>
    japaneseMail({ from: `customer${n}@example.jp`, fromName: `お客様 ${n}`, to: SUPPORT, subject, text: 'ご確認ください。', messageId: `<server-change-${n}@example.jp>` });
  await dovecot.appendMails([mail(1, '同僚が返信した問い合わせ'), mail(2, 'サーバーで削除された問い合わせ')]);
  const { row, sync } = await startWithSyncedAccount(page, world, SUPPORT, 2);

  await dovecot.withClient(async (client) => {
    await client.mailboxOpen('INBOX');
    await client.messageFlagsAdd('1', ['\\Answered'], { uid: true });
    await client.messageDelete('2', { uid: true });
  });
  await sync.click();
  await expect(row.getByTestId('sync-fetched')).toHaveText('0', { timeout: 60_000 });

  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '同僚が返信した問い合わせ' }).click();
  await expect(page.getByTestId('message-answered-elsewhere')).toHaveText('他のメールソフトで返信済み');
  await expect(page.getByTestId('message-removed-on-server')).toHaveCount(0);
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: 'サーバーで削除された問い合わせ' }).click();
  await expect(page.getByTestId('message-removed-on-server')).toHaveText('サーバーのフォルダから削除・移動済み');
});

import { expect, test, type Page } from '@playwright/test';
import { INQUIRY_LIST_LIMIT } from '../../shared/domain';
import { startWithSyncedAccount } from './steps';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startWorld, type World } from './world';

/**
 * More open inquiries than a page: the inbox lists the newest, says there are more, and reads the
 * next page when asked; a sync meanwhile keeps the pages read.
 */
const SUPPORT = 'support@toot.example';
const EXTRA = 7;
let world: World;
let dovecot: DovecotServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'paging', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  ({ dovecot, page } = world);
});
test.afterAll(async () => world?.stop());

test('the inbox reads the next page of inquiries when asked, and keeps it through a sync', async () => {
  test.setTimeout(180_000);
  const count = INQUIRY_LIST_LIMIT + EXTRA;
  // Mail n is dated n seconds after the first: mail 0 is the oldest, listed last.
  const start = Date.now() - 3_600_000;
  const mail = (n: number) =>
    japaneseMail({ from: `customer${n}@example.jp`, fromName: `お客様 ${n}`, to: SUPPORT, subject: `ページ送りの問い合わせ ${n}`, text: 'ご確認ください。', messageId: `<paging-${n}@example.jp>`, date: new Date(start + n * 1000).toUTCString() });
  await dovecot.appendMails(Array.from({ length: count }, (_, n) => mail(n)));
  const { row, sync } = await startWithSyncedAccount(page, world, SUPPORT, count);

  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId('inbox-count')).toHaveText(`新しい順に${INQUIRY_LIST_LIMIT}件を表示しています（さらにあります）`);
  await page.getByTestId('inbox-load-more').click();
  await expect(page.getByTestId('inbox-count')).toHaveText(`${count}件`);
  await expect(page.getByTestId('inbox-load-more')).toHaveCount(0);
  // The oldest is at the end of the list, once.
  await page.locator('.table-scroll').evaluate((list) => list.scrollTo(0, list.scrollHeight));
  await expect(page.getByTestId('inquiry-row-subject').filter({ hasText: /^ページ送りの問い合わせ 0$/ })).toHaveCount(1);

  // New mail arrives: the list, read again, keeps every page it had, with the new one first.
  await dovecot.appendMail(mail(count));
  await page.getByTestId('nav-settings').click();
  await sync.click();
  await expect(row.getByTestId('sync-new')).toHaveText('1', { timeout: 60_000 });
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId('inbox-count')).toHaveText(`新しい順に${count}件を表示しています（さらにあります）`);
  await page.getByTestId('inbox-load-more').click();
  await expect(page.getByTestId('inbox-count')).toHaveText(`${count + 1}件`);
});

import { expect, test, type Page } from '@playwright/test';
import { fillNewCustomerInquiry, setUpSession } from './steps';
import { startWorld, type World } from './world';

/**
 * Two windows amend one customer: the page reloads the customer when the other window's change is
 * pushed, but the form still stands for the details it was opened with, so saving it is refused
 * rather than putting the other window's correction back unseen.
 */
let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'amendment-conflict' });
  page = world.page;
});
test.afterAll(async () => world?.stop());

test('an amendment opened before another window changed the details is refused, and what was typed stays', async () => {
  await setUpSession(page, world.host.url, '松本 恵', 'correct horse battery staple');
  // The address typed with the input method still in full width: the browser's own e-mail check would refuse it, Madoguchi reads it as ASCII.
  const logForm = await fillNewCustomerInquiry(page, { channel: 'phone', name: '小林 大輔', email: 'ｏｌｄ＠ｅｘａｍｐｌｅ．ｊｐ', subject: '登録アドレスの変更', body: 'メールアドレスを変えたいとのお電話。' });
  await logForm.getByTestId('log-submit').click();
  await page.getByTestId('inquiry-customer-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText('小林 大輔');

  await page.getByTestId('customer-amend').click();
  const form = page.getByTestId('amend-form');
  await expect(form.getByTestId('amend-email')).toHaveValue('old@example.jp');
  await form.getByTestId('amend-phone').fill('090-1111-2222');
  await form.getByTestId('amend-evidence').fill('お電話で本人確認のうえ、電話番号の追加');

  // Meanwhile another window corrects the address.
  const other = await world.context.newPage();
  try {
    await other.goto(world.host.url);
    await other.getByTestId('nav-customers').click();
    await other.getByTestId('customer-search').fill('小林');
    await other.getByTestId(/^customer-row-\d+$/).filter({ hasText: '小林 大輔' }).click();
    await other.getByTestId('customer-amend').click();
    const otherForm = other.getByTestId('amend-form');
    await otherForm.getByTestId('amend-email').fill('new@example.jp');
    await otherForm.getByTestId('amend-evidence').fill('メールで申し出、旧アドレスは他人のものになったとのこと');
    await otherForm.getByTestId('amend-submit').click();
    await expect(other.getByTestId('amend-form')).toHaveCount(0);
  } finally {
    await other.close();
  }
  // This window's page follows the change…
  await expect(page.getByTestId('customer-email')).toHaveText('new@example.jp');
  // …and its form, opened before it, is refused, what was typed kept.
  await form.getByTestId('amend-submit').click();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'CONFLICT');
  await expect(page.getByTestId('error-banner')).toContainText('フォームを開いた後に登録内容が変更されました');
  await expect(form.getByTestId('amend-phone')).toHaveValue('090-1111-2222');
  await form.getByTestId('amend-cancel').click();
  await expect(page.getByTestId('customer-email')).toHaveText('new@example.jp');
  expect(world.problems).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { setUpSession } from './steps';
import { startWorld, type World } from './world';

/**
 * Someone who knew the passphrase leaves: staff change it in Settings, and stay at work. From
 * then on only the new one unlocks.
 */
const OPERATOR = '高橋 健';
const FIRST = 'correct horse battery staple';
const SECOND = '新しい合言葉 horse 2026';
let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'passphrase' });
  ({ page } = world);
});
test.afterAll(async () => world?.stop());

async function unlockWith(passphrase: string): Promise<void> {
  await page.getByTestId('unlock-operator').fill(OPERATOR);
  await page.getByTestId('unlock-passphrase').fill(passphrase);
  await page.getByTestId('unlock-submit').click();
}

test('changes the passphrase in Settings; afterwards only the new one unlocks', async () => {
  await setUpSession(page, world.host.url, OPERATOR, FIRST);
  await page.getByTestId('nav-settings').click();
  const form = page.getByTestId('passphrase-change-form');

  // Typed twice differently: said at once, nothing sent.
  await form.getByTestId('passphrase-change-current').fill(FIRST);
  await form.getByTestId('passphrase-change-next').fill(SECOND);
  await form.getByTestId('passphrase-change-confirm').fill(`${SECOND}x`);
  await form.getByTestId('passphrase-change-submit').click();
  await expect(form.getByTestId('passphrase-change-problem')).toHaveText('確認用のパスフレーズが一致しません。');

  // The current one mistyped: refused by the main process, in Japanese.
  await form.getByTestId('passphrase-change-current').fill('not the passphrase');
  await form.getByTestId('passphrase-change-confirm').fill(SECOND);
  await form.getByTestId('passphrase-change-submit').click();
  await expect(page.getByRole('alert')).toContainText('パスフレーズが違います');
  await page.getByTestId('error-dismiss').click();

  await form.getByTestId('passphrase-change-current').fill(FIRST);
  await form.getByTestId('passphrase-change-submit').click();
  await expect(page.getByTestId('notice-text')).toContainText('パスフレーズを変更し、データを新しい鍵で暗号化し直しました。');
  // Still at work, and the form is cleared.
  await expect(page.getByTestId('header-operator')).toHaveText(OPERATOR);
  await expect(page.getByTestId('settings-screen')).toBeVisible();
  await expect(form.getByTestId('passphrase-change-current')).toHaveValue('');

  await page.getByTestId('lock-button').click();
  await unlockWith(FIRST);
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
  await page.getByTestId('error-dismiss').click();
  await unlockWith(SECOND);
  await expect(page.getByTestId('header-operator')).toHaveText(OPERATOR);
  expect(world.problems).toEqual([]);
});

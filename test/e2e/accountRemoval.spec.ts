import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, firstAccountId, firstAccountRow, saveAccountForm, setUpSession, syncFirstAccountNow } from './steps';
import { startWorld, type World } from './world';

/**
 * An account removed and another added in its place: the database may give the new one the old
 * one's id, and the settings screen must not show it the removed account's sync report.
 */
const SUPPORT = 'support@toot.example';
let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'account-removal', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  page = world.page;
});
test.afterAll(async () => world?.stop());

test('an account added after one was removed starts without the removed one’s sync report', async () => {
  await setUpSession(page, world.host.url, '森 健太', 'correct horse battery staple');
  await fillNewMailAccount(page, world.dovecot, world.smtp, SUPPORT);
  await saveAccountForm(page);
  const removed = await firstAccountId(page);
  await syncFirstAccountNow(page, removed);

  await firstAccountRow(page).getByTestId(`account-remove-${removed}`).click();
  await firstAccountRow(page).getByTestId(`account-remove-confirm-${removed}`).click();
  await expect(page.getByTestId(/^account-row-\d+$/)).toHaveCount(0);

  await fillNewMailAccount(page, world.dovecot, world.smtp, SUPPORT);
  await saveAccountForm(page);
  const added = await firstAccountId(page);
  // SQLite gives the next row the id after the largest there is: here, the removed account's.
  expect(added).toBe(removed);
  await expect(firstAccountRow(page).getByTestId(`sync-report-${added}`)).toHaveCount(0);
  expect(world.problems).toEqual([]);
});

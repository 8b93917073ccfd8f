import { expect, test, type Page } from '@playwright/test';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { autoReplyMail } from '../support/mailFixtures';
import { fillNewMailAccount, firstAccountId, firstAccountRow, saveAccountForm, setUpSession, syncFirstAccountNow } from './steps';
import { startWorld, type World } from './world';

/**
 * An account pointed at another mailbox: the mail set aside from the old one stays listed, marked
 * as the old mailbox's (it cannot be read again from the new one), and staff take it off the list
 * once they have looked for it there.
 */
test.describe.configure({ mode: 'serial' });

const SUPPORT = 'support@toot.example';
let world: World;
let page: Page;
let other: DovecotServer;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'old-mailbox', dovecot: { user: SUPPORT } });
  page = world.page;
  other = await startDovecot({ user: 'info@toot.example' });
  await world.dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'away@example.jp', to: SUPPORT, subject: '不在のお知らせ（旧）' }));
});

test.afterAll(async () => {
  await other?.stop();
  await world?.stop();
});

test('the old mailbox’s set-aside mail is marked, cannot be read again, and is taken off the list', async () => {
  await setUpSession(page, world.host.url, '小松 直子', 'correct horse battery staple');
  await fillNewMailAccount(page, world.dovecot, world.smtp, SUPPORT);
  await saveAccountForm(page);
  const id = await firstAccountId(page);
  await syncFirstAccountNow(page, id);
  const row = page.getByTestId(/^quarantine-row-\d+$/).filter({ hasText: '不在のお知らせ（旧）' });
  await expect(row.getByTestId(/^quarantine-retry-\d+$/)).toBeVisible();
  await expect(row.getByTestId(/^quarantine-old-mailbox-\d+$/)).toHaveCount(0);

  // The account now reads another user's mailbox.
  await firstAccountRow(page).getByTestId(`account-edit-${id}`).click();
  const form = page.getByTestId('account-form');
  await form.getByTestId('account-imap-port').fill(String(other.port));
  await form.getByTestId('account-imap-user').fill(other.user);
  await form.getByTestId('account-imap-password').fill(other.password);
  await saveAccountForm(page);
  await syncFirstAccountNow(page, id);

  await expect(row.getByTestId(/^quarantine-old-mailbox-\d+$/)).toHaveText('以前のメールボックス');
  await expect(row.getByTestId(/^quarantine-retry-\d+$/)).toHaveCount(0);
  await expect(row.getByTestId(/^quarantine-file-\d+$/)).toHaveCount(0);
  await row.getByTestId(/^quarantine-dismiss-\d+$/).click();
  await expect(page.getByTestId('notice-text')).toContainText('一覧から外しました');
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('quarantine')).toContainText('取り込まなかったメールはありません。');
  expect(world.problems).toEqual([]);
});

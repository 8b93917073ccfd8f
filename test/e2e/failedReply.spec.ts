import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, firstAccountId, saveAccountForm, setUpSession, syncFirstAccountNow } from './steps';
import { japaneseMail } from '../support/mailFixtures';
import { startWorld, type World } from './world';

/**
 * A reply the customer's mail server refuses for good (550: no such mailbox), against a real
 * SMTP server that refuses it: staff see it in the inquiry with the server's reason, in their
 * language, and in the inbox while they work elsewhere; it is not sent again on its own.
 */
test.describe.configure({ mode: 'serial' });

const SUPPORT = 'support@toot.example';
let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'failed-reply', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT, refuseRecipients: { 'moved@example.jp': 550 } } });
  page = world.page;
  await world.dovecot.appendMail(
    japaneseMail({ from: 'moved@example.jp', fromName: '転居 太郎', to: SUPPORT, subject: '住所変更のお願い', text: '引っ越しました。', messageId: '<moved-1@example.jp>' }),
  );
});

test.afterAll(async () => {
  await world?.stop();
});

test('a refused reply is marked failed with the reason, in the inquiry and in the inbox, and not sent again', async () => {
  await setUpSession(page, world.host.url, '高橋 健', 'correct horse battery staple');
  await fillNewMailAccount(page, world.dovecot, world.smtp, SUPPORT);
  await saveAccountForm(page);
  const id = await firstAccountId(page);
  await syncFirstAccountNow(page, id);

  await page.getByTestId('nav-inbox').click();
  const row = page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '住所変更のお願い' });
  await row.click();
  await page.getByTestId('reply-body').fill('承知しました。');
  await page.getByTestId('reply-send').click();
  await page.getByTestId(/^outbox-item-\d+$/).getByTestId('outbox-send-now').click();

  const item = page.getByTestId(/^outbox-item-\d+$/);
  await expect(item).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
  await expect(item.getByTestId('outbox-error')).toContainText('が宛先を受け付けませんでした（サーバーの応答: 550');
  await expect(item.getByTestId('outbox-error')).toContainText('宛先のアドレスを確認してください');
  await expect(row.getByTestId('inquiry-row-reply-failed')).toHaveText('送信失敗');
  // The notice that offered to take the reply back goes: it can no longer be.
  await expect(page.getByTestId('notice-undo')).toHaveCount(0);
  expect(world.smtp.received).toHaveLength(0);
  // Tried once (the server refused it at RCPT TO), and not again on its own.
  expect(world.smtp.attempted).toEqual(['moved@example.jp']);
});

test('a failed reply taken back from the outbox returns its text to the reply box, after what was typed meanwhile', async () => {
  const item = page.getByTestId(/^outbox-item-\d+$/);
  await page.getByTestId('reply-body').fill('住所を確認します。');
  // Clicked twice in a hurry: taken back once, its text returned once.
  await item.getByTestId('outbox-cancel').dblclick();
  await expect(item).toHaveCount(0);
  // Nothing typed is lost: the reply comes back after what was typed meanwhile.
  await expect(page.getByTestId('reply-body')).toHaveValue('住所を確認します。\n\n承知しました。');
  expect(world.smtp.received).toHaveLength(0);
  expect(world.smtp.attempted).toEqual(['moved@example.jp']);
});

test('once the customer asks that their data no longer be used to answer them, the open inquiry says so instead of offering a reply', async () => {
  await page.getByTestId('record-optout').click();
  const form = page.getByTestId('inquiry-consent-panel').getByTestId('consent-form');
  await form.getByTestId('consent-purpose-new_product_information').uncheck();
  await form.getByTestId('consent-purpose-inquiry_response').check();
  await form.getByTestId('consent-evidence').fill('メールで「今後の連絡は不要」との申し出');
  await form.getByTestId('consent-submit').click();
  await expect(page.getByTestId('notice-text')).toContainText('記録しました');
  // The inquiry on screen follows at once: no reply box, and why.
  await expect(page.getByTestId('reply-body')).toHaveCount(0);
  await expect(page.getByTestId('reply-unavailable')).toContainText('お問い合わせへの対応に個人情報を利用しないよう求めています。返信はできません');
});

test('the page ran without script errors', () => {
  expect(world.problems).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { recordConsent, startWithSyncedAccount } from './steps';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail, replyMail } from '../support/mailFixtures';
import { startWorld, type World } from './world';

/**
 * Taro, copied on Hanako's mail, answers in her thread and asks there to be sent no more: staff
 * see the mail is another customer's, and record the opt-out as his, from that mail's button, with
 * her inquiry as where he asked. His page lists the thread; hers is untouched.
 */
const SUPPORT = 'support@toot.example';
let world: World;
let dovecot: DovecotServer;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'participant', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  ({ dovecot, page } = world);
});
test.afterAll(async () => world?.stop());

test("an opt-out asked in another customer's thread is recorded for the one who asked", async () => {
  await dovecot.appendMails([
    japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: SUPPORT, subject: '社内研修の申込み', text: '研修に申し込みます。', messageId: '<hanako-1@example.jp>' }),
    japaneseMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: '見積もりの依頼', text: '見積もりをお願いします。', messageId: '<taro-1@example.jp>' }),
    replyMail({ from: 'taro@example.jp', fromName: '佐藤太郎', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '私は参加しません。今後、新商品のご案内は不要です。', messageId: '<taro-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
    // From an address no customer has: presumed Hanako's, and marked so.
    replyMail({ from: 'hanako.home@example.jp', fromName: '山田花子', to: SUPPORT, subject: 'Re: 社内研修の申込み', text: '自宅から失礼します。', messageId: '<hanako-2@example.jp>', parentMessageId: '<hanako-1@example.jp>' }),
  ]);
  await startWithSyncedAccount(page, world, SUPPORT, 2);

  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '社内研修の申込み' }).click();
  const inquiryId = await page.getByTestId('inquiry-view').getAttribute('data-inquiry-id');
  const thread = page.getByTestId('message-thread');
  // Hanako's own mail is not marked; Taro's is.
  await expect(thread.getByTestId('message-other-customer')).toHaveCount(1);
  const taroMail = thread.locator('li', { has: page.getByTestId('message-other-customer') });
  await expect(taroMail).toContainText('新商品のご案内は不要です');
  await expect(taroMail.getByTestId('message-sender-link')).toHaveText('別のお客様: 佐藤太郎');
  await expect(page.getByTestId('inquiry-participants-hint')).toContainText('「オプトアウトを記録」は山田花子様の記録です。このスレッドには別のお客様（佐藤太郎）のメールもあります。');
  await expect(thread.getByTestId('message-unregistered-address')).toHaveCount(1);
  await expect(thread.locator('li', { has: page.getByTestId('message-unregistered-address') })).toContainText('自宅から失礼します');

  await taroMail.getByTestId('message-sender-optout').click();
  const panel = page.getByTestId('inquiry-consent-panel');
  await expect(panel.locator('h3')).toHaveText('佐藤太郎様の同意・オプトアウトを記録');
  await expect(panel.getByTestId('consent-source-inquiry')).toContainText(`#${inquiryId}`);
  const evidence = '山田様の問い合わせへの返信メールで「新商品のご案内は不要」との申し出';
  await recordConsent(page, { action: 'withdraw', evidence });
  await expect(panel).toHaveCount(0);

  // Hanako's permissions are untouched.
  await page.getByTestId('inquiry-customer-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText('山田花子');
  await expect(page.getByTestId('consent-history').locator('tr[data-action="withdraw"]')).toHaveCount(0);
  await expect(page.getByTestId('customer-wrote-in')).toHaveCount(0);

  // Taro's page: withdrawn, from Hanako's inquiry, which it lists as one he wrote in.
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '社内研修の申込み' }).click();
  await page.getByTestId('message-sender-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText('佐藤太郎');
  for (const channel of ['email', 'post', 'phone']) {
    await expect(page.getByTestId(`consent-cell-new_product_information-${channel}`)).toHaveAttribute('data-state', 'withdrawn');
  }
  const withdrawal = page.getByTestId('consent-history').locator('tr[data-action="withdraw"][data-channel="email"]');
  await expect(withdrawal.getByTestId('history-evidence')).toHaveText(evidence);
  await expect(withdrawal.getByTestId('history-inquiry-link')).toHaveText(`#${inquiryId}`);
  await expect(page.getByTestId(`customer-wrote-in-${inquiryId}`)).toContainText('山田花子 様の問い合わせ');
  // The customer page's own form offers that inquiry too, apart from his own.
  const choice = page.getByTestId('consent-form').getByTestId('consent-inquiry');
  await expect(choice.locator('optgroup option')).toHaveText([`#${inquiryId} 社内研修の申込み (山田花子 様の問い合わせ)`]);
  await choice.selectOption(String(inquiryId));
  await expect(choice).toHaveValue(String(inquiryId));
});

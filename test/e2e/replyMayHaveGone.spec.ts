import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, firstAccountId, saveAccountForm, setUpSession, syncFirstAccountNow } from './steps';
import { japaneseMail } from '../support/mailFixtures';
import { startWorld, type World } from './world';

/**
 * A reply whose sending ended without knowing whether it went (the SMTP link broke after the
 * whole mail was handed over, before the server answered), against a real SMTP server that
 * drops so twice: the outbox says it may have reached the customer, offers neither "send now"
 * nor "undo", and sends it again (the same mail) or takes it back only when staff say they checked.
 */
test.describe.configure({ mode: 'serial' });

const SUPPORT = 'support@toot.example';
let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'reply-may-have-gone', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT, dropAfterData: 2 } });
  page = world.page;
  await world.dovecot.appendMail(
    japaneseMail({ from: 'hanako@example.jp', fromName: '山田 花子', to: SUPPORT, subject: '返品について', text: '返品できますか。', messageId: '<return-1@example.jp>' }),
  );
});

test.afterAll(async () => {
  await world?.stop();
});

const item = () => page.getByTestId(/^outbox-item-\d+$/);

async function sendReply(text: string): Promise<void> {
  await page.getByTestId('reply-body').fill(text);
  await page.getByTestId('reply-send').click();
  await item().getByTestId('outbox-send-now').click();
  await expect(item()).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
}

test('a reply that may have gone says so, and offers only what staff may do once they checked', async () => {
  await setUpSession(page, world.host.url, '高橋 健', 'correct horse battery staple');
  await fillNewMailAccount(page, world.dovecot, world.smtp, SUPPORT);
  await saveAccountForm(page);
  await syncFirstAccountNow(page, await firstAccountId(page));
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '返品について' }).click();

  await sendReply('返品を承ります。');
  await expect(item().getByTestId('outbox-error')).toContainText('受け付けの返事が来る前に接続が切れました。届いている可能性があり');
  await expect(item().getByTestId('outbox-send-now')).toHaveCount(0);
  await expect(item().getByTestId('outbox-cancel')).toHaveCount(0);
  await expect(item().getByTestId('outbox-send-again-checked')).toHaveText('届いていないので再送する');
  await expect(item().getByTestId('outbox-take-back-checked')).toHaveText('取り下げる（届いている、または送らない）');
  expect(world.smtp.received).toHaveLength(1);

  // It did arrive (the customer said so): taken back, and not sent again.
  await item().getByTestId('outbox-take-back-checked').click();
  await expect(item()).toHaveCount(0);
  // Perhaps it went: the notice does not say sending was cancelled, and says what to do if it did.
  await expect(page.getByTestId('notice-text')).toHaveText('返信を取り下げました。お客様に届いていた場合は、状態を「回答済み」にしてください。本文は返信欄に戻しました。');
  await expect(page.getByTestId('reply-body')).toHaveValue('返品を承ります。');
  expect(world.smtp.received).toHaveLength(1);
});

test('sent again once staff say it did not arrive: the same mail, recorded once in the thread', async () => {
  await sendReply('返品の送り先をお知らせします。');
  expect(world.smtp.received).toHaveLength(2);

  await item().getByTestId('outbox-send-again-checked').click();
  await expect(item()).toHaveCount(0, { timeout: 30_000 });
  const [, first, again] = await world.smtp.waitFor(3);
  const messageIdOf = (raw: Buffer) => /^Message-ID: (\S+)/im.exec(raw.toString('latin1'))?.[1];
  // The same Message-ID: a copy that went after all is one mail to the customer's mail program.
  expect(messageIdOf(again!.raw)).toBe(messageIdOf(first!.raw));
  const sent = page.getByTestId('inquiry-view').locator('[data-direction="out"]');
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId('message-body')).toContainText('返品の送り先をお知らせします。');
  await expect(page.getByTestId('inquiry-view').getByTestId('inquiry-status-select')).toHaveValue('answered');
});

test('the page ran without script errors', () => {
  expect(world.problems).toEqual([]);
});

import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, saveAccountForm, setUpSession } from './steps';
import type { DovecotServer } from '../support/dovecot';
import { forwardedIso2022JpInlineMail, nestedForwardMail } from '../support/forwardedMailFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { startWorld, type World } from './world';

/**
 * Forwarded mail as staff read it, in Chromium against the loopback host and a real Dovecot: the
 * customer's ISO-2022-JP mail forwarded inside a colleague's UTF-8 mail shows as a nested,
 * collapsible block with its own decoded headers and text; a forward of a forward nests one level
 * deeper, its HTML sanitised in a sandboxed frame with remote content blocked, and the attached
 * .eml saves as a file.
 */
test.describe.configure({ mode: 'serial' });

const PASSPHRASE = 'correct horse battery staple';
const SUPPORT = 'support@toot.example';

let world: World;
let dovecot: DovecotServer;
let smtp: SmtpReceiver;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'forward', smtp: { requireAuth: true, user: 'support', password: 'smtp-pass' } });
  ({ dovecot, smtp, page } = world);
  await dovecot.appendMails([forwardedIso2022JpInlineMail(), nestedForwardMail()]);
});

test.afterAll(async () => {
  await world?.stop();
});

test.afterEach(({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log('page problems:', world.problems);
});

test('1. syncs two mails that forward other mails', async () => {
  await setUpSession(page, world.host.url, '鈴木 一郎', PASSPHRASE);
  await fillNewMailAccount(page, dovecot, smtp, SUPPORT);
  await saveAccountForm(page);
  const account = page.getByTestId(/^account-row-\d+$/).first();
  await account.getByTestId(/^account-sync-\d+$/).click();
  await expect(account.getByTestId(/^sync-report-\d+$/)).toBeVisible({ timeout: 60_000 });
  await expect(account.getByTestId('sync-new')).toHaveText('2');
});

test('2. shows the forwarded Japanese mail as a nested, collapsible block with its headers and text', async () => {
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '転送: お客様からの問い合わせ' }).click();
  const message = page.getByTestId(/^message-\d+$/).first();
  // The forwarder's own note stays the message's text, without the forwarded mail mixed in.
  await expect(message.getByTestId('message-body').first()).toHaveText('サポートご担当者様\nお客様から次のメールが届きましたので転送します。');

  const forwarded = message.getByTestId('forwarded-message');
  await expect(forwarded).toHaveCount(1);
  await expect(forwarded.getByTestId('forwarded-summary')).toHaveText('転送されたメッセージ 【至急】①番の商品について');
  await expect(forwarded.getByTestId('forwarded-from')).toHaveText('山田 太郎 <yamada@customer.example>');
  await expect(forwarded.getByTestId('forwarded-cc')).toHaveText('佐藤 花子 <sato@customer.example>');
  await expect(forwarded.getByTestId('forwarded-date')).toHaveText(/^2025-03-31 18:30/);
  const body = forwarded.getByTestId('message-body');
  await expect(body).toHaveText('山田です。\n注文した商品①が届いておりません。\n確認をお願いいたします。');

  // Collapsible: staff can fold it away and open it again.
  await forwarded.getByTestId('forwarded-summary').click();
  await expect(body).toBeHidden();
  await forwarded.getByTestId('forwarded-summary').click();
  await expect(body).toBeVisible();

  // In English, the same block.
  await page.getByTestId('language-switch').selectOption('en');
  await expect(forwarded.getByTestId('forwarded-summary')).toHaveText('Forwarded message 【至急】①番の商品について');
  await page.getByTestId('language-switch').selectOption('ja');
  await expect(forwarded.getByTestId('forwarded-summary')).toContainText('転送されたメッセージ');
});

test('3. nests a forward of a forward, its HTML sanitised in a sandboxed frame with remote content blocked, and saves the .eml', async () => {
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '転送: 転送: 返品について' }).click();
  const message = page.getByTestId(/^message-\d+$/).first();
  const outer = message.getByTestId('forwarded-message').first();
  await expect(outer.getByTestId('forwarded-subject').first()).toHaveText('転送: 返品について');
  const inner = outer.getByTestId('forwarded-message');
  await expect(inner).toHaveCount(1);
  await expect(inner.getByTestId('forwarded-subject')).toHaveText('返品について');
  await expect(inner.getByTestId('forwarded-from')).toHaveText('鈴木 次郎 <suzuki@customer.example>');

  const frameElement = inner.getByTestId('message-html-frame');
  await expect(frameElement).toHaveAttribute('sandbox', 'allow-same-origin');
  const frame = inner.frameLocator('[data-testid="message-html-frame"]');
  await expect(frame.locator('b')).toHaveText('教えてください');
  await expect(frame.locator('img')).not.toHaveAttribute('src', /.+/);
  await expect(inner.getByTestId('remote-blocked')).toContainText('1');

  // The attached forward is also a file to save, as it came.
  const eml = message.getByTestId('message-attachments').first().getByTestId(/^attachment-\d+$/).filter({ hasText: 'henpin.eml' });
  const [download] = await Promise.all([page.waitForEvent('download'), eml.getByTestId('attachment-download').click()]);
  expect(download.suggestedFilename()).toBe('henpin.eml');
  expect(readFileSync(await download.path()).toString('latin1')).toContain('Message-ID: <nested-middle@toot-partner.example>');
  expect(world.problems).toEqual([]);
});

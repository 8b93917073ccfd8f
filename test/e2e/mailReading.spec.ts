import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, saveAccountForm, setUpSession } from './steps';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { DovecotServer } from '../support/dovecot';
import { pdfWithUnembeddedJapaneseFont } from '../support/pdfFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { startWorld, type World } from './world';

/**
 * Reading mail as staff do, in Chromium against the loopback host, a real Dovecot and SMTP
 * receiver: an HTML newsletter-style mail whose script never runs and whose tracking pixel is
 * not fetched until staff load remote content; a link that opens only after confirmation;
 * an inline (cid:) image drawn from the stored attachment; attachments listed with a warning
 * and saved through the contract, a PDF holding a card number named but not kept; then a canned reply sent with the quote and the signature.
 */
test.describe.configure({ mode: 'serial' });

const PASSPHRASE = 'correct horse battery staple';
const SUPPORT = 'support@toot.example';
const SUBJECT = 'キャンペーンについての質問';
const PNG_1PX = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let world: World;
let dovecot: DovecotServer;
let smtp: SmtpReceiver;
let tracker: Server;
const trackerHits: string[] = [];
let trackerBase: string;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'mail', smtp: { requireAuth: true, user: 'support', password: 'smtp-pass' } });
  ({ dovecot, smtp, page } = world);
  // Stands in for a sender's tracking server: records every request it gets.
  tracker = createServer((request, response) => {
    trackerHits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/png' });
    response.end(PNG_1PX);
  });
  await new Promise<void>((resolve) => tracker.listen(0, '127.0.0.1', resolve));
  trackerBase = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}`;

  page.on('dialog', (dialog) => {
    world.problems.push(`unexpected dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });

  const raw = await new MailComposer({
    from: '山田 花子 <hanako.yamada@example.jp>',
    to: SUPPORT,
    subject: SUBJECT,
    messageId: '<campaign-question@example.jp>',
    date: new Date(Date.now() - 10 * 60_000),
    text: 'キャンペーンの詳細を教えてください。',
    html:
      '<style>@import url(' + trackerBase + '/import.css); .hero{background:url(' + trackerBase + '/bg.png)}</style>' +
      '<div class="hero"><h1 id="headline">キャンペーンの<b>詳細</b>を教えてください</h1></div>' +
      // Remote files written so that a plain look for url( misses them: an escape, and image-set()'s string.
      '<div id="escaped" style="color:#333;background:u\\72l(' + trackerBase + '/escaped.png)">.</div>' +
      '<div id="image-set" style="background-image:image-set(\'' + trackerBase + '/set.png\' 1x)">.</div>' +
      '<p><img id="pixel" src="' + trackerBase + '/pixel.png?u=hanako" width="1" height="1"></p>' +
      '<p><img id="logo" alt="ロゴ" src="cid:logo@example.jp"></p>' +
      '<p><a id="shop" href="https://shop.example.jp/campaign?id=42">キャンペーンページ</a></p>' +
      '<script>document.title = "pwned"; window.parent.postMessage("pwned", "*")</script>' +
      '<img src="x" onerror="document.body.setAttribute(\'data-pwned\', \'1\')">',
    attachments: [
      { filename: 'logo.png', content: PNG_1PX, contentType: 'image/png', cid: 'logo@example.jp' },
      { filename: '見積書.pdf', content: Buffer.from('%PDF-1.4 お見積り'), contentType: 'application/pdf' },
      { filename: 'setup.exe', content: Buffer.from('MZ'), contentType: 'application/octet-stream' },
      // A filled-in form whose Japanese text (in a font it does not embed) holds a card number:
      // read in the bundled parse worker, with PDFium's character maps, and not kept.
      { filename: '申込書.pdf', content: pdfWithUnembeddedJapaneseFont('カード番号：４１１１－１１１１－１１１１－１１１１'), contentType: 'application/pdf' },
    ],
  })
    .compile()
    .build();
  await dovecot.appendMail(raw);
});

test.afterAll(async () => {
  await world?.stop();
  await new Promise((resolve) => tracker?.close(resolve));
});

test.afterEach(({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) console.log('page problems:', world.problems);
});

test('1. sets up the account with a signature and a canned reply, and syncs an HTML mail', async () => {
  await setUpSession(page, world.host.url, '鈴木 一郎', PASSPHRASE);
  const form = await fillNewMailAccount(page, dovecot, smtp, SUPPORT);
  await form.getByTestId('account-from-name').fill('TOOT サポート');
  await form.getByTestId('account-signature').fill('TOOT株式会社 お客様窓口\n鈴木 一郎');
  await saveAccountForm(page);

  await page.getByTestId('template-add').click();
  const templateForm = page.getByTestId('template-form');
  await templateForm.getByTestId('template-name').fill('キャンペーンのご案内');
  await templateForm.getByTestId('template-language').selectOption('ja');
  await templateForm.getByTestId('template-body').fill('{{customerName}}様\n\nお問い合わせ（番号 {{inquiryNumber}}）ありがとうございます。\n担当の{{operator}}です。');
  await templateForm.getByTestId('template-save').click();
  await expect(page.getByTestId(/^template-row-\d+$/)).toHaveCount(1);
  await expect(page.getByTestId('template-row-name')).toHaveText('キャンペーンのご案内');

  await page.getByTestId('template-add').click();
  await templateForm.getByTestId('template-name').fill('試しの定型文');
  await templateForm.getByTestId('template-body').fill('試しです。');
  await templateForm.getByTestId('template-save').click();
  const trial = page.getByTestId(/^template-row-\d+$/).filter({ hasText: '試しの定型文' });
  // Two windows edit the same canned reply: the later save is refused, not a silent overwrite of the first.
  await trial.getByTestId(/^template-edit-\d+$/).click();
  await templateForm.getByTestId('template-body').fill('こちらの窓では消えてはいけない文です。');
  const other = await world.context.newPage();
  try {
    await other.goto(world.host.url);
    await other.getByTestId('nav-settings').click();
    await other.getByTestId(/^template-row-\d+$/).filter({ hasText: '試しの定型文' }).getByTestId(/^template-edit-\d+$/).click();
    await other.getByTestId('template-body').fill('別の窓で直した試しです。');
    await other.getByTestId('template-save').click();
    await expect(other.getByTestId('template-form')).toHaveCount(0);
  } finally {
    await other.close();
  }
  await templateForm.getByTestId('template-save').click();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'CONFLICT');
  await expect(page.getByTestId('error-banner')).toContainText('テンプレート「試しの定型文」は開いた後に 鈴木 一郎 が変更しました');
  await expect(templateForm.getByTestId('template-body')).toHaveValue('こちらの窓では消えてはいけない文です。');
  await templateForm.getByTestId('template-cancel').click();
  await expect(trial).toContainText('別の窓で直した試しです。');

  // A template is removed only on a second, confirming click.
  await trial.getByTestId(/^template-remove-\d+$/).click();
  await expect(trial).toContainText('定型文「試しの定型文」を削除しますか？');
  await trial.getByTestId(/^template-remove-cancel-\d+$/).click();
  await expect(page.getByTestId(/^template-row-\d+$/)).toHaveCount(2);
  await trial.getByTestId(/^template-remove-\d+$/).click();
  await trial.getByTestId(/^template-remove-confirm-\d+$/).click();
  await expect(page.getByTestId(/^template-row-\d+$/)).toHaveCount(1);

  const account = page.getByTestId(/^account-row-\d+$/).first();
  await account.getByTestId(/^account-sync-\d+$/).click();
  await expect(account.getByTestId(/^sync-report-\d+$/)).toBeVisible({ timeout: 60_000 });
  await expect(account.getByTestId('sync-new')).toHaveText('1');
});

test('2. shows the HTML without running its script or fetching remote content, until staff load it', async () => {
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: SUBJECT }).click();
  const message = page.getByTestId(/^message-\d+$/).first();
  const frameElement = message.getByTestId('message-html-frame');
  await expect(frameElement).toBeVisible();
  await expect(frameElement).toHaveAttribute('sandbox', 'allow-same-origin');
  const frame = page.frameLocator('[data-testid="message-html-frame"]');
  await expect(frame.locator('#headline')).toHaveText('キャンペーンの詳細を教えてください');

  // The inline image is drawn from the stored attachment, as a data: URL.
  await expect(frame.locator('#logo')).toHaveAttribute('src', /^data:image\/png;base64,/);
  await expect.poll(() => frame.locator('#logo').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);

  // No script ran; no request reached the tracker; the pixel has no source.
  await expect(frame.locator('script')).toHaveCount(0);
  expect(await page.title()).not.toBe('pwned');
  await expect(frame.locator('body')).not.toHaveAttribute('data-pwned', '1');
  await expect(frame.locator('#pixel')).not.toHaveAttribute('src', /.+/);
  await expect(message.getByTestId('remote-blocked')).toContainText('6');
  await expect(frame.locator('#escaped')).toHaveAttribute('style', '');
  await page.waitForTimeout(500);
  expect(trackerHits).toEqual([]);

  // Staff choose to load remote content for this message: now (and only now) the pixel is fetched.
  await message.getByTestId('load-remote').click();
  await expect(message.getByTestId('remote-loaded')).toBeVisible();
  await expect(frame.locator('#pixel')).toHaveAttribute('src', `${trackerBase}/pixel.png?u=hanako`);
  await expect.poll(() => trackerHits).toContain('/pixel.png?u=hanako');
  expect(trackerHits).not.toContain('/import.css');

  // The text part is one click away.
  await message.getByTestId('message-view-text').click();
  await expect(message.getByTestId('message-body')).toHaveText('キャンペーンの詳細を教えてください。');
  await message.getByTestId('message-view-html').click();
  await expect(frameElement).toBeVisible();
});

test('3. opens a link only after confirming its real address', async () => {
  const frame = page.frameLocator('[data-testid="message-html-frame"]');
  const popups: string[] = [];
  world.context.on('page', (p) => popups.push(p.url()));
  await frame.locator('#shop').click();
  const dialog = page.getByTestId('link-confirm');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('link-confirm-url')).toHaveText('https://shop.example.jp/campaign?id=42');
  // The frame itself never navigated.
  await expect(frame.locator('#headline')).toBeVisible();
  await dialog.getByTestId('link-confirm-cancel').click();
  await expect(dialog).toHaveCount(0);
  expect(popups).toEqual([]);

  // From the keyboard: the link is in the tab order and opens the same confirmation with Enter; the
  // dialog takes the focus (on the safe choice) and Escape closes it.
  await frame.locator('#shop').focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('link-confirm-cancel')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(popups).toEqual([]);

  // The shop is not on this network: answer for it, so the opened tab has a page to show.
  await world.context.route('https://shop.example.jp/**', (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<title>shop</title>' }));
  await frame.locator('#shop').click();
  const [popup] = await Promise.all([world.context.waitForEvent('page'), page.getByTestId('link-confirm-open').click()]);
  await popup.waitForLoadState();
  expect(popup.url()).toBe('https://shop.example.jp/campaign?id=42');
  // noopener: the opened page has no handle on Madoguchi.
  expect(await popup.evaluate(() => window.opener === null)).toBe(true);
  await popup.close();
});

test('4. lists attachments with sizes and a warning, and saves one through the contract', async () => {
  const message = page.getByTestId(/^message-\d+$/).first();
  const list = message.getByTestId('message-attachments');
  // The inline logo is drawn in the mail, and listed marked so (it can be saved or deleted like any file).
  await expect(list.getByTestId('attachment-name')).toHaveText(['logo.png', '見積書.pdf', 'setup.exe', '申込書.pdf']);
  const logo = list.getByTestId(/^attachment-\d+$/).filter({ hasText: 'logo.png' });
  await expect(logo.getByTestId('attachment-drawn')).toHaveText('本文中に表示');
  await expect(list.getByTestId('attachment-drawn')).toHaveCount(1);
  const exe = list.getByTestId(/^attachment-\d+$/).filter({ hasText: 'setup.exe' });
  await expect(exe).toHaveAttribute('data-dangerous', 'true');
  await expect(exe.getByTestId('attachment-dangerous')).toBeVisible();
  const pdf = list.getByTestId(/^attachment-\d+$/).filter({ hasText: '見積書.pdf' });
  await expect(pdf).toHaveAttribute('data-dangerous', 'false');
  await expect(pdf.getByTestId('attachment-size')).toHaveText(`${Buffer.from('%PDF-1.4 お見積り').length} B`);

  const [download] = await Promise.all([page.waitForEvent('download'), pdf.getByTestId('attachment-download').click()]);
  expect(download.suggestedFilename()).toBe('見積書.pdf');
  expect(readFileSync(await download.path()).toString()).toBe('%PDF-1.4 お見積り');

  // The form with a card number is named, but its file was not kept: there is nothing to save.
  const form = list.getByTestId(/^attachment-\d+$/).filter({ hasText: '申込書.pdf' });
  await expect(form.getByTestId('attachment-withheld')).toHaveText('カード番号を含むため、このファイルは保存していません（カード情報は保持しません）。番号を除いて送り直すようお客様に依頼してください');
  await expect(form.getByTestId('attachment-download')).toHaveCount(0);

  // Staff see card data written on the quote, which the app could not tell: they delete it, after confirming.
  await pdf.getByTestId('attachment-remove').click();
  await expect(pdf.getByTestId('attachment-remove-question')).toContainText('「見積書.pdf」の中身を削除しますか？元に戻せません。');
  await pdf.getByRole('button', { name: 'キャンセル' }).click();
  await expect(pdf.getByTestId('attachment-download')).toBeVisible();
  await pdf.getByTestId('attachment-remove').click();
  await pdf.getByTestId('attachment-remove-confirm').click();
  await expect(page.getByTestId('notice-text')).toHaveText('「見積書.pdf」を削除しました。');
  await expect(pdf.getByTestId('attachment-removed')).toHaveText(/^カード情報を含むため、鈴木 一郎 が \d{4}-\d{2}-\d{2} \d{2}:\d{2} に削除しました$/);
  await expect(pdf.getByTestId('attachment-download')).toHaveCount(0);
  await expect(pdf.getByTestId('attachment-remove')).toHaveCount(0);
  // The other files are as they were.
  await expect(exe.getByTestId('attachment-download')).toBeVisible();

  // An image drawn in the mail (a photo of a card pasted into the body) is deleted the same way, and is no longer drawn.
  await logo.getByTestId('attachment-remove').click();
  await logo.getByTestId('attachment-remove-confirm').click();
  await expect(logo.getByTestId('attachment-removed')).toBeVisible();
  await expect(logo.getByTestId('attachment-drawn')).toHaveCount(0);
  await expect(page.frameLocator('[data-testid="message-html-frame"]').locator('#logo')).not.toHaveAttribute('src', /^data:/);
});

test('5. replies from a canned reply, with the signature and the quoted original, through the outbox with undo', async () => {
  await page.getByTestId('reply-template').selectOption({ label: '[日本語] キャンペーンのご案内' });
  // Chosen, not yet put in: the button does that.
  await expect(page.getByTestId('reply-body')).toHaveValue('');
  await page.getByTestId('reply-template-insert').click();
  const body = page.getByTestId('reply-body');
  const inquiryId = await page.getByTestId('inquiry-view').getAttribute('data-inquiry-id');
  await expect(body).toHaveValue(`山田 花子様\n\nお問い合わせ（番号 ${inquiryId}）ありがとうございます。\n担当の鈴木 一郎です。`);
  await expect(page.getByTestId('reply-quote')).toBeChecked();
  const typed = await body.inputValue();

  // Sent into the outbox: staff can take it back within the undo window, and the text returns.
  await page.getByTestId('reply-send').click();
  await expect(page.getByTestId('notice-text')).toContainText('hanako.yamada@example.jp');
  await expect(page.getByTestId(/^outbox-item-\d+$/)).toHaveAttribute('data-status', 'queued');
  await page.getByTestId('notice-undo').click();
  await expect(page.getByTestId('notice-text')).toHaveText('送信を取り消しました。本文は返信欄に戻しました。');
  await expect(body).toHaveValue(typed);
  await expect(page.getByTestId('outbox')).toHaveCount(0);
  expect(smtp.received).toHaveLength(0);

  // Sent again, and this time sent at once from the outbox.
  await page.getByTestId('reply-send').click();
  await expect(body).toHaveValue('');
  await page.getByTestId(/^outbox-item-\d+$/).getByTestId('outbox-send-now').click();
  const [captured] = await smtp.waitFor(1);
  await expect(page.getByTestId('outbox')).toHaveCount(0);
  const sent = await simpleParser(captured!.raw);
  expect(sent.text).toContain('担当の鈴木 一郎です。\n\nTOOT株式会社 お客様窓口\n鈴木 一郎\n\n');
  expect(sent.text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}（日本時間）、山田 花子様:\n> キャンペーンの詳細を教えてください。/);
  await expect(page.getByTestId(/^message-\d+$/)).toHaveCount(2);
  expect(world.problems).toEqual([]);
});

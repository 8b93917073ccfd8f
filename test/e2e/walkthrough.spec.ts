import { expect, test, type Locator, type Page } from '@playwright/test';
import { downloadText, fillNewMailAccount, recordConsent, saveAccountForm, setUpSession } from './steps';
import { simpleParser } from 'mailparser';
import { formatTokyoDateTime, tokyoDate } from '../../shared/tokyoTime';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail, replyMail } from '../support/mailFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { startWorld, type World } from './world';

/**
 * The whole working day of Madoguchi as staff live it, in the browser against the loopback
 * host, a real Dovecot and a real SMTP receiver: set up, sync Japanese mail, log a phone call
 * (card number masked), reply by mail, record consent and an opt-out, export the mailing list,
 * run the response-time report, and switch the language. Steps share one page and run in order.
 */
test.describe.configure({ mode: 'serial' });

const OPERATOR = '鈴木 一郎';
const PASSPHRASE = 'correct horse battery staple';
const SUPPORT = 'support@toot.example';

const HANAKO = { name: '山田 花子', email: 'hanako.yamada@example.jp' };
const TARO = { name: '佐藤 太郎', email: 'taro.sato@example.jp' };
const STOCK_SUBJECT = '商品の在庫について（至急）';
const STOCK_MESSAGE_ID = '<stock-question-1@example.jp>';
const FOLLOW_UP_MESSAGE_ID = '<stock-question-2@example.jp>';
const CATALOGUE_SUBJECT = 'カタログ送付のお願い';
const PHONE_SUBJECT = 'お支払い方法の確認';
const CARD = '4111 1111 1111 1111';

let world: World;
let dovecot: DovecotServer;
let smtp: SmtpReceiver;
let page: Page;
let hanakoId: number;
let taroId: number;
/** Script errors and CSP violations seen by the page: a clean run has none. */

/** An RFC 5322 date a few minutes ago, so synced mail falls on today's Tokyo date. */
const mailDate = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toUTCString().replace('GMT', '+0000');
const tokyoToday = () => tokyoDate(new Date().toISOString());
const tokyoYesterday = () => tokyoDate(new Date(Date.now() - 24 * 3600_000).toISOString());

const row = (prefix: string, text: string): Locator => page.getByTestId(new RegExp(`^${prefix}-\\d+$`)).filter({ hasText: text });

async function idOf(locator: Locator, attribute: string): Promise<number> {
  return Number(await locator.getAttribute(attribute));
}

async function syncAccountNow(): Promise<Locator> {
  await page.getByTestId('nav-settings').click();
  const account = page.getByTestId(/^account-row-\d+$/).first();
  await account.getByTestId(/^account-sync-\d+$/).click();
  const report = account.getByTestId(/^sync-report-\d+$/);
  // The button is disabled while the sync runs and the report appears when it returns.
  await expect(account.getByTestId(/^account-sync-\d+$/)).toBeEnabled({ timeout: 60_000 });
  await expect(report).toBeVisible();
  return account;
}


test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'walk', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  ({ dovecot, smtp, page } = world);
  page.on('console', (message) => {
    if (message.type() === 'error') world.problems.push(`console error: ${message.text()}`);
  });

  // Mail that is waiting in the support mailbox before Madoguchi first syncs.
  await dovecot.appendMail(
    japaneseMail({
      from: HANAKO.email,
      fromName: HANAKO.name,
      to: SUPPORT,
      subject: STOCK_SUBJECT,
      text: 'お世話になっております。\n青いマグカップの在庫はありますか？\n来週までに10個必要です。',
      charset: 'iso-2022-jp',
      messageId: STOCK_MESSAGE_ID,
      date: mailDate(30),
    }),
  );
  await dovecot.appendMail(
    japaneseMail({
      from: TARO.email,
      fromName: TARO.name,
      to: SUPPORT,
      subject: CATALOGUE_SUBJECT,
      text: '新しいカタログを郵送していただけますか。',
      messageId: '<catalogue-1@example.jp>',
      date: mailDate(25),
    }),
  );
});

test.afterAll(async () => {
  await world?.stop();
});

test('1. sets up, adds the mail account, syncs Japanese mail and threads a follow-up', async () => {
  await setUpSession(page, world.host.url, OPERATOR, PASSPHRASE);
  const form = await fillNewMailAccount(page, dovecot, smtp, SUPPORT);
  await form.getByTestId('account-from-name').fill('TOOT サポート');
  await saveAccountForm(page);
  await expect(page.getByTestId(/^account-row-\d+$/)).toHaveCount(1);

  let account = await syncAccountNow();
  await expect(account.getByTestId('sync-fetched')).toHaveText('2');
  await expect(account.getByTestId('sync-new')).toHaveText('2');
  await expect(account.getByTestId(/^sync-progress-\d+$/)).toHaveAttribute('data-phase', 'done');
  await expect(account.getByTestId(/^account-health-error-\d+$/)).toHaveText('なし');

  await page.getByTestId('nav-inbox').click();
  const stockRow = row('inquiry-row', STOCK_SUBJECT);
  await expect(stockRow).toBeVisible();
  await expect(stockRow).toContainText(HANAKO.name);
  await expect(stockRow).toHaveAttribute('data-channel', 'email');
  await expect(row('inquiry-row', CATALOGUE_SUBJECT)).toBeVisible();

  // The customer answers; the follow-up joins the same inquiry.
  await dovecot.appendMail(
    replyMail({
      from: HANAKO.email,
      fromName: HANAKO.name,
      to: SUPPORT,
      subject: `Re: ${STOCK_SUBJECT}`,
      text: '追伸: 赤いマグカップでも構いません。',
      charset: 'iso-2022-jp',
      messageId: FOLLOW_UP_MESSAGE_ID,
      parentMessageId: STOCK_MESSAGE_ID,
      date: mailDate(20),
    }),
  );
  account = await syncAccountNow();
  await expect(account.getByTestId('sync-fetched')).toHaveText('1');
  await expect(account.getByTestId('sync-threaded')).toHaveText('1');
  await expect(account.getByTestId('sync-new')).toHaveText('0');

  await page.getByTestId('nav-inbox').click();
  await expect(row('inquiry-row', STOCK_SUBJECT)).toHaveCount(1);
  await row('inquiry-row', STOCK_SUBJECT).click();
  const thread = page.getByTestId('message-thread');
  await expect(thread.getByTestId(/^message-\d+$/)).toHaveCount(2);
  await expect(thread).toContainText('青いマグカップの在庫はありますか？');
  await expect(thread).toContainText('追伸: 赤いマグカップでも構いません。');
  await expect(page.getByTestId('inquiry-subject')).toHaveText(STOCK_SUBJECT);
});

test('2 and 7. logs a phone inquiry for a new customer; the card number is kept only as its last 4 digits', async () => {
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('log-inquiry-open').click();
  const form = page.getByTestId('log-form');
  await form.getByTestId('log-channel-phone').check();
  await form.getByTestId('log-customer-new').check();
  await form.getByTestId('log-new-name').fill('高橋 次郎');
  await form.getByTestId('log-new-phone').fill('03-1234-5678');
  const tenMinutesAgo = formatTokyoDateTime(new Date(Date.now() - 10 * 60_000).toISOString()).replace(' ', 'T');
  await form.getByTestId('log-received-at').fill(tenMinutesAgo);
  // A subject of spaces alone passes the browser's "required", not the app's check: said in Japanese, naming the field.
  await form.getByTestId('log-subject').fill('   ');
  await form.getByTestId('log-body').fill('用件');
  await form.getByTestId('log-submit').click();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'BAD_REQUEST');
  await expect(page.getByTestId('error-message')).toHaveText('件名: 空白だけでなく、内容を入力してください');
  await page.getByTestId('error-dismiss').click();
  await form.getByTestId('log-subject').fill(PHONE_SUBJECT);
  await form.getByTestId('log-body').fill(`お電話にて。カード番号 ${CARD} で支払ったが引き落とされていないとのこと。`);
  await expect(form.getByTestId('log-card-warning')).toBeVisible();
  await form.getByTestId('log-submit').click();

  await expect(page.getByTestId('notice-text')).toContainText('高橋 次郎');
  const view = page.getByTestId('inquiry-view');
  await expect(view.getByTestId('inquiry-subject')).toHaveText(PHONE_SUBJECT);
  await expect(view.getByTestId('inquiry-customer-link')).toHaveText('高橋 次郎');
  await expect(view.getByTestId('inquiry-received')).toHaveText(tenMinutesAgo.replace('T', ' '));
  const body = view.getByTestId('message-body');
  await expect(body).toContainText('**** **** **** 1111');
  await expect(body).not.toContainText(CARD);
  // A phone inquiry has nobody to e-mail.
  await expect(view.getByTestId('reply-unavailable')).toBeVisible();
  await expect(row('inquiry-row', PHONE_SUBJECT)).toHaveAttribute('data-channel', 'phone');
});

test('2b. amends the phone customer\'s details at their request, then discloses what is held to them; both are recorded', async () => {
  const inquiryId = await idOf(page.getByTestId('inquiry-view'), 'data-inquiry-id');
  await page.getByTestId('inquiry-customer-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText('高橋 次郎');
  await page.getByTestId('customer-search').fill('高橋');
  const listed = row('customer-row', '高橋 次郎');
  await expect(listed).toContainText('03-1234-5678');
  await page.getByTestId('customer-amend').click();
  const form = page.getByTestId('amend-form');
  await expect(form.getByTestId('amend-phone')).toHaveValue('03-1234-5678');
  await form.getByTestId('amend-phone').fill('090-8765-4321');
  await form.getByTestId('amend-address').fill('神奈川県横浜市西区みなとみらい1-1');
  await form.getByTestId('amend-source').selectOption('phone');
  await form.getByTestId('amend-inquiry').selectOption({ label: `#${inquiryId} ${PHONE_SUBJECT}` });
  await form.getByTestId('amend-evidence').fill('お電話で生年月日と旧住所を確認のうえ、転居の申し出');
  await form.getByTestId('amend-submit').click();

  await expect(page.getByTestId('notice-text')).toHaveText('高橋 次郎様の登録内容を訂正しました（電話番号・住所）。');
  await expect(page.getByTestId('amend-form')).toHaveCount(0);
  await expect(page.getByTestId('customer-phone')).toHaveText('090-8765-4321');
  // The list beside the page follows.
  await expect(listed).toContainText('090-8765-4321');
  await expect(page.getByTestId('customer-address')).toHaveText('神奈川県横浜市西区みなとみらい1-1');
  const record = page.getByTestId(/^amendment-row-\d+$/);
  await expect(record).toHaveCount(1);
  await expect(record.getByTestId('amendment-what')).toHaveText('電話番号・住所');
  await expect(record.getByTestId('amendment-who')).toHaveText(OPERATOR);
  await expect(record.getByTestId('amendment-evidence')).toHaveText('お電話で生年月日と旧住所を確認のうえ、転居の申し出');

  // The police ask, under a law, for his phone number: the provision is recorded, with its ground.
  await page.getByTestId('provision-record').click();
  const provisionForm = page.getByTestId('provision-form');
  await provisionForm.getByTestId('provision-recipient-input').fill('神奈川県警察 港北警察署');
  await provisionForm.getByTestId('provision-items-input').fill('氏名、電話番号');
  await provisionForm.getByTestId('provision-evidence-input').fill('捜査関係事項照会書（刑事訴訟法第197条第2項）第123号');
  await provisionForm.getByTestId('provision-submit').click();
  // No ground is chosen for staff.
  await expect(provisionForm.getByTestId('provision-problem')).toHaveText('提供の根拠を選んでください。');
  await provisionForm.getByTestId('provision-basis').selectOption('legal_request');
  await provisionForm.getByTestId('provision-submit').click();
  await expect(page.getByTestId('notice-text')).toHaveText('「神奈川県警察 港北警察署」への提供を記録しました。');
  const provided = page.getByTestId(/^provision-row-\d+$/);
  await expect(provided).toHaveCount(1);
  await expect(provided).toHaveAttribute('data-basis', 'legal_request');
  await expect(provided.getByTestId('provision-who')).toContainText(OPERATOR);

  // The customer asks what is held about them: recorded, then saved as a document for them.
  await page.getByTestId('customer-disclose').click();
  const disclosureForm = page.getByTestId('disclosure-form');
  await disclosureForm.getByTestId('disclosure-source').selectOption('phone');
  await disclosureForm.getByTestId('disclosure-evidence').fill('電話で開示の申し出。登録の電話番号へ折り返して本人確認');
  const { download, text } = await downloadText(page, () => disclosureForm.getByTestId('disclosure-submit').click());
  const customerId = await idOf(page.getByTestId('customer-view'), 'data-customer-id');
  // Named by number: the file leaves the encrypted database.
  expect(download.suggestedFilename()).toBe(`開示_顧客${customerId}_${tokyoToday().replaceAll('-', '')}.txt`);
  expect(text).toContain('保有個人情報の開示\n高橋 次郎 様\n');
  expect(text).toContain(`作成: TOOT株式会社 お客様窓口 ${OPERATOR}`);
  expect(text).toContain('電話: 090-8765-4321');
  expect(text).toContain('住所: 神奈川県横浜市西区みなとみらい1-1');
  expect(text).toContain(`#${inquiryId} ${PHONE_SUBJECT}`);
  expect(text).toContain('(3) 新商品・サービスのご案内 — メール: 同意なし / 郵便: 同意なし / 電話: 同意なし');
  expect(text).toContain(`■ 第三者への提供の記録\n【要確認: 開示すると捜査や保護の妨げにならないか】 ${tokyoToday()}  提供先: 神奈川県警察 港北警察署  提供した項目: 氏名、電話番号  根拠: 法令に基づく要請（捜査関係事項照会書（刑事訴訟法第197条第2項）第123号）`);
  // The card number said on the phone is in it as it was kept: masked.
  expect(text).toContain('**** **** **** 1111');
  expect(text).not.toContain(CARD);
  await expect(page.getByTestId('notice-text')).toHaveText('高橋 次郎様の開示用ファイルを書き出しました。お渡しする前に内容を確認してください。');
  const disclosed = page.getByTestId(/^disclosure-row-\d+$/);
  await expect(disclosed).toHaveCount(1);
  await expect(disclosed.getByTestId('disclosure-who')).toHaveText(OPERATOR);
  await expect(disclosed.getByTestId('disclosure-evidence')).toHaveText('電話で開示の申し出。登録の電話番号へ折り返して本人確認');
});

test('3. replies in Japanese; the mail is threaded (In-Reply-To) and sets the first response', async () => {
  await page.getByTestId('nav-inbox').click();
  // A draft stays with its inquiry: it must never be sent to another customer by mistake.
  await row('inquiry-row', CATALOGUE_SUBJECT).click();
  await page.getByTestId('reply-body').fill('佐藤様への下書き');
  await row('inquiry-row', STOCK_SUBJECT).click();
  const view = page.getByTestId('inquiry-view');
  await expect(view.getByTestId('inquiry-subject')).toHaveText(STOCK_SUBJECT);
  await expect(view.getByTestId('reply-body')).toHaveValue('');
  await expect(view.getByTestId('inquiry-first-response')).toHaveText('—');
  const answer = '山田様\n\nお問い合わせありがとうございます。\n青いマグカップは在庫がございます。10個ご用意できます。';
  await view.getByTestId('reply-body').fill(answer);
  await view.getByTestId('reply-send').click();

  const [mail] = await smtp.waitFor(1, 30_000);
  const parsed = await simpleParser(mail!.raw);
  expect(mail!.to).toContain(HANAKO.email);
  expect(parsed.inReplyTo).toBe(FOLLOW_UP_MESSAGE_ID);
  expect(parsed.references).toContain(STOCK_MESSAGE_ID);
  expect(parsed.subject).toMatch(new RegExp(`^Re: ${STOCK_SUBJECT} \\[#\\d+\\]$`));
  expect(parsed.text).toContain('青いマグカップは在庫がございます。');

  const sent = view.locator('[data-direction="out"]');
  await expect(sent).toHaveCount(1);
  await expect(sent.getByTestId('message-body')).toContainText('10個ご用意できます。');
  await expect(sent.getByTestId('message-from')).toContainText(OPERATOR);
  await expect(view.getByTestId('inquiry-first-response')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  await expect(view.getByTestId('inquiry-status-select')).toHaveValue('answered');
  await expect(page.getByTestId('notice-text')).toContainText(HANAKO.email);

  // The draft for Taro waited with his inquiry while staff answered Hanako.
  await row('inquiry-row', CATALOGUE_SUBJECT).click();
  await expect(view.getByTestId('inquiry-subject')).toHaveText(CATALOGUE_SUBJECT);
  await expect(view.getByTestId('reply-body')).toHaveValue('佐藤様への下書き');
  await view.getByTestId('reply-body').fill('');
});

test('3b. undoing a status change from the notice, after opening another inquiry, keeps that other inquiry on screen', async () => {
  const view = page.getByTestId('inquiry-view');
  await expect(view.getByTestId('inquiry-subject')).toHaveText(CATALOGUE_SUBJECT);
  await view.getByTestId('inquiry-status-select').selectOption('closed');
  await expect(page.getByTestId('notice-text')).toContainText('完了');
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('inbox-filter-status').selectOption('');
  await row('inquiry-row', STOCK_SUBJECT).click();
  await expect(view.getByTestId('inquiry-subject')).toHaveText(STOCK_SUBJECT);
  await page.getByTestId('notice-undo').click();
  await expect(page.getByTestId('notice-text')).toContainText('未対応');
  // Still Hanako's inquiry, not stuck loading; Taro's is open again.
  await expect(view.getByTestId('inquiry-subject')).toHaveText(STOCK_SUBJECT);
  await expect(row('inquiry-row', CATALOGUE_SUBJECT)).toHaveAttribute('data-status', 'open');

  // The search box finds an inquiry by a word of its subject, or by the customer, however typed.
  await page.getByTestId('inbox-search').fill('在庫');
  await expect(page.getByTestId(/^inquiry-row-\d+$/)).toHaveCount(1);
  await expect(row('inquiry-row', STOCK_SUBJECT)).toHaveCount(1);
  await page.getByTestId('inbox-search').fill('佐藤　太郎');
  await expect(page.getByTestId(/^inquiry-row-\d+$/)).toHaveCount(1);
  await expect(row('inquiry-row', CATALOGUE_SUBJECT)).toHaveCount(1);
  await page.getByTestId('inbox-search').fill('');
  await expect(page.getByTestId(/^inquiry-row-\d+$/)).toHaveCount(3);
  await page.getByTestId('inbox-filter-status').selectOption('open');
});

test('4. records consent by e-mail for two customers, then an opt-out from the inquiry for one', async () => {
  // Taro consents.
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customer-search').fill('佐藤');
  await row('customer-row', TARO.name).click();
  await expect(page.getByTestId('customer-name')).toHaveText(TARO.name);
  taroId = await idOf(page.getByTestId('customer-view'), 'data-customer-id');
  await expect(page.getByTestId('consent-cell-new_product_information-email')).toHaveAttribute('data-state', 'not_consented');
  await recordConsent(page, { action: 'grant', channels: ['email'], source: 'web_form', evidence: 'Webフォームでメールでの新商品案内を希望' });
  await expect(page.getByTestId('consent-cell-new_product_information-email')).toHaveAttribute('data-state', 'permitted');
  await expect(page.getByTestId('consent-cell-new_product_information-post')).toHaveAttribute('data-state', 'not_consented');

  // Hanako consents.
  await page.getByTestId('customer-search').fill('山田');
  await row('customer-row', HANAKO.name).click();
  await expect(page.getByTestId('customer-name')).toHaveText(HANAKO.name);
  hanakoId = await idOf(page.getByTestId('customer-view'), 'data-customer-id');
  await recordConsent(page, { action: 'grant', channels: ['email'], source: 'email', evidence: 'メールで新商品案内の受信を希望' });
  await expect(page.getByTestId('consent-cell-new_product_information-email')).toHaveAttribute('data-state', 'permitted');

  // ...and later asks, in her inquiry, to stop: recorded from the inquiry itself.
  await row('customer-inquiry', STOCK_SUBJECT).click();
  const inquiryId = await idOf(page.getByTestId('inquiry-view'), 'data-inquiry-id');
  await page.getByTestId('record-optout').click();
  const panel = page.getByTestId('inquiry-consent-panel');
  await expect(panel.getByTestId('consent-source-inquiry')).toContainText(`#${inquiryId}`);
  await expect(panel.getByTestId('consent-action-withdraw')).toBeChecked();
  await expect(panel.getByTestId('consent-source')).toHaveValue('email');
  await expect(panel.getByTestId('consent-purpose-new_product_information')).toBeChecked();
  const evidence = 'お問い合わせメールにて「今後、新商品の案内は不要です」との申し出';
  await recordConsent(page, { action: 'withdraw', evidence });
  await expect(page.getByTestId('inquiry-consent-panel')).toHaveCount(0);

  await page.getByTestId('inquiry-customer-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText(HANAKO.name);
  for (const channel of ['email', 'post', 'phone']) {
    await expect(page.getByTestId(`consent-cell-new_product_information-${channel}`)).toHaveAttribute('data-state', 'withdrawn');
  }
  // Policy-based purposes are untouched.
  await expect(page.getByTestId('consent-cell-inquiry_response-any')).toHaveAttribute('data-state', 'permitted');

  const history = page.getByTestId('consent-history');
  const withdrawals = history.locator('tr[data-action="withdraw"]');
  await expect(withdrawals).toHaveCount(3);
  const emailWithdrawal = history.locator('tr[data-action="withdraw"][data-channel="email"]');
  await expect(emailWithdrawal.getByTestId('history-who')).toHaveText(OPERATOR);
  await expect(emailWithdrawal.getByTestId('history-when')).toContainText(tokyoToday());
  await expect(emailWithdrawal.getByTestId('history-source')).toHaveText('メール');
  await expect(emailWithdrawal.getByTestId('history-evidence')).toHaveText(evidence);
  await expect(emailWithdrawal.getByTestId('history-inquiry-link')).toHaveText(`#${inquiryId}`);
  const grant = history.locator('tr[data-action="grant"]');
  await expect(grant).toHaveCount(1);
  await expect(grant.getByTestId('history-evidence')).toHaveText('メールで新商品案内の受信を希望');
});

test('5. the mailing list holds only the customer who consented and did not opt out; the export is logged', async () => {
  await page.getByTestId('nav-marketing').click();
  await expect(page.getByTestId('marketing-count')).toHaveText('1');
  await expect(page.getByTestId(`marketing-row-${taroId}`)).toContainText(TARO.email);
  await expect(page.getByTestId(`marketing-row-${hanakoId}`)).toHaveCount(0);
  await expect(page.getByTestId('export-log-empty')).toBeVisible();

  // Not before it is said to whom the list goes (the contractor entrusted with sending the mail).
  await expect(page.getByTestId('marketing-export')).toBeDisabled();
  await page.getByTestId('marketing-handed-to').fill('株式会社メール配信');
  const { download, text } = await downloadText(page, () => page.getByTestId('marketing-export').click());
  expect(download.suggestedFilename()).toMatch(/\.csv$/);
  expect(text).toContain(TARO.email);
  expect(text).not.toContain(HANAKO.email);

  const log = page.getByTestId(/^export-log-row-\d+$/);
  await expect(log).toHaveCount(1);
  await expect(log.getByTestId('export-log-who')).toHaveText(OPERATOR);
  await expect(log.getByTestId('export-log-count')).toHaveText('1');
  await expect(log.getByTestId('export-log-handed-to')).toHaveText('株式会社メール配信');
  await expect(log).toContainText(tokyoToday());
});

test('6. the response-time report counts received and answered inquiries by channel, and downloads as CSV', async () => {
  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-from').fill(tokyoYesterday());
  await page.getByTestId('report-to').fill(tokyoToday());
  await page.getByTestId('report-run').click();
  await expect(page.getByTestId('report-range')).toContainText(tokyoToday());

  const email = page.getByTestId('report-row-email');
  await expect(email.getByTestId('report-received')).toHaveText('2');
  await expect(email.getByTestId('report-answered')).toHaveText('1');
  await expect(email.getByTestId('report-median')).toHaveText(/^\d+:\d{2}$/);
  const phone = page.getByTestId('report-row-phone');
  await expect(phone.getByTestId('report-received')).toHaveText('1');
  await expect(phone.getByTestId('report-answered')).toHaveText('0');
  await expect(phone.getByTestId('report-median')).toHaveText('—');
  const all = page.getByTestId('report-row-all');
  await expect(all.getByTestId('report-received')).toHaveText('3');
  await expect(all.getByTestId('report-answered')).toHaveText('1');

  // Dates changed but not run: the CSV is still the report on screen (yesterday to today), not another range.
  await page.getByTestId('report-from').fill('2020-01-01');
  const { download, text } = await downloadText(page, () => page.getByTestId('report-csv').click());
  expect(download.suggestedFilename()).toContain(tokyoToday());
  expect(download.suggestedFilename()).toContain(tokyoYesterday());
  expect(text.charCodeAt(0)).toBe(0xfeff); // BOM, so Excel in Japan reads it as UTF-8
  expect(text).toMatch(/,メール \(email\),2,1,/);
  expect(text).toMatch(/,電話 \(phone\),1,0,/);
});

test('6b. cancels the phone customer\'s registration at their request, deleting what their inquiry said; the report still counts it', async () => {
  await page.getByTestId('nav-inbox').click();
  await row('inquiry-row', PHONE_SUBJECT).click();
  const inquiryId = await idOf(page.getByTestId('inquiry-view'), 'data-inquiry-id');
  await page.getByTestId('inquiry-customer-link').click();
  await expect(page.getByTestId('customer-name')).toHaveText('高橋 次郎');
  await page.getByTestId('customer-search').fill('高橋');
  await expect(page.getByTestId(/^customer-row-\d+$/).filter({ hasText: '高橋 次郎' })).toHaveCount(1);
  await page.getByTestId('customer-cancel-registration').click();
  const form = page.getByTestId('cancel-registration-form');
  await form.getByTestId('cancel-registration-source').selectOption('phone');
  await form.getByTestId('cancel-registration-inquiry').selectOption({ label: `#${inquiryId} ${PHONE_SUBJECT}` });
  await form.getByTestId('cancel-registration-evidence').fill('お電話で退会の申し出。生年月日で本人確認');
  // Whether the inquiry's contents go must be chosen: there is no default for what cannot be undone.
  await form.getByTestId('cancel-registration-submit').click();
  await expect(form.getByTestId('cancel-registration-problem')).toHaveText('問い合わせの内容を削除するか残すかを選んでください。');
  await form.getByTestId('cancel-registration-delete').check();
  await form.getByTestId('cancel-registration-submit').click();
  await expect(form.getByTestId('cancel-registration-question')).toContainText('高橋 次郎様の登録を抹消します。元に戻せません。');
  await form.getByTestId('cancel-registration-confirm').click();

  const customerId = await idOf(page.getByTestId('customer-view'), 'data-customer-id');
  await expect(page.getByTestId('notice-text')).toHaveText(`顧客 #${customerId} の登録を抹消しました。`);
  await expect(page.getByTestId('customer-name')).toHaveText('(登録抹消済み)');
  // The list beside the page no longer finds them, except by their number, marked cancelled.
  await expect(page.getByTestId(`customer-row-${customerId}`)).toHaveCount(0);
  await page.getByTestId('customer-search').fill(`#${customerId}`);
  await expect(page.getByTestId(`customer-row-cancelled-${customerId}`)).toHaveText('登録抹消');
  await expect(page.getByTestId('customer-phone')).toHaveText('—');
  await expect(page.getByTestId('customer-address')).toHaveText('—');
  await expect(page.getByTestId('customer-cancelled')).toContainText(`${OPERATOR} が抹消しました（受付経路: 電話）。 問い合わせの内容も削除しました。`);
  await expect(page.getByTestId('customer-cancelled')).toContainText('根拠: お電話で退会の申し出。生年月日で本人確認');
  // Nothing more can be recorded for the number; every use still permitted was withdrawn, on the record.
  await expect(page.getByTestId('customer-amend')).toHaveCount(0);
  await expect(page.getByTestId('customer-cancel-registration')).toHaveCount(0);
  await expect(page.getByTestId('consent-form')).toHaveCount(0);
  await expect(page.getByTestId('consent-cell-order_fulfilment-any')).toHaveAttribute('data-state', 'withdrawn');
  await expect(page.getByTestId('consent-history').locator('tr[data-action="withdraw"]')).toHaveCount(5);

  // The inquiry stays, saying nothing: its subject and the card number's last digits are gone.
  await page.getByTestId('nav-inbox').click();
  await expect(row('inquiry-row', PHONE_SUBJECT)).toHaveCount(0);
  await row('inquiry-row', '(登録抹消により削除)').click();
  await expect(page.getByTestId('inquiry-view')).not.toContainText('1111');

  await page.getByTestId('nav-reports').click();
  await page.getByTestId('report-from').fill(tokyoYesterday());
  await page.getByTestId('report-to').fill(tokyoToday());
  await page.getByTestId('report-run').click();
  await expect(page.getByTestId('report-row-phone').getByTestId('report-received')).toHaveText('1');
});

test('switches to English (kept after a reload), and a locked session needs the right passphrase', async () => {
  await expect(page.getByTestId('nav-inbox')).toContainText('受信箱');
  await page.getByTestId('language-switch').selectOption('en');
  await expect(page.getByTestId('nav-inbox')).toContainText('Inbox');
  await expect(page.getByTestId('nav-reports')).toContainText('Reports');
  // What Madoguchi stored in place of a value reads in English too.
  await page.getByTestId('nav-inbox').click();
  await expect(row('inquiry-row', '(deleted with the registration)')).toHaveCount(1);

  await page.reload();
  await expect(page.getByTestId('header-operator')).toHaveText(OPERATOR);
  await expect(page.getByTestId('nav-inbox')).toContainText('Inbox');

  await page.getByTestId('lock-button').click();
  await expect(page.getByTestId('unlock-form')).toBeVisible();
  await page.getByTestId('unlock-operator').fill(OPERATOR);
  await page.getByTestId('unlock-passphrase').fill('not the passphrase');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('error-banner')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
  await expect(page.getByRole('alert')).toContainText('Wrong passphrase');
  await page.getByTestId('error-dismiss').click();
  await expect(page.getByTestId('error-banner')).toHaveCount(0);

  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('header-operator')).toHaveText(OPERATOR);
  await page.getByTestId('language-switch').selectOption('ja');
  await expect(page.getByTestId('nav-inbox')).toContainText('受信箱');

  // In Japanese, the main process's word on a wrong passphrase reads in Japanese too.
  await page.getByTestId('lock-button').click();
  await page.getByTestId('unlock-operator').fill(OPERATOR);
  await page.getByTestId('unlock-passphrase').fill('ちがうパスフレーズ');
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByRole('alert')).toContainText('パスフレーズが違います。入力モード（半角／全角）を確認して、もう一度入力してください。');
  await page.getByTestId('error-dismiss').click();
  await page.getByTestId('unlock-passphrase').fill(PASSPHRASE);
  await page.getByTestId('unlock-submit').click();
  await expect(page.getByTestId('header-operator')).toHaveText(OPERATOR);
});

test('the page ran without script errors or Content-Security-Policy violations', () => {
  expect(world.problems).toEqual([]);
});

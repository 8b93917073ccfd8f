import { expect, test, type Page } from '@playwright/test';
import { downloadText, fillNewCustomerInquiry, recordConsent, setUpSession } from './steps';
import { startWorld, type World } from './world';

/**
 * A customer opts out after their address went to the mail-delivery contractor: the customer's
 * page says the list handed out still holds them, and the export log gives the stop list (ids and
 * reasons, no addresses) to send that contractor so they delete them.
 */
test.describe.configure({ mode: 'serial' });

const CUSTOMER = { name: '小林 さくら', email: 'sakura@example.jp' };
let world: World;
let page: Page;
let customerId: number;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'stop-list' });
  page = world.page;
});

test.afterAll(async () => {
  await world?.stop();
});

test('1. a customer who consented is on the list handed to the contractor', async () => {
  await setUpSession(page, world.host.url, '中村 美穂', 'correct horse battery staple');
  // Answered on the line: it is logged answered, its first response the call.
  const form = await fillNewCustomerInquiry(page, { channel: 'phone', ...CUSTOMER, subject: '新商品のご案内について', body: '新商品の案内をメールで受け取りたいとのこと。', answeredDuringCall: true });
  await form.getByTestId('log-submit').click();
  await expect(page.getByTestId('inquiry-status-select')).toHaveValue('answered');
  await page.getByTestId('inquiry-customer-link').click();
  customerId = Number(await page.getByTestId('customer-view').getAttribute('data-customer-id'));
  await recordConsent(page, { action: 'grant', channels: ['email'], source: 'phone', evidence: '電話でメールでの新商品案内を希望' });

  await page.getByTestId('nav-marketing').click();
  await expect(page.getByTestId('marketing-count')).toHaveText('1');
  await page.getByTestId('marketing-handed-to').fill('株式会社メール配信');
  const { text } = await downloadText(page, () => page.getByTestId('marketing-export').click());
  expect(text).toContain(CUSTOMER.email);
  const entry = page.getByTestId(/^export-log-row-\d+$/);
  await expect(entry.getByTestId('export-log-no-longer-mailable')).toHaveText('0');
  await expect(entry.getByTestId(/^export-log-stop-list-\d+$/)).toHaveCount(0);
});

test('2. after the opt-out, the customer page and the export log say the contractor still holds them, and give the stop list', async () => {
  await page.getByTestId('nav-customers').click();
  await page.getByTestId('customer-search').fill('小林');
  await page.getByTestId(`customer-row-${customerId}`).click();
  await expect(page.getByTestId('mailing-list-exports')).toContainText('株式会社メール配信');
  await expect(page.getByTestId('still-on-exported-lists')).toHaveCount(0);
  await recordConsent(page, { action: 'withdraw', channels: ['email'], source: 'phone', evidence: '電話で「案内メールは不要」との申し出' });
  await expect(page.getByTestId('still-on-exported-lists')).toContainText('上の送付リストにはまだ載っています');

  await page.getByTestId('nav-marketing').click();
  await expect(page.getByTestId('marketing-count')).toHaveText('0');
  const entry = page.getByTestId(/^export-log-row-\d+$/);
  await expect(entry.getByTestId('export-log-no-longer-mailable')).toHaveText('1');
  const { download, text } = await downloadText(page, () => entry.getByTestId(/^export-log-stop-list-\d+$/).click());
  expect(download.suggestedFilename()).toMatch(/-stop\.csv$/);
  expect(text.replace(/^\uFEFF/, '').trim().split('\r\n')).toEqual(['顧客ID (customer id),理由 (reason),日時 JST (since)', expect.stringMatching(new RegExp(`^${customerId},配信停止 \\(opted out\\),\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$`))]);
  expect(text).not.toContain(CUSTOMER.email);
  await expect(page.getByTestId('notice-text')).toContainText('渡した先に削除を依頼してください');
  expect(world.problems).toEqual([]);
});

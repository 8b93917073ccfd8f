import { expect, test, type Page } from '@playwright/test';
import { fillNewCustomerInquiry, setUpSession } from './steps';
import { startWorld, type World } from './world';

/**
 * Staff mark an inquiry answered by mistake and undo it from the notice: its first response goes
 * with it, so the report does not count it answered. The report's dates default to this month so
 * far, worked out when it is shown: an app left open past the end of a month reports the new one.
 * The page's clock is set (Date only; timers run), the main process keeps the real one. And an
 * inquiry being logged is kept while staff look at another one.
 */
test.describe.configure({ mode: 'serial' });

let world: World;
let page: Page;

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'status-undo' });
  page = world.page;
  // 2026-11-30 23:30 in Tokyo: the last evening of November.
  await page.clock.setFixedTime(new Date('2026-11-30T14:30:00Z'));
});
test.afterAll(async () => world?.stop());

test('1. undoing 回答済み picked by mistake takes its first response back too', async () => {
  await setUpSession(page, world.host.url, '山本 彩', 'correct horse battery staple');
  const form = await fillNewCustomerInquiry(page, { channel: 'post', name: '井上 翔太', subject: '返品の手続きについて', body: '返品用の伝票を送ってほしいとのお手紙。' });
  await expect(form.getByTestId('log-received-at')).toHaveValue('2026-11-30T23:30');
  await form.getByTestId('log-submit').click();

  const view = page.getByTestId('inquiry-view');
  await expect(view.getByTestId('inquiry-first-response')).toHaveText('—');
  await view.getByTestId('inquiry-status-select').selectOption('answered');
  await expect(page.getByTestId('notice-text')).toContainText('回答済み');
  await expect(view.getByTestId('inquiry-first-response')).not.toHaveText('—');
  await page.getByTestId('notice-undo').click();
  await expect(page.getByTestId('notice-text')).toContainText('未対応');
  await expect(view.getByTestId('inquiry-status-select')).toHaveValue('open');
  await expect(view.getByTestId('inquiry-first-response')).toHaveText('—');
});

test('2. the report defaults to this month so far, and counts the inquiry received, not answered', async () => {
  await page.getByTestId('nav-reports').click();
  await expect(page.getByTestId('report-from')).toHaveValue('2026-11-01');
  await expect(page.getByTestId('report-to')).toHaveValue('2026-11-30');
  await expect(page.getByTestId('report-row-post').getByTestId('report-received')).toHaveText('1');
  await expect(page.getByTestId('report-row-post').getByTestId('report-answered')).toHaveText('0');
});

test('3. left open past midnight into December, the report shows December, until staff choose dates themselves', async () => {
  await page.getByTestId('nav-inbox').click();
  // 2026-12-01 09:30 in Tokyo.
  await page.clock.setFixedTime(new Date('2026-12-01T00:30:00Z'));
  await page.getByTestId('nav-reports').click();
  await expect(page.getByTestId('report-from')).toHaveValue('2026-12-01');
  await expect(page.getByTestId('report-to')).toHaveValue('2026-12-01');
  await expect(page.getByTestId('report-row-post').getByTestId('report-received')).toHaveText('0');

  await page.getByTestId('report-from').fill('2026-11-01');
  await page.getByTestId('report-to').fill('2026-11-30');
  await page.getByTestId('report-run').click();
  await expect(page.getByTestId('report-row-post').getByTestId('report-received')).toHaveText('1');
  await page.getByTestId('nav-inbox').click();
  await page.getByTestId('nav-reports').click();
  await expect(page.getByTestId('report-from')).toHaveValue('2026-11-01');
  await expect(page.getByTestId('report-to')).toHaveValue('2026-11-30');
  expect(world.problems).toEqual([]);
});

test('4. an inquiry being logged outlives a look at an earlier one in the list, and goes when cancelled', async () => {
  await page.getByTestId('nav-inbox').click();
  const form = await fillNewCustomerInquiry(page, { channel: 'phone', name: '中村 優', subject: '先日の手紙の件', body: '先日送った手紙は届いたかとのお電話。', answeredDuringCall: true });
  // Staff check the caller's letter in the list beside the form, then come back to it.
  await page.getByTestId('inbox-filter-status').selectOption('');
  await page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '返品の手続きについて' }).click();
  await expect(page.getByTestId('inquiry-view')).toBeVisible();
  await page.getByTestId('log-inquiry-open').click();
  await expect(form.getByTestId('log-new-name')).toHaveValue('中村 優');
  await expect(form.getByTestId('log-subject')).toHaveValue('先日の手紙の件');
  await expect(form.getByTestId('log-body')).toHaveValue('先日送った手紙は届いたかとのお電話。');
  await expect(form.getByTestId('log-answered-during-call')).toBeChecked();
  // Cancelled, it is gone: the next form starts empty.
  await form.getByTestId('log-cancel').click();
  await page.getByTestId('log-inquiry-open').click();
  await expect(form.getByTestId('log-subject')).toHaveValue('');
  await expect(form.getByTestId('log-new-name')).toHaveValue('');
  expect(world.problems).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, firstAccountId, firstAccountRow, saveAccountForm, setUpSession } from './steps';
import { tokyoDate } from '../../shared/tokyoTime';
import type { DovecotServer } from '../support/dovecot';
import { autoReplyMail, japaneseMail } from '../support/mailFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy';
import { startWorld, type World } from './world';

/**
 * Sync settings and health on the settings screen, against a real Dovecot: an account syncing
 * two folders with an import date (older mail archived), the per-account health panel (last
 * sync, folder cursors), and a failing sync showing its error and failure count.
 */
test.describe.configure({ mode: 'serial' });

const OPERATOR = '高橋 健';
const PASSPHRASE = 'correct horse battery staple';
const SUPPORT = 'support@toot.example';
const DAY_MS = 24 * 3600_000;

let world: World;
let dovecot: DovecotServer;
let smtp: SmtpReceiver;
let page: Page;
/** Between the app and Dovecot in the long sync, slowing it to a pace at which it can be cancelled. */
let proxy: TcpProxy | null = null;

const mailDate = (msAgo: number) => new Date(Date.now() - msAgo).toUTCString().replace('GMT', '+0000');
/** Mail before this Tokyo day is archived. */
const importSince = tokyoDate(new Date(Date.now() - 7 * DAY_MS).toISOString());

const accountRow = () => firstAccountRow(page);
const accountId = () => firstAccountId(page);

test.beforeAll(async ({ browser }) => {
  world = await startWorld(browser, { name: 'health', dovecot: { user: SUPPORT }, smtp: { user: SUPPORT } });
  ({ dovecot, smtp, page } = world);

  // A recent mail and one that arrived a month ago (before the import date) in INBOX…
  await dovecot.appendMail(
    japaneseMail({
      from: 'hanako.yamada@example.jp',
      fromName: '山田 花子',
      to: SUPPORT,
      subject: '配送日の確認',
      text: '注文した商品はいつ届きますか？',
      messageId: '<health-recent-1@example.jp>',
      date: mailDate(10 * 60_000),
    }),
  );
  await dovecot.appendMail(
    japaneseMail({
      from: 'jiro.suzuki@example.jp',
      fromName: '鈴木 次郎',
      to: SUPPORT,
      subject: '昔の問い合わせ',
      text: '先月の件です。',
      messageId: '<health-old-1@example.jp>',
      date: mailDate(30 * DAY_MS),
    }),
    'INBOX',
    { internalDate: new Date(Date.now() - 30 * DAY_MS) },
  );
  // …and a recent one in a second folder.
  await dovecot.appendMail(
    japaneseMail({
      from: 'taro.sato@example.jp',
      fromName: '佐藤 太郎',
      to: SUPPORT,
      subject: 'アーカイブフォルダーのメール',
      text: '別フォルダーに振り分けられたお問い合わせです。',
      messageId: '<health-archive-folder-1@example.jp>',
      date: mailDate(5 * 60_000),
    }),
    'Archive',
  );
});

test.afterAll(async () => {
  await proxy?.stop();
  await world?.stop();
});

test('1. syncs two folders with an import date and shows the health panel', async () => {
  await setUpSession(page, world.host.url, OPERATOR, PASSPHRASE);
  const form = await fillNewMailAccount(page, dovecot, smtp, SUPPORT);
  await expect(form.getByTestId('account-folders')).toHaveValue('INBOX');
  await expect(form.getByTestId('account-import-since')).toHaveValue('');
  await form.getByTestId('account-folders').fill('INBOX, Archive');
  await form.getByTestId('account-import-since').fill(importSince);
  await saveAccountForm(page);
  await expect(page.getByTestId(/^account-row-\d+$/)).toHaveCount(1);

  const id = await accountId();
  const account = accountRow();
  // Before the first sync: the health panel is there, with no sync yet and cursors at 0.
  const health = account.getByTestId(`account-health-${id}`);
  await expect(health).toBeVisible();
  await expect(account.getByTestId(`account-health-last-sync-${id}`)).toHaveText('—');
  await expect(account.getByTestId(`account-next-retry-${id}`)).toBeVisible();

  await account.getByTestId(`account-sync-${id}`).click();
  await expect(account.getByTestId(`account-sync-${id}`)).toBeEnabled({ timeout: 60_000 });
  await expect(account.getByTestId(`sync-report-${id}`)).toBeVisible();
  await expect(account.getByTestId('sync-fetched')).toHaveText('3');
  await expect(account.getByTestId('sync-new')).toHaveText('2');
  await expect(account.getByTestId(`sync-archived-${id}`)).toHaveText('1');
  await expect(account.getByTestId(`sync-cancelled-${id}`)).toHaveCount(0);
  await expect(account.getByTestId(`sync-cancel-${id}`)).toHaveCount(0);

  await expect(account.getByTestId(`account-health-last-sync-${id}`)).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
  await expect(account.getByTestId(`account-health-error-${id}`)).toHaveText('なし');
  const cursors = account.getByTestId('folder-cursor');
  await expect(cursors).toHaveCount(2);
  await expect(cursors.filter({ hasText: 'INBOX' })).toHaveAttribute('data-last-uid', '2');
  await expect(cursors.filter({ hasText: 'Archive' })).toHaveAttribute('data-last-uid', '1');
  await expect(cursors.filter({ hasText: 'Archive' })).toContainText('最終UID 1');

  // The archived mail opened no inquiry; the Archive folder's mail did.
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: 'アーカイブフォルダーのメール' })).toBeVisible();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '配送日の確認' })).toBeVisible();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '昔の問い合わせ' })).toHaveCount(0);
});

test('1b. an auto-reply opens no inquiry and is listed, with the reason, among the mails set aside', async () => {
  await dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'away@example.jp', to: SUPPORT, subject: '不在のお知らせ' }), 'Archive');
  // A copy of Madoguchi's own mail (a colleague's Bcc) is set aside too, and can never be filed as an inquiry.
  await dovecot.appendMail(japaneseMail({ from: SUPPORT, to: 'customer@example.jp', subject: '自社からの送信', text: 'ご連絡いたします。', messageId: '<own-copy@toot.example>' }), 'Archive');
  await page.getByTestId('nav-settings').click();
  const id = await accountId();
  const account = accountRow();
  await expect(page.getByTestId('quarantine')).toContainText('取り込まなかったメールはありません。');
  await account.getByTestId(`account-sync-${id}`).click();
  await expect(account.getByTestId(`sync-report-${id}`)).toBeVisible();
  await expect(account.getByTestId('sync-fetched')).toHaveText('2');
  await expect(account.getByTestId('sync-new')).toHaveText('0');
  const own = page.getByTestId(/^quarantine-row-\d+$/).filter({ hasText: '自社からの送信' });
  await expect(own.getByTestId('quarantine-reason')).toHaveText('この窓口自身の送信元アドレスから送られたメールのため、お客様の問い合わせではありません');
  await expect(own.getByRole('button', { name: 'もう一度取り込む' })).toBeVisible();
  await expect(own.getByRole('button', { name: '問い合わせとして取り込む' })).toHaveCount(0);
  const rows = page.getByTestId(/^quarantine-row-\d+$/).filter({ hasText: '不在のお知らせ' });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Archive / UID 2');
  await expect(rows.first().getByTestId('quarantine-reason')).toHaveText('自動送信メール（自動返信または配信通知）のため、問い合わせにしませんでした');
  // Staff can tell which mail it is.
  await expect(rows.first().getByTestId('quarantine-subject')).toHaveText('不在のお知らせ');
  await expect(rows.first().getByTestId('quarantine-from')).toHaveText('山田 太郎 <away@example.jp>');
  await expect(rows.first().getByTestId('quarantine-sent-at')).toHaveText(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  // Read again from the server: still an auto-reply, so it stays set aside, once, and staff are told why.
  await rows.first().getByRole('button', { name: 'もう一度取り込む' }).click();
  await expect(page.getByText(/まだ問い合わせにできません: 自動送信メール（自動返信または配信通知）/)).toBeVisible();
  await expect(rows).toHaveCount(1);

  // Staff judge it a customer's inquiry after all: filed as one, it leaves the list and is in the inbox.
  await rows.first().getByRole('button', { name: '問い合わせとして取り込む' }).click();
  await expect(page.getByText(/問い合わせ #\d+ として取り込みました。/)).toBeVisible();
  await expect(rows).toHaveCount(0);
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: '不在のお知らせ' })).toBeVisible();
});

test('2. editing keeps the folders and import date; a wrong password shows the error and failure count', async () => {
  await page.getByTestId('nav-settings').click();
  const id = await accountId();
  const account = accountRow();
  await account.getByTestId(`account-edit-${id}`).click();
  const form = page.getByTestId('account-form');
  await expect(form.getByTestId('account-folders')).toHaveValue('INBOX\nArchive');
  await expect(form.getByTestId('account-import-since')).toHaveValue(importSince);
  await form.getByTestId('account-imap-password').fill('not-the-password');
  await form.getByTestId('account-save').click();
  await expect(page.getByTestId('account-form')).toHaveCount(0);

  await account.getByTestId(`account-sync-${id}`).click();
  await expect(account.getByTestId(`account-sync-${id}`)).toBeEnabled({ timeout: 60_000 });
  const error = account.getByTestId(`account-health-error-${id}`);
  await expect(error).not.toHaveText('なし');
  await expect(error).toContainText(`IMAP サーバーにログインできませんでした（${SUPPORT}）。ユーザー名とパスワードを確認してください。`);
  await expect(account.getByTestId(`account-failures-${id}`)).toHaveText(/連続 [1-9]\d* 回失敗/);
  // The cursors stay where the last good sync left them.
  await expect(account.getByTestId('folder-cursor').filter({ hasText: 'INBOX' })).toHaveAttribute('data-last-uid', '2');

  // Staff working in the inbox see that mail has stopped coming in, and reach the error from there.
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId('sync-alert')).toHaveText('メールを取り込めていません: サポート窓口（設定で確認）');
  await page.getByTestId('sync-alert').click();
  await expect(error).toContainText('ログインできませんでした');

  // The panel follows the language.
  await page.getByTestId('settings-language').selectOption('en');
  await expect(account.getByTestId(`account-failures-${id}`)).toHaveText(/failures in a row/);
  await expect(error).toContainText(`IMAP login failed for ${SUPPORT}: check the user name and password`);
});

test('3. a long sync shows its rate and can be cancelled; the next sync goes on from there', async () => {
  const many = Array.from({ length: 1500 }, (_, i) =>
    japaneseMail({
      from: `customer${i}@example.jp`,
      to: SUPPORT,
      subject: `大量のお問い合わせ ${i}`,
      text: `お問い合わせ番号 ${i} です。`.repeat(20),
      messageId: `<bulk-${i}@example.jp>`,
      date: mailDate(60_000),
    }),
  );
  await dovecot.appendMails(many);

  // The mailbox (about 2 MB) reaches the app at 200 kB/s: a sync of some ten seconds, long
  // enough to be cancelled however fast this machine parses and stores.
  proxy = await startTcpProxy(dovecot);
  proxy.throttle(200_000);
  const id = await accountId();
  const account = accountRow();
  await account.getByTestId(`account-edit-${id}`).click();
  const form = page.getByTestId('account-form');
  await form.getByTestId('account-imap-port').fill(String(proxy.port));
  await form.getByTestId('account-imap-password').fill(dovecot.password);
  await form.getByTestId('account-save').click();
  await expect(page.getByTestId('account-form')).toHaveCount(0);

  await account.getByTestId(`account-sync-${id}`).click();
  await expect(account.getByTestId(`sync-rate-${id}`)).toHaveText(/mails\/s/, { timeout: 60_000 });
  await expect(account.getByTestId(`sync-bytes-${id}`)).toHaveText(/MB/);
  await account.getByTestId(`sync-cancel-${id}`).click();
  await expect(account.getByTestId(`account-sync-${id}`)).toBeEnabled({ timeout: 60_000 });
  await expect(account.getByTestId(`sync-cancelled-${id}`)).toHaveText('Cancelled');
  const fetched = Number(await account.getByTestId('sync-fetched').textContent());
  // Cancelled partway: some mail stored, not all. (Cancelling mid-batch is proven step by step
  // in test/integration/syncEngine.test.ts.)
  expect(fetched).toBeGreaterThan(0);
  expect(fetched).toBeLessThan(1500);

  // At full speed again, the next sync fetches the rest, and the INBOX cursor reaches the last mail.
  proxy.throttle(null);
  await account.getByTestId(`account-sync-${id}`).click();
  await expect(account.getByTestId(`account-sync-${id}`)).toBeEnabled({ timeout: 60_000 });
  await expect(account.getByTestId(`sync-cancelled-${id}`)).toHaveCount(0);
  await expect(account.getByTestId('sync-fetched')).toHaveText(String(1500 - fetched));
  await expect(account.getByTestId('folder-cursor').filter({ hasText: 'INBOX' })).toHaveAttribute('data-last-uid', '1502');
  await expect(account.getByTestId(`account-health-error-${id}`)).toHaveText('None');
  await expect(page.getByTestId('sync-alert')).toHaveCount(0);
});

test('the page ran without script errors', () => {
  expect(world.problems).toEqual([]);
});

import { expect, test, type Page } from '@playwright/test';
import { fillNewMailAccount, firstAccountId, firstAccountRow, saveAccountForm, setUpSession } from './steps';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startOAuthProvider, type OAuthProvider } from '../support/oauthProvider';
import { startWorld, type World } from './world';

/**
 * An OAuth2 mail account set up and used from the settings screen, against a real Dovecot that
 * checks tokens with a real introspection endpoint: the token works, then expires, and staff read
 * what happened and paste a new one; then they sign in with the provider in the browser instead.
 */
test.describe.configure({ mode: 'serial' });

const SUPPORT = 'support@toot.example';
let provider: OAuthProvider;
let world: World;
let dovecot: DovecotServer;
let page: Page;
let firstToken: string;

const accountRow = () => firstAccountRow(page);
const accountId = () => firstAccountId(page);
const appendInquiry = (subject: string, id: string) =>
  dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', fromName: '山田 花子', to: SUPPORT, subject, text: 'よろしくお願いします。', messageId: `<${id}@example.jp>` }));

test.beforeAll(async ({ browser }) => {
  provider = await startOAuthProvider();
  world = await startWorld(browser, {
    name: 'oauth',
    dovecot: { user: SUPPORT, oauth2IntrospectionUrl: provider.introspectionUrl },
    smtp: { user: SUPPORT, acceptsToken: (user, token) => provider.accepts(user, token) },
  });
  ({ dovecot, page } = world);
  firstToken = provider.issue(SUPPORT).accessToken;
});

test.afterAll(async () => {
  await world?.stop();
  await provider?.stop();
});

test('1. an account set up with an OAuth2 access token syncs over XOAUTH2', async () => {
  await appendInquiry('OAuth2 のアカウントで受信', 'oauth-1');
  await setUpSession(page, world.host.url, '高橋 健', 'correct horse battery staple');
  const form = await fillNewMailAccount(page, dovecot, world.smtp, SUPPORT);
  await form.getByTestId('account-auth-method').selectOption('oauth2');
  await expect(form.getByTestId('account-imap-password')).toHaveCount(0);
  await expect(form.getByTestId('account-smtp-password')).toHaveCount(0);
  await form.getByTestId('account-oauth-access-token').fill(firstToken);
  await saveAccountForm(page);

  const id = await accountId();
  await expect(accountRow().getByTestId(`account-auth-${id}`)).toHaveText('OAuth2（XOAUTH2）');
  await accountRow().getByTestId(`account-sync-${id}`).click();
  await expect(accountRow().getByTestId(`sync-report-${id}`)).toBeVisible({ timeout: 60_000 });
  await expect(accountRow().getByTestId('sync-new')).toHaveText('1');
  await expect(accountRow().getByTestId(`account-health-error-${id}`)).toHaveText('なし');
});

test('2. an expired token is named as such; a new token pasted in the form makes the next sync work', async () => {
  provider.expire(firstToken);
  await appendInquiry('トークン更新後に届くメール', 'oauth-2');
  const id = await accountId();
  await accountRow().getByTestId(`account-sync-${id}`).click();
  const error = accountRow().getByTestId(`account-health-error-${id}`);
  // In the staff's language: the main process's message, read in Japanese.
  await expect(error).toContainText('OAuth2 アクセストークンを拒否しました', { timeout: 60_000 });
  await expect(error).toContainText('設定で新しいアクセストークン');
  await expect(page.getByText('OAuth2 のアクセストークンが期限切れか無効です').first()).toBeVisible();

  await accountRow().getByTestId(`account-edit-${id}`).click();
  const form = page.getByTestId('account-form');
  await expect(form.getByTestId('account-auth-method')).toHaveValue('oauth2');
  // The stored token is never shown; the blank field keeps it unless something is typed.
  await expect(form.getByTestId('account-oauth-access-token')).toHaveValue('');
  await form.getByTestId('account-oauth-access-token').fill(provider.issue(SUPPORT).accessToken);
  await saveAccountForm(page);

  await accountRow().getByTestId(`account-sync-${id}`).click();
  await expect(accountRow().getByTestId(`account-health-error-${id}`)).toHaveText('なし', { timeout: 60_000 });
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: 'トークン更新後に届くメール' })).toBeVisible();
});

test('3. signing in with the provider in the browser replaces pasted tokens, renews itself and syncs at once', async () => {
  await appendInquiry('サインイン直後に届くメール', 'oauth-3');
  await page.getByTestId('nav-settings').click();
  const id = await accountId();
  await accountRow().getByTestId(`account-edit-${id}`).click();
  const form = page.getByTestId('account-form');
  await form.getByTestId('account-oauth-authorize-url').fill(provider.authorizeUrl);
  await form.getByTestId('account-oauth-token-url').fill(provider.tokenUrl);
  await form.getByTestId('account-oauth-client-id').fill(provider.clientId);
  await form.getByTestId('account-oauth-scope').fill('mail offline_access');
  await saveAccountForm(page);

  // The provider's page opens beside Madoguchi, and sends the browser back to this computer.
  const [providerPage] = await Promise.all([page.waitForEvent('popup'), accountRow().getByTestId(`account-sign-in-${id}`).click()]);
  await expect(providerPage.getByTestId('oauth-callback-message')).toContainText('サインインしました', { timeout: 30_000 });
  await providerPage.close();

  await expect(page.getByText(/でサインインしました。メールを同期しています。/)).toBeVisible({ timeout: 30_000 });
  await expect(accountRow().getByTestId(`account-sign-in-waiting-${id}`)).toHaveCount(0);
  await expect(accountRow().getByTestId(`account-auth-${id}`)).toContainText('期限切れ時に自動更新');
  expect(provider.lastScope).toBe('mail offline_access');
  // The mail that arrived meanwhile is fetched with the new token without pressing "sync".
  await page.getByTestId('nav-inbox').click();
  await expect(page.getByTestId(/^inquiry-row-\d+$/).filter({ hasText: 'サインイン直後に届くメール' })).toBeVisible({ timeout: 30_000 });
});

test('4. when the provider revokes access, staff working in the inbox are told at once that mail has stopped coming in', async () => {
  await page.getByTestId('nav-settings').click();
  const id = await accountId();
  await page.getByTestId('nav-inbox').click();
  provider.revokeEverything();
  // The provider takes its time to refuse the renewal, as real ones do: the sync runs on meanwhile.
  provider.setTokenDelay(2000);
  // The sync is started elsewhere (another window; the background sync likewise): this window learns of it only by what main pushes.
  const other = await world.context.newPage();
  try {
    await other.goto(world.host.url);
    await other.getByTestId('nav-settings').click();
    await firstAccountRow(other).getByTestId(`account-sync-${id}`).click();
    // The token is refused, renewing it is refused too, and only then is the sync over: the alert follows it, not the next poll.
    await expect(page.getByTestId('sync-alert')).toHaveText('メールを取り込めていません: サポート窓口（設定で確認）', { timeout: 10_000 });
  } finally {
    await other.close();
  }
  await page.getByTestId('sync-alert').click();
  await expect(accountRow().getByTestId(`account-health-error-${id}`)).not.toHaveText('なし');
});

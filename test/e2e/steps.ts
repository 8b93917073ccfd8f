import { readFileSync } from 'node:fs';
import { expect, type Download, type Locator, type Page } from '@playwright/test';
import type { DovecotServer } from '../support/dovecot';
import type { SmtpReceiver } from '../support/smtpReceiver';

/** First start, as staff do it: the operator's name and a new passphrase. */
export async function setUpSession(page: Page, url: string, operator: string, passphrase: string): Promise<void> {
  await page.goto(url);
  // The access token leaves the address bar at once.
  await expect.poll(() => page.url()).not.toContain('token=');
  await page.getByTestId('setup-operator').fill(operator);
  await page.getByTestId('setup-passphrase').fill(passphrase);
  await page.getByTestId('setup-confirm').fill(passphrase);
  await page.getByTestId('setup-submit').click();
  await expect(page.getByTestId('header-operator')).toHaveText(operator);
}

/** Opens 問い合わせを記録 and fills it in for a new customer, as staff do; nothing is sent. Returns the form. */
export async function fillNewCustomerInquiry(
  page: Page,
  entry: { channel: 'phone' | 'post' | 'fax'; name: string; email?: string; subject: string; body: string; answeredDuringCall?: boolean },
): Promise<Locator> {
  await page.getByTestId('log-inquiry-open').click();
  const form = page.getByTestId('log-form');
  await form.getByTestId(`log-channel-${entry.channel}`).check();
  await form.getByTestId('log-customer-new').check();
  await form.getByTestId('log-new-name').fill(entry.name);
  if (entry.email !== undefined) await form.getByTestId('log-new-email').fill(entry.email);
  await form.getByTestId('log-subject').fill(entry.subject);
  await form.getByTestId('log-body').fill(entry.body);
  if (entry.answeredDuringCall) await form.getByTestId('log-answered-during-call').check();
  return form;
}

/**
 * Opens Settings → add account and fills in the test Dovecot and SMTP receiver (TLS off: both
 * are on loopback). Returns the form so a test can fill more fields before `saveAccountForm`.
 */
export async function fillNewMailAccount(page: Page, imap: DovecotServer, smtp: SmtpReceiver, fromAddress: string): Promise<Locator> {
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('account-add').click();
  const form = page.getByTestId('account-form');
  await form.getByTestId('account-label').fill('サポート窓口');
  await form.getByTestId('account-from-address').fill(fromAddress);
  await form.getByTestId('account-imap-tls').uncheck();
  await form.getByTestId('account-imap-host').fill(imap.host);
  await form.getByTestId('account-imap-port').fill(String(imap.port));
  await form.getByTestId('account-imap-user').fill(imap.user);
  await form.getByTestId('account-imap-password').fill(imap.password);
  await form.getByTestId('account-smtp-tls').uncheck();
  await form.getByTestId('account-smtp-host').fill(smtp.host);
  await form.getByTestId('account-smtp-port').fill(String(smtp.port));
  await form.getByTestId('account-smtp-user').fill(smtp.user);
  await form.getByTestId('account-smtp-password').fill(smtp.password);
  return form;
}

/**
 * First start with a mail account: sets up the session, adds the test Dovecot and SMTP receiver
 * as the account and syncs it once, waiting until it reports `newInquiries` new inquiries.
 * Returns the account's row and its 今すぐ同期 button (on the settings screen).
 */
export async function startWithSyncedAccount(
  page: Page,
  world: { host: { url: string }; dovecot: DovecotServer; smtp: SmtpReceiver },
  fromAddress: string,
  newInquiries: number,
): Promise<{ row: Locator; sync: Locator }> {
  await setUpSession(page, world.host.url, '高橋 健', 'correct horse battery staple');
  await fillNewMailAccount(page, world.dovecot, world.smtp, fromAddress);
  await saveAccountForm(page);
  const row = firstAccountRow(page);
  const sync = row.getByTestId(/^account-sync-\d+$/);
  await sync.click();
  await expect(row.getByTestId('sync-new')).toHaveText(String(newInquiries), { timeout: 120_000 });
  return { row, sync };
}

export async function saveAccountForm(page: Page): Promise<void> {
  await page.getByTestId('account-form').getByTestId('account-save').click();
  await expect(page.getByTestId('account-form')).toHaveCount(0);
}

/** The first mail account's row on the settings screen. */
export function firstAccountRow(page: Page): Locator {
  return page.getByTestId(/^account-row-\d+$/).first();
}

/** Syncs the first mail account now (**今すぐ同期**) and waits for its report. */
export async function syncFirstAccountNow(page: Page, id: number): Promise<void> {
  await firstAccountRow(page).getByTestId(`account-sync-${id}`).click();
  await expect(firstAccountRow(page).getByTestId(`sync-report-${id}`)).toBeVisible({ timeout: 60_000 });
}

/** The id of the first mail account, read from its row. */
export async function firstAccountId(page: Page): Promise<number> {
  const testId = await firstAccountRow(page).getAttribute('data-testid');
  return Number(/\d+$/.exec(testId ?? '')?.[0]);
}

/** Runs what makes the page download a file, and reads the file. */
export async function downloadText(page: Page, trigger: () => Promise<void>): Promise<{ download: Download; text: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), trigger()]);
  const path = await download.path();
  return { download, text: readFileSync(path, 'utf8') };
}

/** Fills in and submits the consent form open on the page (purpose 3, new products), and waits for the notice. */
export async function recordConsent(
  page: Page,
  options: { action: 'grant' | 'withdraw'; channels?: ('email' | 'post' | 'phone')[]; source?: string; evidence: string },
): Promise<void> {
  const form = page.getByTestId('consent-form');
  await form.getByTestId(`consent-action-${options.action}`).check();
  await form.getByTestId('consent-purpose-new_product_information').check();
  if (options.channels) {
    for (const channel of ['email', 'post', 'phone'] as const) {
      await form.getByTestId(`consent-channel-${channel}`).setChecked(options.channels.includes(channel));
    }
  }
  if (options.source) await form.getByTestId('consent-source').selectOption(options.source);
  await form.getByTestId('consent-evidence').fill(options.evidence);
  await form.getByTestId('consent-submit').click();
  await expect(page.getByTestId('notice-text')).toContainText('記録しました');
}

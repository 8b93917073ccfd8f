import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { inspectDatabase } from '../support/inspectDatabase';
import { testMailAccount, type MailAccountInput } from '../support/mailAccount';
import { autoReplyMail, japaneseMail } from '../support/mailFixtures';
import { startOAuthProvider, type OAuthProvider } from '../support/oauthProvider';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { startTcpProxy } from '../support/tcpProxy';
import { abortableSleep } from '../../electron/sync/reconnect';
import { CallFailed, startTestApp, type TestApp } from '../support/testApp';

/**
 * OAuth2 (SASL XOAUTH2) against a real Dovecot that checks each token with a real token
 * introspection endpoint, and a real SMTP receiver that asks the same provider: what Gmail and
 * Microsoft 365 do, including tokens that expire an hour later.
 */
describe('mail accounts that log in with OAuth2 access tokens', () => {
  let provider: OAuthProvider;
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let clock: Date;

  beforeAll(async () => {
    provider = await startOAuthProvider();
    smtp = await startSmtpReceiver({ requireAuth: true, acceptsToken: (user, token) => provider.accepts(user, token) });
  });
  afterAll(async () => {
    await smtp.stop();
    await provider.stop();
  });

  beforeEach(async () => {
    dovecot = await startDovecot({ oauth2IntrospectionUrl: provider.introspectionUrl });
    clock = new Date('2026-11-24T01:00:00Z');
    t = await startTestApp({ now: () => clock.toISOString() });
    smtp.received.length = 0;
  });
  afterEach(async () => {
    await t.dispose();
    await dovecot.stop();
  });

  const oauthAccount = (overrides: Partial<MailAccountInput>): MailAccountInput => {
    const { imapPassword: _password, smtpPassword: _smtpPassword, ...base } = testMailAccount(dovecot, smtp);
    return { ...base, smtpUser: '', authMethod: 'oauth2', ...overrides };
  };
  const appendInquiry = (subject: string) =>
    dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject, text: '届きません', charset: 'iso-2022-jp' }));
  const failure = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CallFailed);
    return error as CallFailed;
  };

  it('syncs over IMAP and replies over SMTP with the access token, which is stored only sealed and never logged', async () => {
    const { accessToken } = provider.issue(dovecot.user);
    const account = await t.call('accounts.save', oauthAccount({ oauthAccessToken: accessToken }));
    expect(account).toMatchObject({ authMethod: 'oauth2', hasOAuthAccessToken: true, hasOAuthRefresh: false, hasImapPassword: false });
    expect(JSON.stringify(account)).not.toContain(accessToken);

    await appendInquiry('OAuth2 で届いた問い合わせ');
    const report = await t.call('sync.run', { accountId: account.id });
    expect(report).toMatchObject({ fetched: 1, newInquiries: 1 });

    const [inquiry] = await t.call('inquiries.list', {});
    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: 'ご連絡ありがとうございます。' });
    const [sent] = await smtp.waitFor(1);
    expect(sent!.to).toEqual(['hanako@example.jp']);

    await t.app.close();
    for (const file of filesUnder(t.dataDir)) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(accessToken)), `${file} holds the token`).toBe(false);
    }
  });

  it('says plainly that the token expired when the server refuses it and nothing can renew it', async () => {
    const { accessToken } = provider.issue(dovecot.user);
    const account = await t.call('accounts.save', oauthAccount({ oauthAccessToken: accessToken }));
    provider.expire(accessToken);

    const error = await failure(t.call('sync.run', { accountId: account.id }));
    expect(error.code).toBe('OAUTH_TOKEN_EXPIRED');
    expect(error.message).toMatch(/refused the OAuth2 access token for support@toot\.example: it has expired or was revoked\. Enter a new access token in Settings/);
    const [status] = await t.call('sync.status', {});
    expect(status).toMatchObject({ lastError: error.message, failureCount: 1 });

    // Staff paste a new token: the next sync works and the error is gone.
    await t.call('accounts.save', { ...oauthAccount({}), id: account.id, oauthAccessToken: provider.issue(dovecot.user).accessToken });
    await appendInquiry('新しいトークンで');
    await expect(t.call('sync.run', { accountId: account.id })).resolves.toMatchObject({ newInquiries: 1 });
    expect((await t.call('sync.status', {}))[0]).toMatchObject({ lastError: null, failureCount: 0 });
  });

  it('renews an expired access token with the refresh token, once, and keeps using the new one', async () => {
    const { accessToken, refreshToken } = provider.issue(dovecot.user);
    const account = await t.call(
      'accounts.save',
      oauthAccount({ oauthAccessToken: accessToken, oauthRefreshToken: refreshToken, oauthTokenUrl: provider.tokenUrl, oauthClientId: provider.clientId }),
    );
    expect(account).toMatchObject({ hasOAuthRefresh: true, oauthTokenUrl: provider.tokenUrl, oauthClientId: provider.clientId, oauthExpiresAt: null });
    provider.expire(accessToken);
    const refreshesBefore = provider.refreshCount;

    await appendInquiry('期限切れのあとで');
    await expect(t.call('sync.run', { accountId: account.id })).resolves.toMatchObject({ newInquiries: 1 });
    expect(provider.refreshCount).toBe(refreshesBefore + 1);
    const [renewed] = await t.call('accounts.list', {});
    // The provider said 3600 s: the expiry is known now, in the app's clock.
    expect(renewed!.oauthExpiresAt).toBe('2026-11-24T02:00:00.000Z');

    // Within the hour the renewed token serves the sync and a reply without asking again.
    const [inquiry] = await t.call('inquiries.list', {});
    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '承知しました。' });
    await t.call('sync.run', { accountId: account.id });
    expect(provider.refreshCount).toBe(refreshesBefore + 1);

    // An hour later it is renewed before it is used, so no login is refused first.
    clock = new Date('2026-11-24T02:00:30Z');
    await t.call('sync.run', { accountId: account.id });
    expect(provider.refreshCount).toBe(refreshesBefore + 2);
    expect((await t.call('sync.status', {}))[0]).toMatchObject({ lastError: null, failureCount: 0 });
  });

  it('renews a refused token to fetch a set-aside mail again, as a sync does', async () => {
    const { accessToken, refreshToken } = provider.issue(dovecot.user);
    const account = await t.call(
      'accounts.save',
      oauthAccount({ oauthAccessToken: accessToken, oauthRefreshToken: refreshToken, oauthTokenUrl: provider.tokenUrl, oauthClientId: provider.clientId }),
    );
    await dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'form@shop.example', messageId: '<form-1@shop.example>' }));
    await expect(t.call('sync.run', { accountId: account.id })).resolves.toMatchObject({ automatic: 1 });
    const [setAside] = await t.call('sync.quarantine', {});
    const renewalsBefore = provider.refreshCount;
    provider.expire(accessToken);

    // Staff judge it an inquiry: the token the server now refuses is renewed, and the mail is fetched.
    await expect(t.call('sync.retryQuarantined', { id: setAside!.id, asInquiry: true })).resolves.toMatchObject({ outcome: 'new' });
    expect(provider.refreshCount).toBe(renewalsBefore + 1);
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
  });

  it('with a provider that rotates refresh tokens, a sync and a reply that find the token expired together both go through, and the rotated token is kept', async () => {
    const rotating = await startOAuthProvider({ rotateRefreshTokens: true, tokenDelayMs: 400 });
    const strictDovecot = await startDovecot({ oauth2IntrospectionUrl: rotating.introspectionUrl });
    const strictSmtp = await startSmtpReceiver({ requireAuth: true, acceptsToken: (user, token) => rotating.accepts(user, token) });
    try {
      const { accessToken, refreshToken } = rotating.issue(strictDovecot.user);
      const { imapPassword: _p, smtpPassword: _s, ...base } = testMailAccount(strictDovecot, strictSmtp);
      const account = await t.call('accounts.save', {
        ...base,
        smtpUser: '',
        authMethod: 'oauth2',
        oauthAccessToken: accessToken,
        oauthRefreshToken: refreshToken,
        oauthTokenUrl: rotating.tokenUrl,
        oauthClientId: rotating.clientId,
      });
      await strictDovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '同時の更新', text: '本文' }));
      await t.call('sync.run', { accountId: account.id });
      const [inquiry] = await t.call('inquiries.list', {});
      rotating.expire(accessToken);

      await Promise.all([t.call('sync.run', { accountId: account.id }), t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '確認します。' })]);
      expect(rotating.refreshCount).toBeGreaterThanOrEqual(1);
      await strictSmtp.waitFor(1);

      // The rotated refresh token was stored: the next renewal works with it.
      const refreshes = rotating.refreshCount;
      rotating.expire(rotating.latestAccessToken);
      await expect(t.call('sync.run', { accountId: account.id })).resolves.toMatchObject({ accountId: account.id });
      expect(rotating.refreshCount).toBe(refreshes + 1);
    } finally {
      await strictSmtp.stop();
      await strictDovecot.stop();
      await rotating.stop();
    }
  });

  it('renews the token when a long sync logs in again after a drop and finds it expired, and goes on from where it was', async () => {
    const MAILS = 200;
    const mails = Array.from({ length: MAILS }, (_, i) =>
      japaneseMail({ from: `customer${i}@example.jp`, to: 'support@toot.example', subject: `長い同期 ${i}`, text: 'お世話になっております。\n'.repeat(20), messageId: `<long-${i}@example.jp>` }),
    );
    await dovecot.appendMails(mails);
    const proxy = await startTcpProxy(dovecot);
    // Small batches, so that the drop lands after some are stored; a quick back-off.
    const app = await startTestApp({ now: () => clock.toISOString(), sync: { limits: { batchMails: 5, batchMs: 1000 }, reconnect: { delaysMs: [250, 500, 1000], sleep: abortableSleep } } });
    try {
      const { accessToken, refreshToken } = provider.issue(dovecot.user);
      const account = await app.call(
        'accounts.save',
        oauthAccount({ imapHost: proxy.host, imapPort: proxy.port, oauthAccessToken: accessToken, oauthRefreshToken: refreshToken, oauthTokenUrl: provider.tokenUrl, oauthClientId: provider.clientId }),
      );
      const refreshesBefore = provider.refreshCount;
      // The connection drops when the token's life has just ended: the login after it is refused with the old one.
      const cut = proxy.cutAfter(mails.reduce((sum, raw) => sum + raw.length, 0) * 0.4, 'reset').then(() => provider.expire(accessToken));

      const report = await app.call('sync.run', { accountId: account.id });
      await cut;

      // One sync, one reconnect with a renewed token: all of it counted in this report, not a second sync's resuming.
      expect(report).toMatchObject({ fetched: MAILS, newInquiries: MAILS, skippedDuplicates: 0 });
      expect(provider.refreshCount).toBe(refreshesBefore + 1);
      // The first login, the one after the drop that the server refused, and the one with the renewed token.
      expect(proxy.connections).toBe(3);
      expect((await app.call('sync.status', {}))[0]).toMatchObject({ lastError: null, failureCount: 0 });
      const log = readFileSync(join(app.dataDir, 'madoguchi.log'), 'utf8');
      expect(log).toContain('"event":"sync.reconnected"');
      expect(log).not.toContain(accessToken);
    } finally {
      await app.dispose();
      await proxy.stop();
    }
  });

  it('asks staff to sign in again when the provider refuses the refresh token, and names an unreachable token endpoint', async () => {
    const { accessToken, refreshToken } = provider.issue(dovecot.user);
    const account = await t.call(
      'accounts.save',
      oauthAccount({ oauthAccessToken: accessToken, oauthRefreshToken: refreshToken, oauthTokenUrl: provider.tokenUrl, oauthClientId: provider.clientId }),
    );
    provider.expire(accessToken);
    provider.revokeRefresh(refreshToken);
    const revoked = await failure(t.call('sync.run', { accountId: account.id }));
    expect(revoked.code).toBe('OAUTH_TOKEN_EXPIRED');
    expect(revoked.message).toMatch(/sign-in for support@toot\.example has expired or was revoked.*Sign in with the provider again/);
    expect(revoked.message).not.toContain(refreshToken);

    await t.call('accounts.save', { ...oauthAccount({}), id: account.id, oauthTokenUrl: 'http://127.0.0.1:9/token', oauthRefreshToken: 'refresh-x', oauthClientId: 'c' });
    const unreachable = await failure(t.call('sync.run', { accountId: account.id }));
    expect(unreachable.code).toBe('OAUTH_REFRESH_FAILED');
    expect(unreachable.message).toContain('the token endpoint 127.0.0.1:9 did not answer');
    expect((await t.call('sync.status', {}))[0]!.lastError).toBe(unreachable.message);
  });

  it('refuses settings that could not work or would send tokens in the clear', async () => {
    const missingEndpoint = await failure(t.call('accounts.save', oauthAccount({ oauthRefreshToken: 'r' })));
    expect(missingEndpoint).toMatchObject({ code: 'BAD_REQUEST' });
    expect(missingEndpoint.message).toContain('needs the token URL and the client ID');
    const cleartext = await failure(t.call('accounts.save', oauthAccount({ oauthRefreshToken: 'r', oauthClientId: 'c', oauthTokenUrl: 'http://login.example.com/token' })));
    expect(cleartext.message).toContain('must start with https://');
    const nothing = await failure(t.call('accounts.save', oauthAccount({})));
    expect(nothing.message).toContain('Enter the OAuth2 authorization URL, token URL and client ID to sign in with the provider (or an access token');
  });

  it('refuses switching an OAuth2 account to a password without one, and shows a sync that cannot log in on the account', async () => {
    const account = await t.call('accounts.save', oauthAccount({ oauthAccessToken: provider.issue(dovecot.user).accessToken }));
    const { imapPassword: _password, ...asPassword } = testMailAccount(dovecot, smtp);
    const refused = await failure(t.call('accounts.save', { ...asPassword, id: account.id, authMethod: 'password' }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', message: 'Enter the IMAP password: this account now logs in with a password, and none is stored for it.' });
    // An edit that leaves the sign-in method out keeps OAuth2, and needs no password.
    const { authMethod: _method, ...unchanged } = oauthAccount({});
    await t.call('accounts.save', { ...unchanged, id: account.id, label: '改名' });

    // Whatever stops a sync before it logs in is on the account's health, as the background sync would leave it.
    await t.app.close();
    await inspectDatabase(t.dataDir, (raw) => raw.prepare("UPDATE mail_accounts SET auth_method = 'password', imap_password = NULL WHERE id = ?").run(account.id));
    await t.restart();
    await failure(t.call('sync.run', { accountId: account.id }));
    const [status] = await t.call('sync.status', {});
    expect(status).toMatchObject({ accountId: account.id, lastError: expect.stringContaining('has no IMAP password: enter it in Settings'), failureCount: 1 });
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

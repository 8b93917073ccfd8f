import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { testMailAccount, type MailAccountInput } from '../support/mailAccount';
import { japaneseMail } from '../support/mailFixtures';
import { startOAuthProvider, type OAuthProvider } from '../support/oauthProvider';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { CallFailed, startTestApp, type TestApp } from '../support/testApp';

/**
 * Signing in with the provider from Madoguchi (authorization code with PKCE, redirected to this
 * computer), against a real authorization server, a Dovecot that checks the tokens it issues,
 * and the browser's part played by following the provider's redirect as a browser would.
 */
describe('signing in with the OAuth2 provider', () => {
  let provider: OAuthProvider;
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;

  beforeAll(async () => {
    provider = await startOAuthProvider();
    dovecot = await startDovecot({ oauth2IntrospectionUrl: provider.introspectionUrl });
    smtp = await startSmtpReceiver({ requireAuth: true, acceptsToken: (user, token) => provider.accepts(user, token) });
  });
  afterAll(async () => {
    await smtp.stop();
    await dovecot.stop();
    await provider.stop();
  });
  afterEach(async () => t?.dispose());

  const signInAccount = (overrides: Partial<MailAccountInput> = {}): MailAccountInput => {
    const { imapPassword: _password, smtpPassword: _smtpPassword, ...base } = testMailAccount(dovecot, smtp);
    return {
      ...base,
      smtpUser: '',
      authMethod: 'oauth2',
      oauthAuthorizeUrl: provider.authorizeUrl,
      oauthTokenUrl: provider.tokenUrl,
      oauthClientId: provider.clientId,
      oauthScope: 'mail offline_access',
      ...overrides,
    };
  };
  /** What the browser does with the address: the provider's page, then back to Madoguchi on this computer. */
  const openInBrowser = async (url: string) => {
    const page = await fetch(url, { redirect: 'follow' });
    return { status: page.status, text: await page.text() };
  };

  it('opens the provider with PKCE, takes the code back on this computer, stores the tokens and syncs with them', async () => {
    t = await startTestApp();
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: 'サインイン後の問い合わせ', text: '届きますか', charset: 'iso-2022-jp' }));
    // Saved without any token: it waits for the sign-in.
    const saved = await t.call('accounts.save', signInAccount());
    expect(saved).toMatchObject({ hasOAuthAccessToken: false, oauthAuthorizeUrl: provider.authorizeUrl, oauthScope: 'mail offline_access' });
    // Until then a sync says what to do.
    await expect(t.call('sync.run', { accountId: saved.id })).rejects.toMatchObject({ code: 'OAUTH_TOKEN_EXPIRED', message: expect.stringMatching(/is not signed in: press "Sign in with the browser"/) });

    const { authorizeUrl } = await t.call('accounts.oauthBegin', { id: saved.id });
    const asked = new URL(authorizeUrl).searchParams;
    expect(asked.get('response_type')).toBe('code');
    expect(asked.get('client_id')).toBe(provider.clientId);
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(asked.get('state')).toMatch(/^[\w-]{32}$/);
    expect(asked.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    expect(asked.get('login_hint')).toBe(dovecot.user);

    const completed = t.call('accounts.oauthComplete', { id: saved.id });
    const page = await openInBrowser(authorizeUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('サインインしました');
    expect(await completed).toMatchObject({ id: saved.id, hasOAuthAccessToken: true, hasOAuthRefresh: true });
    expect(provider.lastScope).toBe('mail offline_access');

    // The tokens work: Dovecot takes the access token over XOAUTH2.
    const report = await t.call('sync.run', { accountId: saved.id });
    expect((await t.call('inquiries.list', {})).map((i) => i.subject)).toContain('サインイン後の問い合わせ');
    expect(report.folders?.[0]?.error ?? null).toBeNull();
    const [listed] = await t.call('accounts.list', {});
    expect(listed?.oauthExpiresAt).not.toBeNull();
  });

  it('refuses an answer that is not for its sign-in and keeps waiting for the real one', async () => {
    t = await startTestApp();
    const saved = await t.call('accounts.save', signInAccount());
    const { authorizeUrl } = await t.call('accounts.oauthBegin', { id: saved.id });
    const callback = new URL(new URL(authorizeUrl).searchParams.get('redirect_uri') as string);
    callback.searchParams.set('code', 'code-from-elsewhere');
    callback.searchParams.set('state', 'forged');
    const forged = await openInBrowser(callback.toString());
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('does not belong');

    const completed = t.call('accounts.oauthComplete', { id: saved.id });
    await openInBrowser(authorizeUrl);
    expect(await completed).toMatchObject({ hasOAuthAccessToken: true });
  });

  it('redeems the code once however often the browser comes back, and a sign-in begun again replaces the first', async () => {
    t = await startTestApp();
    const saved = await t.call('accounts.save', signInAccount());
    const first = await t.call('accounts.oauthBegin', { id: saved.id });
    const abandoned = t.call('accounts.oauthComplete', { id: saved.id }).then(
      () => null,
      (error: unknown) => error,
    );
    const { authorizeUrl } = await t.call('accounts.oauthBegin', { id: saved.id });
    expect(await abandoned).toMatchObject({ code: 'OAUTH_SIGNIN_FAILED', message: expect.stringMatching(/new sign-in was started/) });
    // The first address leads nowhere any more.
    await expect(openInBrowser(first.authorizeUrl)).rejects.toThrow();

    // The browser comes back twice while the code is being redeemed (a reload, a double request).
    provider.setTokenDelay(400);
    try {
      const completed = t.call('accounts.oauthComplete', { id: saved.id });
      const back = await fetch(authorizeUrl, { redirect: 'manual' });
      const callback = back.headers.get('location') as string;
      // Whichever arrives first redeems the code; the other is told it was handled (on a busy machine either may be first).
      const answers = await Promise.all([openInBrowser(callback), openInBrowser(callback)]);
      const texts = answers.map((answer) => answer.text);
      expect(texts.filter((text) => text.includes('サインインしました'))).toHaveLength(1);
      expect(texts.filter((text) => text.includes('already handled'))).toHaveLength(1);
      expect(await completed).toMatchObject({ hasOAuthAccessToken: true });
    } finally {
      provider.setTokenDelay(0);
    }
    // The stored tokens work: the provider was asked to redeem the code once. (The first sync.run
    // joins the one the sign-in started; the second fetches the mail appended after it.)
    await t.call('sync.run', { accountId: saved.id });
    await dovecot.appendMail(japaneseMail({ from: 'taro@example.jp', to: 'support@toot.example', subject: '二重の応答の後', text: '本文' }));
    await t.call('sync.run', { accountId: saved.id });
    expect((await t.call('inquiries.list', {})).map((i) => i.subject)).toContain('二重の応答の後');
  });

  it('says plainly when the user declined at the provider', async () => {
    const declining = await startOAuthProvider({ denySignIn: true });
    try {
      t = await startTestApp();
      const saved = await t.call('accounts.save', signInAccount({ oauthAuthorizeUrl: declining.authorizeUrl, oauthTokenUrl: declining.tokenUrl }));
      const { authorizeUrl } = await t.call('accounts.oauthBegin', { id: saved.id });
      const completed = t.call('accounts.oauthComplete', { id: saved.id }).then(
        () => null,
        (error: unknown) => error,
      );
      await openInBrowser(authorizeUrl);
      const error = (await completed) as CallFailed;
      expect(error).toBeInstanceOf(CallFailed);
      expect(error.code).toBe('OAUTH_SIGNIN_FAILED');
      expect(error.message).toMatch(/did not sign support@toot\.example in \(access_denied\)/);
      expect((await t.call('accounts.list', {}))[0]?.hasOAuthAccessToken).toBe(false);
    } finally {
      await declining.stop();
    }
  });

  it('asks for what a sign-in needs, and never sends it across the network in the clear', async () => {
    t = await startTestApp();
    const password = await t.call('accounts.save', { ...testMailAccount(dovecot, smtp) });
    await expect(t.call('accounts.oauthBegin', { id: password.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/authorization URL/) });
    await expect(t.call('accounts.save', signInAccount({ oauthAuthorizeUrl: 'http://login.example.com/authorize' }))).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/authorization URL must start with https/),
    });
    await expect(t.call('accounts.save', signInAccount({ oauthAuthorizeUrl: '' }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.call('accounts.oauthComplete', { id: password.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

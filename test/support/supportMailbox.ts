import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startDovecot, type DovecotServer } from './dovecot';
import { testMailAccount } from './mailAccount';
import { startSmtpReceiver, type SmtpReceiver } from './smtpReceiver';
import { startTestApp, type TestApp } from './testApp';

export interface SupportMailbox {
  dovecot: DovecotServer;
  smtp: SmtpReceiver;
  /** The app, unlocked by 佐藤, with the support account saved. */
  t: TestApp;
  accountId: number;
}

/**
 * The support mailbox the mail tests start from, set up by vitest hooks (call it inside
 * `describe`): one SMTP receiver that asks for a login for the whole file, and for each test a
 * fresh Dovecot and a fresh app with the account saved and nothing received yet. `use` is given
 * the parts before each test.
 */
export function useSupportMailbox(use: (mailbox: SupportMailbox) => void): void {
  let smtp: SmtpReceiver;
  let current: SupportMailbox | null = null;
  beforeAll(async () => {
    smtp = await startSmtpReceiver({ requireAuth: true, user: 'support', password: 'smtp-pass' });
  });
  afterAll(async () => smtp.stop());
  beforeEach(async () => {
    const dovecot = await startDovecot();
    const t = await startTestApp({ operator: '佐藤' });
    const accountId = (await t.call('accounts.save', testMailAccount(dovecot, smtp))).id;
    smtp.received.length = 0;
    current = { dovecot, smtp, t, accountId };
    use(current);
  });
  afterEach(async () => {
    const ended = current;
    current = null;
    // The server stops even when closing the app fails: no test leaves a Dovecot running.
    try {
      await ended?.t.dispose();
    } finally {
      await ended?.dovecot.stop();
    }
  });
}

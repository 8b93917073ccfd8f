import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchFolder } from '../../electron/mail/imapIdle';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { waitFor } from '../support/waitFor';

/**
 * An IDLE watch against a real Dovecot over a quiet mailbox. The connection's silence timeout is
 * shortened here (in the app it is two minutes): when it passes, imapflow checks the connection
 * with a NOOP, which ends IDLE; the watch must idle again, not end and leave the account to its poll.
 */
describe('watching a folder in IDLE', () => {
  let dovecot: DovecotServer;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => dovecot?.stop());

  it('keeps watching through silences longer than the connection timeout, and reports mail that comes after them', async () => {
    let reported = 0;
    const config = { host: dovecot.host, port: dovecot.port, tls: false, user: dovecot.user, password: dovecot.password };
    const watch = await watchFolder(config, 'INBOX', () => reported++, { socketTimeoutMs: 800, maxIdleTimeMs: 60_000 });
    expect(watch).not.toBeNull();
    let ended = false;
    void watch!.ended.then(() => (ended = true));
    try {
      // Three silences of the timeout's length.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(ended).toBe(false);
      await dovecot.appendMails([japaneseMail({ from: 'customer1@example.jp', to: dovecot.user, subject: '静かな後のメール', text: '本文', messageId: '<after-silence@example.jp>' })]);
      await waitFor('the new mail reported by IDLE', async () => reported > 0, 5000);
      expect(ended).toBe(false);
    } finally {
      await watch!.close();
    }
    expect(ended).toBe(true);
  });
});

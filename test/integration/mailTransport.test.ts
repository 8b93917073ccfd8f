import { createServer } from 'node:net';
import { ImapFlow } from 'imapflow';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchNewMail, testImapLogin, type FetchedMail, type ImapConfig } from '../../electron/mail/imapFetch';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { sendMail, type SmtpConfig } from '../../electron/mail/smtpSend';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { appFailure } from '../support/appFailure';
import { AppError } from '../../shared/result';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A server presenting smtp-server's built-in self-signed certificate, from the first byte
 * (implicit) or after STARTTLS: any client that verifies certificates must refuse it.
 */
async function startSelfSignedTlsServer(mode: 'implicit' | 'starttls'): Promise<{ port: number; stop(): Promise<void> }> {
  const server = new SMTPServer({ secure: mode === 'implicit', logger: false, authOptional: true });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as { port: number }).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const mailAt = (i: number) =>
  japaneseMail({
    from: `customer${i}@example.jp`,
    fromName: `顧客${i}`,
    to: 'support@toot.example',
    subject: `お問い合わせ ${i} ①㈱`,
    text: `本文 ${i}`,
    charset: i % 2 ? 'iso-2022-jp' : 'utf-8',
    messageId: `<m${i}@example.jp>`,
  });

describe('fetchNewMail against Dovecot', () => {
  let dovecot: DovecotServer;
  let config: ImapConfig;
  const appended: Array<{ uid: number; raw: Buffer }> = [];

  beforeAll(async () => {
    dovecot = await startDovecot();
    config = { host: dovecot.host, port: dovecot.port, tls: false, user: dovecot.user, password: dovecot.password };
    for (let i = 1; i <= 5; i++) {
      const raw = mailAt(i);
      appended.push({ uid: await dovecot.appendMail(raw), raw });
    }
  });
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('hands over every mail in UID order, byte for byte, with the UIDVALIDITY', async () => {
    const got: Array<FetchedMail & { uidValidity: string }> = [];
    const progress: Array<[number, number]> = [];
    const result = await fetchNewMail(config, {
      folder: 'INBOX',
      knownUidValidity: null,
      lastUid: 0,
      onMail: (mail, uidValidity) => {
        got.push({ ...mail, uidValidity });
      },
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.fetched).toBe(5);
    expect(got.map((m) => m.uid)).toEqual(appended.map((a) => a.uid));
    expect(got.map((m) => m.uid)).toEqual([1, 2, 3, 4, 5]);
    got.forEach((mail, i) => expect(mail.raw.equals((appended[i] as { raw: Buffer }).raw)).toBe(true));
    expect(new Set(got.map((m) => m.uidValidity))).toEqual(new Set([result.uidValidity]));
    expect(result.uidValidity).toMatch(/^\d+$/);
    expect(Number.isNaN(Date.parse((got[0] as FetchedMail).internalDate))).toBe(false);
    expect(progress.at(0)).toEqual([0, 5]);
    expect(progress.at(-1)).toEqual([5, 5]);
    const parsed = await parseInboundMail((got[0] as FetchedMail).raw, (got[0] as FetchedMail).internalDate);
    expect(parsed.subject).toBe('お問い合わせ 1 ①㈱');
  });

  it('awaits each onMail before handing over the next', async () => {
    const events: string[] = [];
    await fetchNewMail(config, {
      folder: 'INBOX',
      knownUidValidity: null,
      lastUid: 2,
      onMail: async (mail) => {
        events.push(`start ${mail.uid}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
        events.push(`end ${mail.uid}`);
      },
    });
    expect(events).toEqual(['start 3', 'end 3', 'start 4', 'end 4', 'start 5', 'end 5']);
  });

  it('resumes after lastUid, fetches only newer mail, and nothing when up to date', async () => {
    const first = await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined });
    const uids: number[] = [];
    const none = await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: first.uidValidity, lastUid: 5, onMail: (m) => void uids.push(m.uid) });
    expect(none.fetched).toBe(0);
    expect(uids).toEqual([]);

    const newUid = await dovecot.appendMail(mailAt(6));
    appended.push({ uid: newUid, raw: mailAt(6) });
    const resumed = await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: first.uidValidity, lastUid: 5, onMail: (m) => void uids.push(m.uid) });
    expect(resumed.fetched).toBe(1);
    expect(uids).toEqual([newUid]);
    expect(newUid).toBe(6);
  });

  it('resumes without loss or duplicates when the caller fails midway', async () => {
    let stored: number[] = [];
    let lastUid = 0;
    const failAt = 3;
    const error = await fetchNewMail(config, {
      folder: 'INBOX',
      knownUidValidity: null,
      lastUid,
      onMail: (mail) => {
        if (mail.uid === failAt) throw new Error('disk full');
        stored.push(mail.uid);
        lastUid = mail.uid;
      },
    }).catch((e: unknown) => e);
    // The caller's own failure comes back as it was, not disguised as an IMAP error.
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(AppError);
    expect((error as Error).message).toBe('disk full');
    expect(stored).toEqual([1, 2]);
    await fetchNewMail(config, {
      folder: 'INBOX',
      knownUidValidity: null,
      lastUid,
      onMail: (mail) => {
        stored.push(mail.uid);
        lastUid = mail.uid;
      },
    });
    expect(stored).toEqual([1, 2, 3, 4, 5, 6]);
    stored = [];
  });

  it('starts again from UID 1 when the UIDVALIDITY changed', async () => {
    const uids: number[] = [];
    const result = await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: '1', lastUid: 6, onMail: (m) => void uids.push(m.uid) });
    expect(result.uidValidity).not.toBe('1');
    expect(uids).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('never marks mail as seen, nor changes any flag', async () => {
    await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined });
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const flags: Array<{ uid: number; flags: string[] }> = [];
      for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) flags.push({ uid: m.uid, flags: [...(m.flags ?? [])] });
      expect(flags).toHaveLength(6);
      for (const entry of flags) expect(entry.flags).not.toContain('\\Seen');
      const status = await client.status('INBOX', { unseen: true, messages: true });
      expect(status && status.unseen).toBe(6);
    } finally {
      await client.logout();
    }
  });

  it('stops with an AbortError when the signal fires, after the mail in hand is stored', async () => {
    const controller = new AbortController();
    const uids: number[] = [];
    const error = await fetchNewMail(config, {
      folder: 'INBOX',
      knownUidValidity: null,
      lastUid: 0,
      signal: controller.signal,
      onMail: (mail) => {
        uids.push(mail.uid);
        if (mail.uid === 2) controller.abort();
      },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(uids).toEqual([1, 2]);
  });

  it('reports a missing folder as IMAP_ERROR naming the folder', async () => {
    const error = await appFailure(fetchNewMail(config, { folder: 'NoSuchFolder', knownUidValidity: null, lastUid: 0, onMail: () => undefined }));
    expect(error.code).toBe('IMAP_ERROR');
    expect(error.message).toContain('NoSuchFolder');
  });

  it('logs counts and codes only', async () => {
    const lines: string[] = [];
    const logger = { info: (e: string, f?: object) => lines.push(e + JSON.stringify(f ?? {})), warn: (e: string, f?: object) => lines.push(e + JSON.stringify(f ?? {})), error: (e: string, f?: object) => lines.push(e + JSON.stringify(f ?? {})) };
    await fetchNewMail(config, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined, logger });
    await fetchNewMail({ ...config, password: 'wrong' }, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined, logger }).catch(() => undefined);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toMatch(/@|wrong|customer|お問い合わせ/);
  });

  it('maps a wrong password to IMAP_AUTH_FAILED, naming the user but not the password', async () => {
    const error = await appFailure(testImapLogin({ ...config, password: 'wrong-password' }));
    expect(error.code).toBe('IMAP_AUTH_FAILED');
    expect(error.message).toBe(`IMAP login failed for ${dovecot.user}: check the user name and password`);
    expect(error.message).not.toContain('wrong-password');
    const fetchError = await appFailure(fetchNewMail({ ...config, password: 'wrong-password' }, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined }));
    expect(fetchError.code).toBe('IMAP_AUTH_FAILED');
  });

  it('logs in with the right password', async () => {
    await expect(testImapLogin(config)).resolves.toBeUndefined();
  });

  it('maps a closed port to IMAP_UNREACHABLE', async () => {
    const port = await closedPort();
    const error = await appFailure(testImapLogin({ ...config, port }));
    expect(error.code).toBe('IMAP_UNREACHABLE');
    expect(error.message).toBe(`Cannot reach IMAP server 127.0.0.1:${port}: check the host, port and network`);
  });

  it('refuses cleartext to a host that is not loopback, before connecting', async () => {
    const error = await appFailure(fetchNewMail({ ...config, host: 'imap.example.com', tls: false }, { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: () => undefined }));
    expect(error.code).toBe('IMAP_TLS_FAILED');
    expect(error.message).toContain('imap.example.com');
    expect((await appFailure(testImapLogin({ ...config, host: '192.0.2.1', tls: false }))).code).toBe('IMAP_TLS_FAILED');
  });

  it('maps TLS to a server that does not speak it, and an untrusted certificate, to IMAP_TLS_FAILED', async () => {
    const plain = await appFailure(testImapLogin({ ...config, tls: true }));
    expect(plain.code).toBe('IMAP_TLS_FAILED');
    const selfSigned = await startSelfSignedTlsServer('implicit');
    try {
      const untrusted = await appFailure(testImapLogin({ ...config, port: selfSigned.port, tls: true }));
      expect(untrusted.code).toBe('IMAP_TLS_FAILED');
      expect(untrusted.message).toMatch(/certificate/);
    } finally {
      await selfSigned.stop();
    }
  });

  it('runs two Dovecot servers side by side, each with its own mail', async () => {
    const other = await startDovecot({ user: 'other-user', password: 'other-pass' });
    try {
      expect(other.port).not.toBe(dovecot.port);
      await other.appendMail(mailAt(99));
      const uids: number[] = [];
      await fetchNewMail(
        { host: other.host, port: other.port, tls: false, user: 'other-user', password: 'other-pass' },
        { folder: 'INBOX', knownUidValidity: null, lastUid: 0, onMail: (m) => void uids.push(m.uid) },
      );
      expect(uids).toEqual([1]);
    } finally {
      await other.stop();
    }
  });
});

describe('sendMail against a real SMTP server', () => {
  let receiver: SmtpReceiver;
  let config: SmtpConfig;

  beforeAll(async () => {
    receiver = await startSmtpReceiver({ requireAuth: true });
    config = { host: receiver.host, port: receiver.port, tls: false, user: receiver.user, password: receiver.password };
  });
  afterAll(async () => {
    await receiver?.stop();
  });

  it('delivers a Japanese reply with Message-ID, In-Reply-To and References that reads back exactly', async () => {
    const before = receiver.received.length;
    const subject = 'Re: ㈱トゥートの商品①について～ご返答';
    const text = '山田様\n\nお問い合わせありがとうございます。①の件、在庫がございます。\n髙橋';
    const result = await sendMail(config, {
      from: { name: '株式会社トゥート サポート', address: 'support@toot.example' },
      to: 'hanako@example.jp',
      subject,
      text,
      inReplyTo: '<q2@example.jp>',
      references: ['<q1@example.jp>', '<q2@example.jp>'],
      messageIdDomain: 'toot.example',
    });
    expect(result.messageId).toMatch(/^<[^<>@\s]+@toot\.example>$/);
    const [captured] = (await receiver.waitFor(before + 1)).slice(before);
    expect(captured?.from).toBe('support@toot.example');
    expect(captured?.to).toEqual(['hanako@example.jp']);
    // What we keep as the sent copy is what the server received.
    expect(captured?.raw.toString('latin1').replace(/\r\n$/, '')).toBe(result.raw.toString('latin1').replace(/\r\n$/, ''));
    // Japanese travels encoded, not as raw 8-bit bytes.
    expect(/[\x80-\xff]/.test(captured?.raw.toString('latin1') ?? '')).toBe(false);

    const parsed = await parseInboundMail(captured?.raw as Buffer, '2025-04-02T00:00:00.000Z');
    expect(parsed.messageKey).toBe(result.messageId);
    expect(parsed.inReplyTo).toBe('<q2@example.jp>');
    expect(parsed.references).toEqual(['<q1@example.jp>', '<q2@example.jp>']);
    expect(parsed.subject).toBe(subject);
    expect(parsed.text).toBe(text);
    expect(parsed.fromName).toBe('株式会社トゥート サポート');
    expect(parsed.fromAddress).toBe('support@toot.example');
    expect(parsed.automatic).toBe(false);
  });

  it('adds In-Reply-To to References when the caller did not', async () => {
    const before = receiver.received.length;
    await sendMail(config, { from: { name: 'TOOT', address: 'support@toot.example' }, to: 'a@example.jp', subject: 'Re: x', text: 'y', inReplyTo: '<p@example.jp>', messageIdDomain: 'toot.example' });
    const [captured] = (await receiver.waitFor(before + 1)).slice(before);
    const parsed = await parseInboundMail(captured?.raw as Buffer, '2025-04-02T00:00:00.000Z');
    expect(parsed.references).toEqual(['<p@example.jp>']);
  });

  it('gives every mail its own Message-ID', async () => {
    const mail = { from: { name: 'TOOT', address: 'support@toot.example' }, to: 'a@example.jp', subject: 's', text: 't', messageIdDomain: 'toot.example' };
    const [a, b] = [await sendMail(config, mail), await sendMail(config, mail)];
    expect(a.messageId).not.toBe(b.messageId);
  });

  it('sends without login to a server that needs none', async () => {
    const open = await startSmtpReceiver();
    try {
      await sendMail({ host: open.host, port: open.port, tls: false, user: '', password: null }, { from: { name: 'TOOT', address: 'support@toot.example' }, to: 'a@example.jp', subject: '件名', text: '本文', messageIdDomain: 'toot.example' });
      expect((await open.waitFor(1)).length).toBe(1);
    } finally {
      await open.stop();
    }
  });

  it('maps a wrong password to SMTP_AUTH_FAILED, naming the user but not the password', async () => {
    const error = await appFailure(sendMail({ ...config, password: 'wrong-password' }, { from: { name: 'T', address: 'support@toot.example' }, to: 'a@example.jp', subject: 's', text: 't', messageIdDomain: 'toot.example' }));
    expect(error.code).toBe('SMTP_AUTH_FAILED');
    expect(error.message).toBe(`SMTP login failed for ${receiver.user}: check the user name and password`);
    expect(error.message).not.toContain('wrong-password');
  });

  it('maps a missing login on a server that requires one to SMTP_AUTH_FAILED', async () => {
    const error = await appFailure(sendMail({ ...config, user: '', password: null }, { from: { name: 'T', address: 'support@toot.example' }, to: 'a@example.jp', subject: 's', text: 't', messageIdDomain: 'toot.example' }));
    expect(error.code).toBe('SMTP_AUTH_FAILED');
  });

  it('maps a closed port to SMTP_UNREACHABLE', async () => {
    const port = await closedPort();
    const error = await appFailure(sendMail({ ...config, port }, { from: { name: 'T', address: 'support@toot.example' }, to: 'a@example.jp', subject: 's', text: 't', messageIdDomain: 'toot.example' }));
    expect(error.code).toBe('SMTP_UNREACHABLE');
    expect(error.message).toBe(`Cannot reach SMTP server 127.0.0.1:${port}: check the host, port and network`);
  });

  it('refuses cleartext to a host that is not loopback, and TLS that cannot be had', async () => {
    const mail = { from: { name: 'T', address: 'support@toot.example' }, to: 'a@example.jp', subject: 's', text: 't', messageIdDomain: 'toot.example' };
    const cleartext = await appFailure(sendMail({ ...config, host: 'smtp.example.com', tls: false }, mail));
    expect(cleartext.code).toBe('SMTP_ERROR');
    expect(cleartext.message).toContain('needs TLS');
    // The receiver offers no STARTTLS: with TLS required the password must not be sent.
    const noStartTls = await appFailure(sendMail({ ...config, tls: true }, mail));
    expect(noStartTls.code).toBe('SMTP_ERROR');
    expect(noStartTls.message).toMatch(/STARTTLS|TLS/);
    const selfSigned = await startSelfSignedTlsServer('starttls');
    try {
      const untrusted = await appFailure(sendMail({ ...config, port: selfSigned.port, tls: true }, mail));
      expect(untrusted.code).toBe('SMTP_ERROR');
      expect(untrusted.message).toMatch(/certificate/);
    } finally {
      await selfSigned.stop();
    }
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import WebSocket, { WebSocketServer } from 'ws';
import { startLoopbackHost, type LoopbackHost } from '../../electron/host/loopbackHost';
import { createLogger } from '../../electron/logging/logger';
import { createSocketTransport } from '../../renderer/api/socketTransport';
import { HANDSHAKE_REFUSED, HOST_PROOF, WINDOW_PROOF } from '../../shared/loopbackHandshake';
import { startTestApp, type TestApp } from '../support/testApp';

describe('the router refuses wrong calls with clear errors', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => t.dispose());

  it('names the field that is wrong', async () => {
    const result = await t.app.router.call('inquiries.reply', { inquiryId: 'one', body: '' });
    expect(result).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/inquiries\.reply: inquiryId: .*; body: /) } });
  });

  it('refuses a text too long to be a reply before it reaches the outbox', async () => {
    const result = await t.app.router.call('outbox.queue', { inquiryId: 1, body: 'あ'.repeat(100_001) });
    expect(result).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/outbox\.queue: body: /) } });
  });

  it('refuses a field typed longer than anything staff type, naming it, so no call can outgrow the loopback host\'s frame', async () => {
    const call = { channel: 'post', receivedAt: '2026-12-01T00:00:00.000Z', subject: '住所変更', body: '転居しました。' };
    const address = await t.app.router.call('inquiries.logOffline', { ...call, newCustomer: { name: '山田 花子', postalAddress: '東京都'.repeat(500_000) } });
    expect(address).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/inquiries\.logOffline: newCustomer\.postalAddress: /) } });
    // The same limit as an amendment has: a customer logged with a name is one staff can amend.
    const name = await t.app.router.call('inquiries.logOffline', { ...call, newCustomer: { name: 'あ'.repeat(201) } });
    expect(name).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/newCustomer\.name: /) } });
    expect(await t.app.router.call('customers.search', { query: 'x'.repeat(5000) })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await t.app.router.call('session.unlock', { passphrase: 'x'.repeat(2_000_000), operator: '佐藤' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses unknown methods and extra fields', async () => {
    expect(await t.app.router.call('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await t.app.router.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await t.app.router.call('customers.get', { id: 1, sql: 'DROP TABLE customers' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses a mail account that would log in without TLS to a server not on this computer, when it is saved', async () => {
    const account = {
      label: 'サポート', imapHost: 'imap.example.jp', imapPort: 143, imapTls: false, imapUser: 'support', imapPassword: 'secret-123',
      smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: 'support@toot.example', fromName: 'TOOT',
    };
    expect(await t.app.router.call('accounts.save', account)).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('IMAP server imap.example.jp needs TLS: turn TLS on') } });
    expect(await t.app.router.call('accounts.save', { ...account, imapHost: 'localhost', smtpHost: 'smtp.example.jp' })).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('SMTP server smtp.example.jp needs TLS') } });
    expect(await t.app.router.call('accounts.list', {})).toEqual({ ok: true, value: [] });
  });

  it('points to the customer who has an address when staff log a call for a new customer with it, and logs nothing', async () => {
    const input = { channel: 'phone' as const, newCustomer: { name: '山田 花子', email: 'Hanako@Example.jp' }, receivedAt: '2026-11-24T00:00:00Z', subject: '電話', body: 'カタログ希望' };
    const first = await t.call('inquiries.logOffline', input);
    expect(await t.app.router.call('inquiries.logOffline', { ...input, newCustomer: { name: '山田 はなこ', email: 'hanako@example.jp' } })).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: `The address hanako@example.jp is already customer ${first.customerId}'s: open that customer, or use another address.` },
    });
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
  });

  it('says what to do when something does not exist', async () => {
    expect(await t.app.router.call('inquiries.get', { id: 4242 })).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'Inquiry #4242 does not exist.' } });
  });
});

describe('the loopback host', () => {
  let t: TestApp;
  let host: LoopbackHost;
  let rendererDir: string;

  beforeEach(async () => {
    t = await startTestApp();
    rendererDir = join(t.dataDir, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Madoguchi</title>');
    writeFileSync(join(t.dataDir, 'secret.txt'), 'outside the renderer');
    host = await startLoopbackHost({ router: t.app.router, rendererDir, logger: createLogger(null) });
  });
  afterEach(async () => {
    await host.close();
    await t.dispose();
  });

  const token = () => new URL(host.url).hash.replace('#token=', '');
  const origin = () => `http://127.0.0.1:${host.port}`;

  function connect(query: string, headers: Record<string, string>): Promise<WebSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc${query}`, { headers });
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  const hmac = (token: string, message: string) => createHmac('sha256', token).update(message).digest('base64url');
  const CHALLENGE = 'window-challenge-0123456789';

  /** A socket as a window opens it, once the host proved it holds `token` and the window answered with the same. */
  async function windowSession(withToken = token()): Promise<WebSocket> {
    // Listening before it opens: the host's hello may come in the same read as the upgrade's answer.
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc?challenge=${CHALLENGE}`, { headers: { origin: origin() } });
    const hello = await new Promise<{ proof: string; challenge: string }>((resolve, reject) => {
      ws.once('message', (data) => resolve(JSON.parse(data.toString())));
      ws.once('error', reject);
    });
    expect(hello.proof).toBe(hmac(token(), HOST_PROOF + CHALLENGE));
    ws.send(JSON.stringify({ handshake: 'auth', proof: hmac(withToken, WINDOW_PROOF + hello.challenge) }));
    return ws;
  }

  it('listens on 127.0.0.1 only and serves the renderer with a strict CSP', async () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{40,}$/);
    const res = await fetch(origin() + '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('Madoguchi');
  });

  it('serves nothing outside the renderer folder', async () => {
    const res = await fetch(origin() + '/..%2Fsecret.txt');
    expect(res.status).toBe(404);
  });

  it('answers calls over the WebSocket with the token and our origin, and pushes changes', async () => {
    const ws = await windowSession();
    const frames: unknown[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString())));
    ws.send(JSON.stringify({ id: 7, method: 'inquiries.logOffline', input: { channel: 'fax', newCustomer: { name: '高橋' }, receivedAt: '2026-11-24T00:00:00Z', subject: 'FAX', body: '注文書' } }));
    await expect.poll(() => frames.length).toBeGreaterThanOrEqual(2);
    expect(frames).toContainEqual({ push: 'inquiries.changed', payload: { inquiryIds: [1] } });
    expect(frames).toContainEqual(expect.objectContaining({ id: 7, result: expect.objectContaining({ ok: true }) }));
    ws.send('not json');
    await expect.poll(() => frames.length).toBe(3);
    expect(frames[2]).toMatchObject({ id: -1, result: { ok: false, error: { code: 'BAD_REQUEST' } } });
    ws.close();
  });

  it('refuses a WebSocket without a challenge or from another origin, and serves nothing to a window that cannot prove it holds the token', async () => {
    await expect(connect('', { origin: origin() })).rejects.toThrow(/403/);
    await expect(connect('?challenge=short', { origin: origin() })).rejects.toThrow(/403/);
    await expect(connect(`?challenge=${CHALLENGE}`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    // The old way, the token in the address, opens nothing either.
    await expect(connect(`?token=${token()}`, { origin: origin() })).rejects.toThrow(/403/);

    const guessing = await windowSession('guess');
    const frames: unknown[] = [];
    guessing.on('message', (data) => frames.push(JSON.parse(data.toString())));
    const closed = new Promise<number>((resolve) => guessing.once('close', (code) => resolve(code)));
    guessing.send(JSON.stringify({ id: 1, method: 'inquiries.list', input: {} }));
    expect(await closed).toBe(HANDSHAKE_REFUSED);
    expect(frames).toEqual([]);
  });

  it('a window whose host stopped sends nothing, and stops reconnecting, when another program takes the port: the token never went over the socket', async () => {
    class WindowSocket extends WebSocket {
      constructor(url: string) {
        super(url, { headers: { origin: origin() } });
      }
    }
    const window = createSocketTransport({ url: `ws://127.0.0.1:${host.port}/ipc`, token: token(), WebSocketImpl: WindowSocket as unknown as typeof globalThis.WebSocket, backoffMs: () => 100 });
    await expect.poll(() => window.connectionState()).toBe('open');
    await expect(window.call('session.status', {})).resolves.toMatchObject({ ok: true });

    await host.close();
    const port = host.port;
    const impostor = new WebSocketServer({ host: '127.0.0.1', port });
    const seen: string[] = [];
    impostor.on('connection', (ws, req) => {
      seen.push(req.url ?? '');
      ws.on('message', (data) => seen.push(data.toString()));
      // Whatever it claims: it does not hold the token.
      ws.send(JSON.stringify({ handshake: 'hello', proof: hmac('guess', 'anything'), challenge: CHALLENGE }));
    });
    try {
      await expect.poll(() => window.connectionState(), { timeout: 10_000 }).toBe('refused');
      await expect(window.call('session.unlock', { passphrase: 'correct horse battery staple', operator: '佐藤' })).rejects.toThrow(/not the Madoguchi that opened it/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // One connection, which carried a challenge and nothing else.
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(/^\/ipc\?challenge=[\w-]{22}$/);
      expect(seen.join()).not.toContain(token());
    } finally {
      window.close();
      await new Promise<void>((resolve) => impostor.close(() => resolve()));
    }
  });

  /** A raw HTTP request as a hostile page or program could send it: the status line of the answer, or the error. */
  function rawRequest(lines: string[]): Promise<string> {
    return new Promise((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port: host.port }, () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', (error) => resolve(error.message));
      socket.setTimeout(5000, () => socket.destroy());
    });
  }

  it('survives addresses that do not decode, a WebSocket to a malformed address, and a frame over the size limit', async () => {
    const hostLine = `Host: 127.0.0.1:${host.port}`;
    expect(await rawRequest(['GET /% HTTP/1.1', hostLine, 'Connection: close'])).toBe('HTTP/1.1 400 Bad Request');
    expect(await rawRequest(['GET // HTTP/1.1', hostLine, 'Connection: close'])).toMatch(/^HTTP\/1\.1 (?:400|404)/);
    const upgrade = ['Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='];
    expect(await rawRequest(['GET //x:y@ HTTP/1.1', hostLine, ...upgrade])).toMatch(/^HTTP\/1\.1 (?:400|403)/);
    expect(await rawRequest(['GET http://a:b/ipc HTTP/1.1', hostLine, ...upgrade])).toMatch(/^HTTP\/1\.1 (?:400|403)/);

    // A frame over 4 MiB ends that connection only.
    const big = await windowSession();
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.on('error', () => undefined);
    big.send(JSON.stringify({ id: 1, method: 'inquiries.reply', input: { inquiryId: 1, body: 'あ'.repeat(1_500_000) } }));
    expect(await closed).toBe(1009);

    // Still serving: the page, and calls on a new connection.
    expect((await fetch(origin() + '/')).status).toBe(200);
    const ws = await windowSession();
    const answer = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ id: 2, method: 'session.status', input: {} }));
    expect(await answer).toMatchObject({ id: 2, result: { ok: true } });
    ws.close();
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    // fetch() will not send a forged Host header; node:http will, as a rebinding page's request would arrive.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port: host.port, path: '/', headers: { host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
  });
});

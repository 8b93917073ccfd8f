import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startLoopbackHost, type LoopbackHost } from '../../electron/host/loopbackHost';
import { createLogger } from '../../electron/logging/logger';
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

  it('refuses unknown methods and extra fields', async () => {
    expect(await t.app.router.call('fs.readFile', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await t.app.router.call('__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await t.app.router.call('customers.get', { id: 1, sql: 'DROP TABLE customers' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
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
    const ws = await connect(`?token=${token()}`, { origin: origin() });
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

  it('refuses a WebSocket without the token, with a wrong token, or from another origin', async () => {
    await expect(connect('', { origin: origin() })).rejects.toThrow(/403/);
    await expect(connect('?token=guess', { origin: origin() })).rejects.toThrow(/403/);
    await expect(connect(`?token=${token()}`, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
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

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { CallFrame, ReplyFrame } from '../../shared/contract';
import { CHALLENGE_PATTERN, HANDSHAKE_REFUSED, HOST_PROOF, isAuthFrame, WINDOW_PROOF, type HelloFrame } from '../../shared/loopbackHandshake';
import type { Router } from '../app/router';
import type { Logger } from '../logging/logger';

export interface LoopbackHostOptions {
  router: Router;
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  port?: number;
  logger: Logger;
}

export interface LoopbackHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/**
 * http:/https: images are allowed here only so that the sandboxed mail frame (an about:srcdoc
 * document that inherits this policy) can show remote images once staff choose to; until then the
 * frame's own stricter policy and the sanitiser block them (renderer/lib/mailHtml.ts). The app's
 * own UI renders no remote URLs.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; " +
  "connect-src 'self' ws://127.0.0.1:*; object-src 'none'; base-uri 'none'; frame-src 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * Serves the same renderer and the same IPC contract as the Electron shell, to a browser on this
 * computer only: it listens on 127.0.0.1, accepts only requests addressed to 127.0.0.1:PORT (no
 * DNS rebinding), and the WebSocket needs our own Origin and a window that proves it holds the
 * per-launch random token (shared/loopbackHandshake.ts), which never goes over the socket.
 */
export async function startLoopbackHost({ router, rendererDir, port = 0, logger }: LoopbackHostOptions): Promise<LoopbackHost> {
  const token = randomBytes(32).toString('base64url');
  let origin = '';
  let hostHeader = '';

  const server = createServer((req, res) => {
    if (req.headers.host !== hostHeader) return refuse(res, 421, 'Misdirected request');
    if (req.method !== 'GET' && req.method !== 'HEAD') return refuse(res, 405, 'Method not allowed');
    try {
      serveStatic(rendererDir, req, res);
    } catch {
      // An address that does not decode ("/%"): refused, and the host goes on serving.
      refuse(res, 400, 'Bad request');
    }
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    const url = URL.parse(req.url ?? '/', origin);
    if (!url) {
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    const challenge = url.searchParams.get('challenge') ?? '';
    const challengeOk = CHALLENGE_PATTERN.test(challenge);
    if (url.pathname !== '/ipc' || !challengeOk || req.headers.origin !== origin || req.headers.host !== hostHeader) {
      logger.warn('host.ws_refused', { path: url.pathname, challengeOk });
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => handshake(ws, token, challenge, logger, () => serveConnection(ws, router, logger)));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${actualPort}`;
  hostHeader = `127.0.0.1:${actualPort}`;
  logger.info('host.listening', { port: actualPort });

  return {
    url: `${origin}/#token=${token}`,
    port: actualPort,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** How long a window has to prove itself before its socket is closed. */
const HANDSHAKE_MS = 10_000;

/**
 * Proves the host knows the token, then waits for the window to prove it does: only then is the
 * connection served (`serve`). Anything else first, or nothing in time, closes it.
 */
function handshake(ws: WebSocket, token: string, windowChallenge: string, logger: Logger, serve: () => void): void {
  const challenge = randomBytes(16).toString('base64url');
  const hello: HelloFrame = { handshake: 'hello', proof: proofOf(token, HOST_PROOF + windowChallenge), challenge };
  const expected = Buffer.from(proofOf(token, WINDOW_PROOF + challenge));
  const timer = setTimeout(() => ws.terminate(), HANDSHAKE_MS);
  ws.on('error', () => undefined);
  ws.once('message', (data) => {
    clearTimeout(timer);
    let frame: unknown = null;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      // Not JSON: refused below.
    }
    const given = Buffer.from(isAuthFrame(frame) ? frame.proof : '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      logger.warn('host.ws_refused', { path: '/ipc', proofOk: false });
      ws.close(HANDSHAKE_REFUSED, 'Forbidden');
      return;
    }
    serve();
  });
  ws.send(JSON.stringify(hello));
}

function proofOf(token: string, message: string): string {
  return createHmac('sha256', Buffer.from(token, 'utf8')).update(message, 'utf8').digest('base64url');
}

function serveConnection(ws: WebSocket, router: Router, logger: Logger): void {
  const unsubscribe = router.onPush((frame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  });
  ws.on('close', unsubscribe);
  // A frame over the size limit, or not valid UTF-8: that connection ends (ws closes it), the host and its other connections go on.
  ws.on('error', (error) => logger.warn('host.ws_error', { reason: error.message }));
  ws.on('message', async (data) => {
    let frame: CallFrame;
    try {
      frame = JSON.parse(data.toString()) as CallFrame;
      if (typeof frame !== 'object' || frame === null || typeof frame.id !== 'number' || typeof frame.method !== 'string') throw new Error();
    } catch {
      const reply: ReplyFrame = { id: -1, result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed call frame: expected {id, method, input}.' } } };
      ws.send(JSON.stringify(reply));
      return;
    }
    const reply: ReplyFrame = { id: frame.id, result: await router.call(frame.method, frame.input) };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  });
}

function refuse(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const relative = normalize(pathname === '/' ? '/index.html' : pathname);
  const file = join(root, relative);
  if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) return refuse(res, 404, 'Not found');
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

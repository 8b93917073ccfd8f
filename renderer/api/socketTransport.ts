import type { CallFrame, ReplyFrame } from '../../shared/contract';
import { HOST_PROOF, isHelloFrame, WINDOW_PROOF, type AuthFrame } from '../../shared/loopbackHandshake';
import type { PushFrame } from '../../shared/pushes';
import type { Result } from '../../shared/result';
import { TransportError, type ConnectionState, type Transport } from './transport';
import { userMessage } from '../../shared/userMessages';

interface Pending {
  method: string;
  sent: boolean;
  resolve(result: Result<unknown>): void;
  reject(error: TransportError): void;
}

export interface SocketTransportOptions {
  /** The host's ws:// URL (…/ipc), without the token: the token never goes over the socket. */
  url: string;
  /** The per-launch token, which the window and the host prove to each other they hold (shared/loopbackHandshake.ts). */
  token: string;
  /** Injected for tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
  /** Delay before the n-th reconnect attempt (n from 1). */
  backoffMs?: (attempt: number) => number;
}

/** How long a window waits for the host's hello before it closes the socket and tries again. */
const HELLO_MS = 10_000;

const defaultBackoff = (attempt: number) => Math.min(5000, 250 * 2 ** (attempt - 1));

/**
 * The loopback host's transport: one WebSocket carrying CallFrame/ReplyFrame/PushFrame as JSON
 * text. When the socket drops, every call that has not been answered is rejected at once with
 * a clear message (the action may or may not have happened), and the socket reconnects with
 * backoff. Calls made while a connection is being opened wait for it; calls made while there
 * is no connection at all are refused instead of hanging. Nothing is sent on a socket until the
 * host proved it holds the token (shared/loopbackHandshake.ts); a socket that fails to is closed and
 * the transport stops reconnecting, since what answers there is not the host that opened the window.
 */
export function createSocketTransport(options: SocketTransportOptions): Transport & { close(): void } {
  const WebSocketImpl = options.WebSocketImpl ?? WebSocket;
  const backoff = options.backoffMs ?? defaultBackoff;
  const pending = new Map<number, Pending>();
  const pushListeners = new Set<(frame: PushFrame) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: ConnectionState = 'connecting';
  let attempts = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let closedByUs = false;
  /** The socket's host proved it holds the token, and this window answered: calls may go. */
  let proven = false;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const send = (entry: Pending, frame: CallFrame) => {
    if (socket && socket.readyState === WebSocketImpl.OPEN && proven) {
      socket.send(JSON.stringify(frame));
      entry.sent = true;
    }
  };
  const outbox = new Map<number, CallFrame>();

  const failAll = () => {
    for (const [id, entry] of pending) {
      entry.reject(
        entry.sent
          ? new TransportError('DISCONNECTED', userMessage('callDroppedUnanswered', { method: entry.method }))
          : new TransportError('DISCONNECTED', userMessage('callHostUnreachable', { method: entry.method })),
      );
      pending.delete(id);
    }
    outbox.clear();
  };

  /** What answers is not the host that opened this window: nothing more goes to it, and no reconnecting. */
  const refuse = (ws: WebSocket) => {
    closedByUs = true;
    socket = null;
    ws.close();
    for (const [id, entry] of pending) {
      entry.reject(new TransportError('DISCONNECTED', userMessage('hostNotMadoguchi')));
      pending.delete(id);
    }
    outbox.clear();
    setState('refused');
  };

  /** Step 2 of the handshake: the host's proof checked, this window's sent; then what waited goes. */
  const answerHello = async (ws: WebSocket, challenge: string, frame: unknown) => {
    if (!isHelloFrame(frame) || frame.proof !== (await proofOf(options.token, HOST_PROOF + challenge))) return refuse(ws);
    const auth: AuthFrame = { handshake: 'auth', proof: await proofOf(options.token, WINDOW_PROOF + frame.challenge) };
    if (socket !== ws || ws.readyState !== WebSocketImpl.OPEN) return;
    ws.send(JSON.stringify(auth));
    proven = true;
    attempts = 0;
    setState('open');
    for (const [id, frame] of outbox) {
      const entry = pending.get(id);
      if (entry) send(entry, frame);
    }
    outbox.clear();
  };

  const connect = () => {
    reconnectTimer = null;
    proven = false;
    const challenge = randomChallenge();
    const ws = new WebSocketImpl(`${options.url}?challenge=${challenge}`);
    socket = ws;
    let helloSeen = false;
    // Madoguchi's host says hello at once: something that takes the socket and says nothing is not it.
    const helloTimer = setTimeout(() => {
      if (socket === ws && !helloSeen) ws.close();
    }, HELLO_MS);
    ws.addEventListener('message', (event: MessageEvent) => {
      if (socket !== ws || typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        if (!helloSeen) return refuse(ws);
        console.warn('Madoguchi: ignored a frame that is not JSON');
        return;
      }
      // The first frame is the host's proof; nothing else counts until it is checked.
      if (!helloSeen) {
        helloSeen = true;
        clearTimeout(helloTimer);
        void answerHello(ws, challenge, frame).catch(() => refuse(ws));
        return;
      }
      if (!proven) return;
      if (isReplyFrame(frame)) {
        const entry = pending.get(frame.id);
        if (!entry) return;
        pending.delete(frame.id);
        entry.resolve(frame.result);
      } else if (isPushFrame(frame)) {
        for (const listener of pushListeners) listener(frame);
      }
    });
    ws.addEventListener('close', () => {
      clearTimeout(helloTimer);
      if (socket !== ws) return;
      socket = null;
      proven = false;
      failAll();
      if (closedByUs) return;
      setState('reconnecting');
      attempts += 1;
      reconnectTimer = setTimeout(connect, backoff(attempts));
    });
    // 'error' is always followed by 'close', which does the work.
  };

  connect();

  return {
    kind: 'loopback',
    call(method, input) {
      return new Promise<Result<unknown>>((resolve, reject) => {
        const id = nextId++;
        const frame: CallFrame = { id, method, input };
        const entry: Pending = { method, sent: false, resolve, reject };
        if (!socket) {
          reject(new TransportError('DISCONNECTED', userMessage(state === 'refused' ? 'hostNotMadoguchi' : 'callNotConnected', { method })));
          return;
        }
        pending.set(id, entry);
        if (socket.readyState === WebSocketImpl.OPEN && proven) send(entry, frame);
        else outbox.set(id, frame);
      });
    },
    onPush(listener) {
      pushListeners.add(listener);
      return () => pushListeners.delete(listener);
    },
    onConnectionChange(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    connectionState: () => state,
    close() {
      closedByUs = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close();
    },
  };
}

/** 16 random bytes, base64url: the window's challenge to the host. */
function randomChallenge(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** HMAC-SHA-256 of `message` keyed with the token (WebCrypto: loopback pages are a secure context), base64url. */
async function proofOf(token: string, message: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', encoder.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message))));
}

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function isReplyFrame(value: unknown): value is ReplyFrame {
  if (typeof value !== 'object' || value === null) return false;
  const frame = value as Record<string, unknown>;
  const result = frame['result'] as Record<string, unknown> | undefined;
  return typeof frame['id'] === 'number' && typeof result === 'object' && result !== null && typeof result['ok'] === 'boolean';
}

function isPushFrame(value: unknown): value is PushFrame {
  if (typeof value !== 'object' || value === null) return false;
  return typeof (value as Record<string, unknown>)['push'] === 'string';
}

const TOKEN_KEY = 'madoguchi.loopbackToken';

/**
 * The loopback host opens the app at `…/#token=…`. The token is kept for this tab in
 * sessionStorage (so a reload still works) and removed from the address bar at once, so it
 * does not linger in history, screenshots or copied links.
 */
export function takeLoopbackToken(loc: Location = location, storage: Storage = sessionStorage): string | null {
  const hash = loc.hash.startsWith('#') ? loc.hash.slice(1) : loc.hash;
  const fromHash = new URLSearchParams(hash).get('token');
  if (fromHash) {
    storage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(history.state, '', loc.pathname + loc.search);
    return fromHash;
  }
  return storage.getItem(TOKEN_KEY);
}

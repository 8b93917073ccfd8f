import type { CallFrame, ReplyFrame } from '../../shared/contract';
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
  /** Full ws:// URL including the token. */
  url: string;
  /** Injected for tests; the browser's WebSocket otherwise. */
  WebSocketImpl?: typeof WebSocket;
  /** Delay before the n-th reconnect attempt (n from 1). */
  backoffMs?: (attempt: number) => number;
}

const defaultBackoff = (attempt: number) => Math.min(5000, 250 * 2 ** (attempt - 1));

/**
 * The loopback host's transport: one WebSocket carrying CallFrame/ReplyFrame/PushFrame as JSON
 * text. When the socket drops, every call that has not been answered is rejected at once with
 * a clear message (the action may or may not have happened), and the socket reconnects with
 * backoff. Calls made while a connection is being opened wait for it; calls made while there
 * is no connection at all are refused instead of hanging.
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

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of stateListeners) listener(next);
  };

  const send = (entry: Pending, frame: CallFrame) => {
    if (socket && socket.readyState === WebSocketImpl.OPEN) {
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

  const connect = () => {
    reconnectTimer = null;
    const ws = new WebSocketImpl(options.url);
    socket = ws;
    ws.addEventListener('open', () => {
      if (socket !== ws) return;
      attempts = 0;
      setState('open');
      for (const [id, frame] of outbox) {
        const entry = pending.get(id);
        if (entry) send(entry, frame);
      }
      outbox.clear();
    });
    ws.addEventListener('message', (event: MessageEvent) => {
      if (socket !== ws || typeof event.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        console.warn('Madoguchi: ignored a frame that is not JSON');
        return;
      }
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
      if (socket !== ws) return;
      socket = null;
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
          reject(new TransportError('DISCONNECTED', userMessage('callNotConnected', { method })));
          return;
        }
        pending.set(id, entry);
        if (socket.readyState === WebSocketImpl.OPEN) send(entry, frame);
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

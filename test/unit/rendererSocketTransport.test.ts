import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSocketTransport } from '../../renderer/api/socketTransport';
import { TransportError } from '../../renderer/api/transport';
import { HOST_PROOF, WINDOW_PROOF } from '../../shared/loopbackHandshake';
import type { PushFrame } from '../../shared/pushes';
import { localizeUserMessage } from '../../shared/userMessages';

/** A stand-in for the browser's WebSocket that the test drives by hand. */
class FakeSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static all: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: Record<string, unknown>[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = FakeSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }
  receive(frame: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(frame) }));
  }
  drop() {
    this.readyState = FakeSocket.CLOSED;
    this.dispatchEvent(new Event('close'));
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!;

const TOKEN = 'per-launch-token';
const hmac = (message: string, token = TOKEN) => createHmac('sha256', token).update(message).digest('base64url');
const HOST_CHALLENGE = 'host-challenge-0123456789';

function transport() {
  return createSocketTransport({
    url: 'ws://127.0.0.1:1/ipc',
    token: TOKEN,
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    backoffMs: () => 10,
  });
}

/** Lets the transport's WebCrypto work finish (it runs off the event loop's timers, which some tests fake). */
async function settle(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done() && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

/** The host's side of the handshake, as the loopback host does it; resolves once the window answered. */
async function handshake(socket = latest(), token = TOKEN): Promise<void> {
  socket.open();
  const challenge = new URL(socket.url).searchParams.get('challenge')!;
  socket.receive({ handshake: 'hello', proof: hmac(HOST_PROOF + challenge, token), challenge: HOST_CHALLENGE });
  await settle(() => socket.sent.some((frame) => frame['handshake'] === 'auth') || socket.readyState === FakeSocket.CLOSED);
}

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

describe('the loopback WebSocket transport', () => {
  it('holds calls made while connecting and sends them as CallFrames once the host proved itself and the window answered', async () => {
    const t = transport();
    const result = t.call('session.status', {});
    expect(latest().sent).toEqual([]);
    // The token never goes over the socket: the window sends a challenge.
    expect(latest().url).toMatch(/^ws:\/\/127\.0\.0\.1:1\/ipc\?challenge=[\w-]{22}$/);
    latest().open();
    expect(latest().sent).toEqual([]);
    await handshake();
    expect(latest().sent).toEqual([{ handshake: 'auth', proof: hmac(WINDOW_PROOF + HOST_CHALLENGE) }, { id: 1, method: 'session.status', input: {} }]);
    expect(JSON.stringify(latest().sent)).not.toContain(TOKEN);
    latest().receive({ id: 1, result: { ok: true, value: { initialized: false } } });
    await expect(result).resolves.toEqual({ ok: true, value: { initialized: false } });
    t.close();
  });

  it('rejects unanswered calls with a clear error when the connection drops, then reconnects', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const t = transport();
    await handshake();
    const pending = t.call('sync.run', { accountId: 1 });
    latest().drop();
    await expect(pending).rejects.toBeInstanceOf(TransportError);
    await expect(pending).rejects.toThrow(/may or may not have been done/);
    // Shown in the staff's language, like the main process's own messages.
    const dropped = await pending.then(
      () => '',
      (error: Error) => error.message,
    );
    expect(localizeUserMessage(dropped, 'ja')).toBe('「sync.run」の応答を受け取る前に窓口との接続が切れました。処理されたかどうかは分かりません。確認してから、もう一度試してください。');
    expect(t.connectionState()).toBe('reconnecting');
    // While no socket exists, a call is refused at once instead of hanging.
    await expect(t.call('session.status', {})).rejects.toThrow(/Not connected/);
    vi.advanceTimersByTime(10);
    expect(FakeSocket.all).toHaveLength(2);
    // A new challenge each time: a proof seen once is worth nothing the next.
    expect(FakeSocket.all[1]!.url).not.toBe(FakeSocket.all[0]!.url);
    await handshake();
    expect(t.connectionState()).toBe('open');
    t.close();
  });

  it.each([
    ['a wrong proof (another program took the port, or the host started again with a new token)', (socket: FakeSocket) => socket.receive({ handshake: 'hello', proof: hmac(HOST_PROOF + 'whatever', 'guess'), challenge: HOST_CHALLENGE })],
    ['a call answered before any proof', (socket: FakeSocket) => socket.receive({ id: 1, result: { ok: true, value: { unlocked: false } } })],
  ])('sends nothing to a server that answers with %s, and stops reconnecting', async (_what, answer) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const t = transport();
    const unlock = t.call('session.unlock', { passphrase: 'correct horse battery staple', operator: '佐藤' });
    unlock.catch(() => undefined);
    latest().open();
    answer(latest());
    await settle(() => t.connectionState() === 'refused');
    expect(t.connectionState()).toBe('refused');
    expect(latest().sent).toEqual([]);
    await expect(unlock).rejects.toThrow(/not the Madoguchi that opened it/);
    await expect(t.call('session.status', {})).rejects.toThrow(/not the Madoguchi that opened it/);
    vi.advanceTimersByTime(60_000);
    expect(FakeSocket.all).toHaveLength(1);
    t.close();
  });

  it('delivers pushes to listeners and ignores frames that are not JSON', async () => {
    const t = transport();
    await handshake();
    const seen: PushFrame[] = [];
    t.onPush((frame) => seen.push(frame));
    latest().dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    latest().receive({ push: 'inquiries.changed', payload: { inquiryIds: [3] } });
    expect(seen).toEqual([{ push: 'inquiries.changed', payload: { inquiryIds: [3] } }]);
    t.close();
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSocketTransport } from '../../renderer/api/socketTransport';
import { TransportError } from '../../renderer/api/transport';
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
  sent: { id: number; method: string; input: unknown }[] = [];
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

function transport() {
  return createSocketTransport({
    url: 'ws://127.0.0.1:1/ipc?token=t',
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    backoffMs: () => 10,
  });
}

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

describe('the loopback WebSocket transport', () => {
  it('holds calls made while connecting and sends them as CallFrames once open', async () => {
    const t = transport();
    const result = t.call('session.status', {});
    expect(latest().sent).toEqual([]);
    latest().open();
    expect(latest().sent).toEqual([{ id: 1, method: 'session.status', input: {} }]);
    latest().receive({ id: 1, result: { ok: true, value: { initialized: false } } });
    await expect(result).resolves.toEqual({ ok: true, value: { initialized: false } });
    t.close();
  });

  it('rejects unanswered calls with a clear error when the connection drops, then reconnects', async () => {
    vi.useFakeTimers();
    const t = transport();
    latest().open();
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
    latest().open();
    expect(t.connectionState()).toBe('open');
    t.close();
  });

  it('delivers pushes to listeners and ignores frames that are not JSON', () => {
    const t = transport();
    latest().open();
    const seen: PushFrame[] = [];
    t.onPush((frame) => seen.push(frame));
    latest().dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    latest().receive({ push: 'inquiries.changed', payload: { inquiryIds: [3] } });
    expect(seen).toEqual([{ push: 'inquiries.changed', payload: { inquiryIds: [3] } }]);
    t.close();
  });
});

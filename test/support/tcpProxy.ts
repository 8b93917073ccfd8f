import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (the test Dovecot), so a test can make the
 * network fail the way it does in the field: cut every live connection at a chosen moment (after
 * so many bytes reached the client, or on demand), with a reset or a plain close, and refuse new
 * connections for as long as it likes. It counts the connections it was asked for, so a test can
 * tell how often the app tried to log in. Framework-agnostic.
 */
export interface TcpProxy {
  host: '127.0.0.1';
  port: number;
  /** Connections the client opened so far, refused ones included. */
  readonly connections: number;
  /** Bytes the server sent that reached the client, over every connection. */
  readonly bytesToClient: number;
  /**
   * Cuts every live connection now. 'reset' sends a TCP RST (the client reads ECONNRESET, as after
   * a server crash or a NAT timeout); 'close' ends it with a FIN (as a server restart does).
   */
  cut(how?: CutKind): number;
  /**
   * Cuts every live connection once `bytes` more (counted from this call, over all connections)
   * have reached the client; the chunk that crosses the mark is passed on only up to it, so the
   * cut lands in the middle of whatever the server was sending. Resolves once cut.
   */
  cutAfter(bytes: number, how?: CutKind): Promise<void>;
  /** From now on new connections are accepted and dropped at once, before the server's greeting (a server that is down). */
  refuse(): void;
  /** New connections reach the server again. */
  forward(): void;
  /** From now on what the server sends reaches the client at most this fast (bytes per second); null: as fast as it comes. */
  throttle(bytesPerSecond: number | null): void;
  /**
   * From now on nothing passes either way, and the connections stay open: a half-open link (a
   * dropped VPN, a server that hung), where a command is never answered and nothing says so.
   */
  silence(): void;
  stop(): Promise<void>;
}

export type CutKind = 'reset' | 'close';

interface Pending {
  remaining: number;
  how: CutKind;
  resolve: () => void;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const live = new Set<{ client: Socket; upstream: Socket }>();
  let connections = 0;
  let bytesToClient = 0;
  let refusing = false;
  let pending: Pending | null = null;
  let bytesPerSecond: number | null = null;
  let silent = false;

  const end = (socket: Socket, how: CutKind) => {
    if (socket.destroyed) return;
    if (how === 'reset') socket.resetAndDestroy();
    else socket.destroy();
  };
  const cutAll = (how: CutKind): number => {
    const count = live.size;
    for (const pair of live) {
      end(pair.client, how);
      end(pair.upstream, how);
    }
    live.clear();
    return count;
  };

  const server: Server = createServer((client) => {
    connections++;
    client.on('error', () => undefined);
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: target.host, port: target.port });
    upstream.on('error', () => undefined);
    const pair = { client, upstream };
    live.add(pair);
    const forget = () => {
      live.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', forget);
    upstream.on('close', forget);
    client.on('data', (chunk: Buffer) => {
      if (silent) return;
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    client.on('drain', () => upstream.resume());
    upstream.on('data', (chunk: Buffer) => {
      if (silent) return;
      const cutting = pending;
      if (cutting && chunk.length >= cutting.remaining) {
        const part = chunk.subarray(0, cutting.remaining);
        bytesToClient += part.length;
        pending = null;
        // The part before the mark reaches the client before the connection dies.
        client.write(part, () => {
          cutAll(cutting.how);
          cutting.resolve();
        });
        upstream.pause();
        return;
      }
      if (cutting) cutting.remaining -= chunk.length;
      bytesToClient += chunk.length;
      const written = client.write(chunk);
      if (bytesPerSecond !== null) {
        // The next chunk is read once this one has had its time on the wire.
        upstream.pause();
        setTimeout(() => (client.writableNeedDrain ? undefined : upstream.resume()), (chunk.length / bytesPerSecond) * 1000);
      } else if (!written) upstream.pause();
    });
  });

  const port = await listenOnLoopback(server);

  return {
    host: '127.0.0.1',
    port,
    get connections() {
      return connections;
    },
    get bytesToClient() {
      return bytesToClient;
    },
    cut: (how = 'reset') => cutAll(how),
    cutAfter(bytes, how = 'reset') {
      if (pending) throw new Error('a cut is already waiting');
      return new Promise<void>((resolve) => {
        pending = { remaining: Math.max(1, Math.floor(bytes)), how, resolve };
      });
    },
    refuse() {
      refusing = true;
    },
    forward() {
      refusing = false;
    },
    throttle(rate) {
      bytesPerSecond = rate;
    },
    silence() {
      silent = true;
    },
    async stop() {
      pending = null;
      cutAll('close');
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Starts `server` on a free port of 127.0.0.1; resolves to the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the test server did not get a port');
  return address.port;
}

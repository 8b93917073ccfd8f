import { connect, createServer, type Server, type Socket } from 'node:net';
import { listenOnLoopback } from './tcpProxy';

/**
 * An IMAP proxy on 127.0.0.1 in front of the test Dovecot that makes the server refuse to hand
 * over mail, the way servers do in the field and Dovecot cannot be made to:
 *
 * - `refuseContent(uids)`: those mails' content is refused as Gmail refuses a mail it cannot read.
 *   A UID FETCH of message bodies that names them answers every other mail, then ends
 *   `NO Some messages could not be FETCHed (Failure)`; a FETCH of their flags alone still works.
 *   With `times`, each is refused only the first so many times it is asked for (a refusal that
 *   passes); with `code`, the NO carries that response code (`UNAVAILABLE`: the server's storage
 *   is down while its index still answers for flags); `'all'` refuses every mail's content.
 * - `omitContent(uids)`: those mails are left out of every UID FETCH of message bodies, which still
 *   ends OK, as a server does that answers for some mails and silently not for others (a FETCH of
 *   their flags alone still works, unless `flagsRefused`: then it fails `NO [UNAVAILABLE]`); with
 *   `flagsWithoutContent`, such a mail asked for alone is answered with its flags but no content.
 *   `times` as for `refuseContent`.
 * - `hangUpOn(uids)`: the server drops the connection when it comes to one of those mails in a
 *   UID FETCH of message bodies, after it sent the mails before it, as a server does that crashes
 *   on one mail. `times` as for `refuseContent`.
 * - `refuseAllFetches()`: every UID FETCH fails (`NO [UNAVAILABLE]`), as when the server's
 *   storage is down: the fault is the server's, not any one mail's.
 *
 * Everything else passes unchanged. Framework-agnostic.
 */
export interface RefusingImapProxy {
  host: '127.0.0.1';
  port: number;
  refuseContent(uids: Iterable<number> | 'all', options?: { times?: number; code?: string }): void;
  omitContent(uids: Iterable<number>, options?: { times?: number; flagsRefused?: boolean; flagsWithoutContent?: boolean }): void;
  hangUpOn(uids: Iterable<number>, options?: { times?: number }): void;
  refuseAllFetches(): void;
  /** Nothing is refused any more. */
  forward(): void;
  /** UID FETCH commands the proxy failed so far. */
  readonly refusals: number;
  /** Times each mail's content was asked for while refused (UID → count). */
  readonly contentAsked: ReadonlyMap<number, number>;
  stop(): Promise<void>;
}

/** In place of the answer that ends a FETCH: the connection is dropped instead. */
const HANG_UP = 'hang up';
const CONTENT_REFUSED = 'NO Some messages could not be FETCHed (Failure)';
const ALL_REFUSED = 'NO [UNAVAILABLE] Internal error occurred. Refer to server log for more information.';
const UID_FETCH = /^(\S+) UID FETCH ([0-9:,]+) (.*)$/i;
const LITERAL_AT_END = /\{(\d+)\+?\}$/;

export async function startRefusingImapProxy(target: { host: string; port: number }): Promise<RefusingImapProxy> {
  let refusedContent: Set<number> | 'all' = new Set<number>();
  /** How the FETCH that named a withheld mail ends: with this NO, or (null) OK. */
  let contentRefusal: { times: number; answer: string | null } = { times: Number.POSITIVE_INFINITY, answer: CONTENT_REFUSED };
  const contentAsked = new Map<number, number>();
  let refuseAll = false;
  /** A FETCH of flags alone that names a withheld mail fails too. */
  let flagsRefused = false;
  /** A FETCH of a withheld mail alone is answered with its flags, without its content. */
  let flagsWithoutContent = false;
  let refusals = 0;
  const live = new Set<Socket>();

  const server: Server = createServer((client) => {
    const upstream = connect({ host: target.host, port: target.port });
    live.add(client).add(upstream);
    const forget = () => {
      live.delete(client);
      live.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    /** Tags whose tagged OK is to be turned into this refusal. */
    const failTags = new Map<string, string>();

    // Client to server: command lines, each either passed on or rewritten.
    let fromClient = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      fromClient = Buffer.concat([fromClient, chunk]);
      for (let end = fromClient.indexOf('\r\n'); end >= 0; end = fromClient.indexOf('\r\n')) {
        const line = fromClient.subarray(0, end).toString('latin1');
        fromClient = fromClient.subarray(end + 2);
        if (!upstream.write(`${rewriteCommand(line, failTags)}\r\n`, 'latin1')) client.pause();
      }
    });
    upstream.on('drain', () => client.resume());
    client.on('drain', () => upstream.resume());

    // Server to client: lines and the literals they announce; only tagged answers are rewritten.
    let fromServer = Buffer.alloc(0);
    let literalLeft = 0;
    upstream.on('data', (chunk: Buffer) => {
      fromServer = Buffer.concat([fromServer, chunk]);
      const out: Buffer[] = [];
      for (;;) {
        if (literalLeft > 0) {
          const take = Math.min(literalLeft, fromServer.length);
          if (take === 0) break;
          out.push(fromServer.subarray(0, take));
          fromServer = fromServer.subarray(take);
          literalLeft -= take;
          continue;
        }
        const end = fromServer.indexOf('\r\n');
        if (end < 0) break;
        const line = fromServer.subarray(0, end).toString('latin1');
        fromServer = fromServer.subarray(end + 2);
        const literal = LITERAL_AT_END.exec(line);
        if (literal) literalLeft = Number(literal[1]);
        const tag = line.slice(0, line.indexOf(' '));
        const refusal = failTags.get(tag);
        const completion = /^\S+ (OK|NO|BAD)\b/i.exec(line);
        if (refusal && completion) failTags.delete(tag);
        if (refusal === HANG_UP && completion) {
          client.end(Buffer.concat(out), () => forget());
          return;
        }
        if (refusal && completion?.[1]?.toUpperCase() === 'OK') {
          refusals++;
          out.push(Buffer.from(`${tag} ${refusal}\r\n`, 'latin1'));
        } else out.push(Buffer.from(`${line}\r\n`, 'latin1'));
      }
      if (out.length && !client.write(Buffer.concat(out))) upstream.pause();
    });
  });

  /** The command to send on: a body FETCH without the refused mails (a NOOP when none is left), its OK to be failed. */
  function rewriteCommand(line: string, failTags: Map<string, string>): string {
    const fetch = UID_FETCH.exec(line);
    if (!fetch) return line;
    const [, tag = '', set = '', items = ''] = fetch;
    if (refuseAll) {
      failTags.set(tag, ALL_REFUSED);
      return `${tag} NOOP`;
    }
    const uids = expand(set);
    if (!/BODY(\.PEEK)?\[/i.test(items)) {
      if (!flagsRefused || refusedContent === 'all' || !uids.some((uid) => (refusedContent as Set<number>).has(uid))) return line;
      failTags.set(tag, ALL_REFUSED);
      return `${tag} NOOP`;
    }
    const withheld = (uid: number) => {
      if (refusedContent !== 'all' && !refusedContent.has(uid)) return false;
      const asked = contentAsked.get(uid) ?? 0;
      if (asked >= contentRefusal.times) return false;
      contentAsked.set(uid, asked + 1);
      return true;
    };
    const hangUpAt = contentRefusal.answer === HANG_UP ? uids.findIndex(withheld) : -1;
    const kept = contentRefusal.answer === HANG_UP ? (hangUpAt < 0 ? uids : uids.slice(0, hangUpAt)) : uids.filter((uid) => !withheld(uid));
    if (kept.length === uids.length) return line;
    if (contentRefusal.answer !== null) failTags.set(tag, contentRefusal.answer);
    if (kept.length) return `${tag} UID FETCH ${kept.join(',')} ${items}`;
    // Asked for alone: answered for its flags, without content (as `BODY[] NIL`), when so told.
    if (flagsWithoutContent) return `${tag} UID FETCH ${set} ${items.replace(/\s*BODY(\.PEEK)?\[[^\]]*\](<[\d.]+>)?/gi, '')}`;
    return `${tag} NOOP`;
  }

  const port = await listenOnLoopback(server);
  return {
    host: '127.0.0.1',
    port,
    refuseContent(uids, options = {}) {
      refusedContent = uids === 'all' ? 'all' : new Set(uids);
      contentRefusal = {
        times: options.times ?? Number.POSITIVE_INFINITY,
        answer: options.code ? `NO [${options.code}] Internal error occurred. Refer to server log for more information.` : CONTENT_REFUSED,
      };
      contentAsked.clear();
    },
    omitContent(uids, options = {}) {
      refusedContent = new Set(uids);
      flagsRefused = options.flagsRefused === true;
      flagsWithoutContent = options.flagsWithoutContent === true;
      contentRefusal = { times: options.times ?? Number.POSITIVE_INFINITY, answer: null };
      contentAsked.clear();
    },
    hangUpOn(uids, options = {}) {
      refusedContent = new Set(uids);
      contentRefusal = { times: options.times ?? Number.POSITIVE_INFINITY, answer: HANG_UP };
      contentAsked.clear();
    },
    refuseAllFetches() {
      refuseAll = true;
    },
    forward() {
      refusedContent = new Set();
      flagsRefused = false;
      flagsWithoutContent = false;
      refuseAll = false;
    },
    get refusals() {
      return refusals;
    },
    get contentAsked() {
      return contentAsked;
    },
    async stop() {
      for (const socket of live) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** "1:3,7" → [1, 2, 3, 7] (the sync names UIDs it listed, never `*`). */
function expand(set: string): number[] {
  const uids: number[] = [];
  for (const part of set.split(',')) {
    const [first, last = first] = part.split(':').map(Number) as [number, number?];
    for (let uid = Math.min(first, last); uid <= Math.max(first, last); uid++) uids.push(uid);
  }
  return uids;
}

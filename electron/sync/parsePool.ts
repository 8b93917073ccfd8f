import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logging/logger';
import { attachmentsWithForwards } from '../mail/forwardedMessages';
import type { InboundMail } from '../mail/parseInboundMail';
import { parseInboundMail, UnparseableMailError } from '../mail/parseInboundMail';
import { startWorker } from '../workers/startWorker';
import { PARSE_WORKER_READY, type ParseReplies, type ParseReply, type ParseRequest } from '../workers/parseRequest';
import { userMessage } from '../../shared/userMessages';

interface Waiting {
  raw: Buffer;
  fallbackDate: string;
  resolve(mail: InboundMail): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  inFlight: Map<number, Waiting>;
  /** Reads suspects, one at a time: what stops it is the mail it was reading. */
  probation: boolean;
  /** It said it is ready to parse: a worker that dies before that could not start, whatever it held. */
  ready: boolean;
  /** Requests not posted yet: those made in one turn of the event loop go in one message. */
  outbox: { requests: ParseRequest[]; transfer: ArrayBuffer[] } | null;
  /** Set while it holds mails: fires when it has answered none for `stallMs`. */
  watchdog: NodeJS.Timeout | null;
}

export interface ParsePoolOptions {
  /** Where the worker's entry file is (see startWorker). */
  workersDir: string;
  /** Worker threads to parse on. */
  size: number;
  /** Idle workers end after this long (ms), giving their memory back; the next sync starts them again. */
  idleMs?: number;
  /**
   * A worker that holds mails and answers none for this long (ms) is taken to hang on one of them
   * (a PDF that sends the PDF reader round in circles, say): it is stopped like a worker that crashed.
   */
  stallMs?: number;
  logger?: Logger;
}

/**
 * Mails per message to a worker at most. A message costs both threads far more than copying a
 * mail, so the mails of one read from the server go together; but a worker answers a message as
 * a whole, so a large one would hold back the mails in it from being stored (at 256 per message
 * the sync slowed to an alternation of fetching and parsing).
 */
const MAILS_PER_MESSAGE = 16;

/** Why a mail that stopped the parser is set aside (quarantined with this reason). */
export const PARSER_STOPPED = userMessage('parserStopped');

/**
 * Parses mails on worker threads (electron/workers/parseWorker.ts), so that during an import the
 * main thread fetches and stores while another core parses. The results are parseInboundMail's.
 * Workers start on first use and end when idle or on close().
 *
 * A worker that stops (a crash inside the parser) is replaced, and the mails it was reading
 * become suspects: they are read again one at a time on a worker of their own, so the one that
 * stops that worker too is known for certain and rejected (the sync quarantines it), while the
 * others are read as usual. One poisonous mail never fails a sync or loses the mails beside it.
 * Where no worker can be started at all, mails are parsed on this thread.
 */
export class ParsePool {
  private threads: Thread[] = [];
  private probation: Thread | null = null;
  private readonly suspects: Waiting[] = [];
  private nextId = 1;
  private unavailable = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: ParsePoolOptions) {}

  readonly parse = (raw: Buffer, fallbackDate: string): Promise<InboundMail> => {
    if (this.unavailable) return parseInboundMail(raw, fallbackDate);
    return new Promise<InboundMail>((resolve, reject) => {
      const waiting = { raw, fallbackDate, resolve, reject };
      const thread = this.leastBusy();
      if (thread) this.send(thread, waiting);
      else parseInboundMail(raw, fallbackDate).then(resolve, reject);
    });
  };

  /** Worker threads running now (they start on first use and end when idle). */
  get threadCount(): number {
    return this.threads.length + (this.probation ? 1 : 0);
  }

  /** Ends the workers; mails still being read are rejected. */
  async close(): Promise<void> {
    this.clearIdleTimer();
    const threads = [...this.threads, ...(this.probation ? [this.probation] : [])];
    this.threads = [];
    this.probation = null;
    const stopped = new Error(userMessage('parsingStopped'));
    for (const waiting of this.suspects.splice(0)) waiting.reject(stopped);
    for (const thread of threads) {
      for (const waiting of thread.inFlight.values()) waiting.reject(stopped);
      thread.inFlight.clear();
      this.watch(thread);
    }
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  private send(thread: Thread, waiting: Waiting): void {
    this.clearIdleTimer();
    const id = this.nextId++;
    thread.inFlight.set(id, waiting);
    thread.worker.ref();
    // A copy of exactly the mail's bytes (imapflow's buffer may be a view of a larger one), moved without a second copy;
    // the original stays here in case the worker stops and the mail must be read again.
    const bytes = new Uint8Array(waiting.raw.length);
    bytes.set(waiting.raw);
    const outbox = (thread.outbox ??= this.openOutbox(thread));
    outbox.requests.push({ id, raw: bytes, fallbackDate: waiting.fallbackDate });
    outbox.transfer.push(bytes.buffer);
    if (outbox.requests.length >= MAILS_PER_MESSAGE) this.post(thread, outbox);
  }

  /** Requests made in one turn of the event loop (the mails of one read from the server) go in one message once it ends. */
  private openOutbox(thread: Thread): NonNullable<Thread['outbox']> {
    const outbox = { requests: [] as ParseRequest[], transfer: [] as ArrayBuffer[] };
    setImmediate(() => this.post(thread, outbox));
    return outbox;
  }

  private post(thread: Thread, outbox: NonNullable<Thread['outbox']>): void {
    if (thread.outbox !== outbox) return;
    thread.outbox = null;
    // A thread lost meanwhile: its mails are already suspects (see lose()).
    if (this.threads.includes(thread) || this.probation === thread) {
      thread.worker.postMessage(outbox.requests, outbox.transfer);
      if (thread.ready) thread.watchdog ??= this.startWatchdog(thread);
    }
  }

  /** Watches a worker while it holds mails, from when it is ready (starting may be slow on a busy machine): called whenever it answers, or is given up. */
  private watch(thread: Thread): void {
    if (thread.watchdog) clearTimeout(thread.watchdog);
    thread.watchdog = thread.inFlight.size > 0 ? this.startWatchdog(thread) : null;
  }

  private startWatchdog(thread: Thread): NodeJS.Timeout {
    const stallMs = this.options.stallMs ?? 30_000;
    const timer = setTimeout(() => this.lose(thread, `no answer in ${stallMs} ms`), stallMs);
    timer.unref();
    return timer;
  }

  private leastBusy(): Thread | null {
    while (this.threads.length < this.options.size) {
      const thread = this.startThread(false);
      if (!thread) break;
      this.threads.push(thread);
    }
    let best: Thread | null = null;
    for (const thread of this.threads) if (!best || thread.inFlight.size < best.inFlight.size) best = thread;
    return best;
  }

  private startThread(probation: boolean): Thread | null {
    let worker: Worker;
    try {
      // A small young generation: a sync's peak memory was some 30 MB lower, and no slower, than
      // with the default. No limit on the old generation: a worker that reaches it with one large
      // allocation takes the whole process down with it.
      worker = startWorker(this.options.workersDir, 'parseWorker', { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
    } catch (error) {
      this.unavailable = true;
      this.options.logger?.warn('parse.worker_unavailable', { error: error instanceof Error ? error.message : 'unknown' });
      return null;
    }
    const thread: Thread = { worker, inFlight: new Map(), probation, ready: false, outbox: null, watchdog: null };
    worker.on('message', (replies: ParseReplies | typeof PARSE_WORKER_READY) => {
      if (replies === PARSE_WORKER_READY) thread.ready = true;
      else for (const reply of replies) this.settle(thread, reply);
      this.watch(thread);
    });
    worker.on('error', (error) => this.lose(thread, error.name));
    worker.on('exit', (code) => this.lose(thread, `exit ${code}`));
    return thread;
  }

  private settle(thread: Thread, reply: ParseReply): void {
    const waiting = thread.inFlight.get(reply.id);
    if (!waiting) return;
    thread.inFlight.delete(reply.id);
    if ('mail' in reply) waiting.resolve(withBuffers(reply.mail));
    else waiting.reject(reply.unparseable ? new UnparseableMailError(reply.error) : new Error(reply.error));
    if (thread.inFlight.size === 0) thread.worker.unref();
    if (thread.probation) this.nextSuspect();
    this.scheduleIdleEnd();
  }

  /**
   * A worker stopped. One that never said it was ready could not start (no thread, no memory, its
   * file unreadable): no mail is to blame, and mails are parsed on this thread from now on. Otherwise,
   * on probation, the mail it was reading is the cause; elsewhere, all it held become suspects.
   */
  private lose(thread: Thread, why: string): void {
    if (thread === this.probation) this.probation = null;
    else if (this.threads.includes(thread)) this.threads.splice(this.threads.indexOf(thread), 1);
    else return;
    void thread.worker.terminate();
    const held = [...thread.inFlight.values()];
    thread.inFlight.clear();
    this.watch(thread);
    this.options.logger?.warn('parse.worker_stopped', { why, mailsInFlight: held.length, probation: thread.probation, started: thread.ready });
    if (!thread.ready) {
      this.unavailable = true;
      for (const waiting of [...held, ...this.suspects.splice(0)]) parseInboundMail(waiting.raw, waiting.fallbackDate).then(waiting.resolve, waiting.reject);
      return;
    }
    if (thread.probation) for (const waiting of held) waiting.reject(new Error(PARSER_STOPPED));
    else this.suspects.push(...held);
    this.nextSuspect();
  }

  private nextSuspect(): void {
    if (this.probation?.inFlight.size) return;
    const suspect = this.suspects.shift();
    if (!suspect) {
      // Every suspect is read: the probation worker is no longer needed.
      const done = this.probation;
      this.probation = null;
      void done?.worker.terminate();
      return;
    }
    this.probation ??= this.startThread(true);
    if (this.probation) this.send(this.probation, suspect);
    else parseInboundMail(suspect.raw, suspect.fallbackDate).then(suspect.resolve, suspect.reject);
  }

  private scheduleIdleEnd(): void {
    if (this.suspects.length || this.threads.some((thread) => thread.inFlight.size > 0) || this.probation?.inFlight.size) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => void this.close(), this.options.idleMs ?? 30_000);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/** Structured clone turns Buffers into plain Uint8Arrays: views as Buffers again, without copying. */
function withBuffers(mail: InboundMail): InboundMail {
  for (const attachment of attachmentsWithForwards(mail)) {
    const content = attachment.content as Uint8Array | undefined;
    if (content && !Buffer.isBuffer(content)) attachment.content = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  }
  return mail;
}

import type { FetchedMail } from '../mail/imapFetch';
import type { InboundMail } from '../mail/parseInboundMail';
import { userMessage } from '../../shared/userMessages';

export type ParseResult = { ok: true; mail: InboundMail } | { ok: false; reason: string };

/** A parse as the store files it: the mail, or why it is unreadable (the reason staff see on the mail set aside). */
export function parseOutcome(parsing: Promise<InboundMail>): Promise<ParseResult> {
  return parsing.then(
    (mail): ParseResult => ({ ok: true, mail }),
    (error: unknown): ParseResult => ({ ok: false, reason: userMessage('unreadableMail', { detail: error instanceof Error ? error.message : String(error) }) }),
  );
}

/** A mail ready to be stored, in UID order; `result` null for a mail skipped as already known. */
export interface ReadyMail {
  uid: number;
  internalDate: string;
  bytes: number;
  result: ParseResult | null;
  /** Answered from another mail client before it was fetched. */
  answered?: boolean;
  /** Of a mail skipped as already known: its Message-ID (the stored mail is now found under this UID). */
  knownMessageId?: string;
}

export interface PipelineLimits {
  /** Mails fetched but not yet stored (being parsed, or parsed and waiting for their turn). */
  maxPendingMails: number;
  /** Their raw bytes together: bounds memory however large the mails are. */
  maxPendingBytes: number;
  /** A batch is stored when it holds this many mails... */
  batchMails: number;
  /** ...or is this old (ms): a crash loses at most this much work, which the next sync fetches again. */
  batchMs: number;
}

/**
 * At most maxPendingMails + batchMails parsed mails are alive at once. Kept small so that they
 * are stored, and become garbage, before the young generation's collector moves them to the old
 * one, where they (and their attachments' buffers) would wait for a full collection: with 256 +
 * 400 a 20,000-mail sync peaked at 314-325 MB RSS, with 128 + 100 at 248-253 MB (five runs each,
 * alternated on one mailbox), in a median time of 7.12 s against 6.75 s: 5 %, within the noise of a
 * shared machine.
 */
export const DEFAULT_PIPELINE_LIMITS: PipelineLimits = {
  maxPendingMails: 128,
  maxPendingBytes: 24 * 1024 * 1024,
  batchMails: 100,
  batchMs: 250,
};

interface Pending {
  uid: number;
  internalDate: string;
  bytes: number;
  parsed: Promise<ParseResult> | null;
  answered?: boolean;
  knownMessageId?: string;
}

/**
 * Overlaps the three stages of a folder sync: the fetcher hands mails over in UID order and goes
 * straight on with the next (waiting only while too much is pending), parsing runs meanwhile,
 * and parsed mails are stored in UID order in batches, each batch with the advanced cursor in one
 * transaction (`store`). So a crash at any point loses only the batch being built, and the cursor
 * never passes a mail that is not stored.
 */
export class IngestPipeline {
  private readonly queue: Pending[] = [];
  private pendingBytes = 0;
  private spaceWaiters: Array<() => void> = [];
  private wakeDrain: (() => void) | null = null;
  private closed = false;
  private failure: { error: unknown } | null = null;
  private readonly drained: Promise<void>;

  constructor(
    private readonly parse: (raw: Buffer, internalDate: string) => Promise<InboundMail>,
    private readonly store: (batch: ReadyMail[]) => Promise<void>,
    private readonly limits: PipelineLimits = DEFAULT_PIPELINE_LIMITS,
    private readonly clock: () => number = () => performance.now(),
    /** Cancelling stores nothing more: what is not stored yet is fetched again by the next sync. */
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
    this.drained = this.drain();
    // Its failure is reported through add() and finish().
    this.drained.catch(() => undefined);
  }

  /** Takes a fetched mail; resolves once there is room for the next. Throws if storing failed. */
  async add(mail: FetchedMail): Promise<void> {
    this.throwIfFailed();
    const parsed = parseOutcome(this.parse(mail.raw, mail.internalDate));
    this.enqueue({ uid: mail.uid, internalDate: mail.internalDate, bytes: mail.raw.length, parsed, ...(mail.answered ? { answered: true } : {}) });
    while (!this.failure && !this.signal?.aborted && (this.queue.length >= this.limits.maxPendingMails || this.pendingBytes >= this.limits.maxPendingBytes)) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /** A mail not fetched because it is already stored (by this Message-ID): the cursor moves past it. */
  async skip(uid: number, knownMessageId: string): Promise<void> {
    this.throwIfFailed();
    this.enqueue({ uid, internalDate: '', bytes: 0, parsed: null, knownMessageId });
  }

  /** A mail the server would not hand over: it is set aside for `reason` in its place, and the cursor moves past it. */
  async refuse(uid: number, reason: string): Promise<void> {
    this.throwIfFailed();
    this.enqueue({ uid, internalDate: '', bytes: 0, parsed: Promise.resolve({ ok: false, reason }) });
  }

  /** Stores everything taken so far; throws what storing threw, if it did. */
  async finish(): Promise<void> {
    this.closed = true;
    this.wake();
    try {
      await this.drained;
    } finally {
      // The signal is the whole sync's: one pipeline per folder must not leave a listener on it each.
      this.signal?.removeEventListener('abort', this.onAbort);
    }
  }

  private readonly onAbort = () => {
    this.wake();
    this.releaseSpace();
  };

  private enqueue(entry: Pending): void {
    this.queue.push(entry);
    this.pendingBytes += entry.bytes;
    this.wake();
  }

  private wake(): void {
    const wake = this.wakeDrain;
    this.wakeDrain = null;
    wake?.();
  }

  private releaseSpace(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private async drain(): Promise<void> {
    let batch: ReadyMail[] = [];
    let batchStarted = 0;
    const flush = async () => {
      const full = batch;
      batch = [];
      await this.store(full);
    };
    try {
      for (;;) {
        if (this.signal?.aborted) {
          batch = [];
          break;
        }
        const head = this.queue[0];
        if (!head) {
          if (this.closed) break;
          const dueIn = batch.length ? batchStarted + this.limits.batchMs - this.clock() : Number.POSITIVE_INFINITY;
          if (dueIn <= 0) {
            await flush();
            continue;
          }
          await this.nextEntry(dueIn);
          continue;
        }
        const result = head.parsed ? await head.parsed : null;
        this.queue.shift();
        this.pendingBytes -= head.bytes;
        this.releaseSpace();
        if (batch.length === 0) batchStarted = this.clock();
        batch.push({
          uid: head.uid,
          internalDate: head.internalDate,
          bytes: head.bytes,
          result,
          ...(head.answered ? { answered: true } : {}),
          ...(head.knownMessageId ? { knownMessageId: head.knownMessageId } : {}),
        });
        if (batch.length >= this.limits.batchMails || this.clock() - batchStarted >= this.limits.batchMs) await flush();
      }
      if (batch.length) await flush();
      // Nothing waits for room any more (after a cancel, the queue is never drained).
      this.releaseSpace();
    } catch (error) {
      this.failure = { error };
      this.releaseSpace();
      throw error;
    }
  }

  /** Resolves when an entry arrives, the pipeline closes, or after `timeoutMs`. */
  private nextEntry(timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => this.wake(), Math.max(1, timeoutMs)) : null;
      this.wakeDrain = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Runs at most `limit` calls of `fn` at once; the rest wait their turn in order. */
export function limitConcurrency<A extends unknown[], R>(fn: (...args: A) => Promise<R>, limit: number): (...args: A) => Promise<R> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (...args) => {
    // A finishing call hands its slot straight to the next in line, so `running` never overshoots.
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await fn(...args);
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

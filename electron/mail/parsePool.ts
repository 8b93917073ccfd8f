import { Worker } from 'node:worker_threads';
import { parseInboundMail, UnparseableMailError, type InboundMail } from './parseInboundMail';
import type { ParseReply } from './parseWorker';

interface Waiting {
  resolve(mail: InboundMail): void;
  reject(error: Error): void;
  raw: Buffer;
  fallbackDate: string;
}

/**
 * Parses mails on worker threads (parseWorker), so that during a large import the main thread
 * only fetches and stores while another core parses. Results are the same as parseInboundMail's
 * on the main thread, which also takes over should a worker fail. Workers start on first use
 * and end with close().
 */
export class ParsePool {
  private workers: Worker[] = [];
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  private turn = 0;
  private broken = false;

  /** `workerFile`: the built parseWorker (.cjs/.mjs), or its source (.ts), which then runs through tsx's loader. */
  constructor(
    private readonly workerFile: string | URL,
    private readonly size: number,
  ) {}

  readonly parse = (raw: Buffer, fallbackDate: string): Promise<InboundMail> => {
    if (this.broken) return parseInboundMail(raw, fallbackDate);
    if (this.workers.length === 0) this.start();
    const worker = this.workers[this.turn++ % this.workers.length] as Worker;
    const id = this.nextId++;
    // A copy of exactly the mail's bytes (imapflow's buffer may be a view of a larger one), moved without a second copy.
    const bytes = new Uint8Array(raw.length);
    bytes.set(raw);
    return new Promise<InboundMail>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, raw, fallbackDate });
      worker.postMessage({ id, raw: bytes, fallbackDate }, [bytes.buffer]);
    });
  };

  async close(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((w) => w.terminate()));
  }

  private start(): void {
    const source = String(this.workerFile).endsWith('.ts');
    for (let i = 0; i < this.size; i++) {
      // From source (tests, scripts) the worker first registers tsx's loader: workers do not inherit it.
      const worker = source
        ? new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(String(this.workerFile))}); });`, { eval: true })
        : new Worker(this.workerFile);
      worker.on('message', (reply: ParseReply) => this.settle(reply));
      worker.on('error', () => this.fail());
      worker.on('exit', (code) => {
        if (code !== 0 && this.workers.includes(worker)) this.fail();
      });
      this.workers.push(worker);
    }
  }

  private settle(reply: ParseReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if ('mail' in reply) {
      // Structured clone turns Buffers into plain Uint8Arrays.
      for (const attachment of reply.mail.attachments ?? []) {
        if (attachment.content) attachment.content = Buffer.from(attachment.content.buffer, attachment.content.byteOffset, attachment.content.byteLength);
      }
      waiting.resolve(reply.mail);
    } else {
      waiting.reject(reply.unparseable ? new UnparseableMailError(reply.error) : new Error(reply.error));
    }
  }

  /** A worker died: parse everything still waiting (and all that follows) on this thread. */
  private fail(): void {
    this.broken = true;
    void this.close();
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) parseInboundMail(w.raw, w.fallbackDate).then(w.resolve, w.reject);
  }
}

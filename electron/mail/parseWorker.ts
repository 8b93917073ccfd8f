/**
 * The worker side of ParsePool: parses mails off the main thread, so that a large import parses
 * on another core while the main thread fetches and stores. A build entry of its own, started by
 * file (see ParsePool).
 */
import { parentPort } from 'node:worker_threads';
import { parseInboundMail } from './parseInboundMail';

export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  fallbackDate: string;
}

export type ParseReply = { id: number; mail: Awaited<ReturnType<typeof parseInboundMail>> } | { id: number; error: string; unparseable: boolean };

parentPort?.on('message', (request: ParseRequest) => {
  const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
  parseInboundMail(raw, request.fallbackDate).then(
    // Copied back, never transferred: a small Buffer's memory is shared with others in Node's pool.
    (mail) => parentPort?.postMessage({ id: request.id, mail } satisfies ParseReply),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
        unparseable: error instanceof Error && error.name === 'UnparseableMailError',
      } satisfies ParseReply),
  );
});

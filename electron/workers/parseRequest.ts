import type { TransferListItem } from 'node:worker_threads';
import { attachmentsWithForwards } from '../mail/forwardedMessages';
import { parseInboundMail, type InboundMail } from '../mail/parseInboundMail';

/** What ParsePool (electron/sync/parsePool.ts) sends a parse worker in one message, and what it answers in one. */
export type ParseRequests = ParseRequest[];
export type ParseReplies = ParseReply[];

/** One mail to read. */
export interface ParseRequest {
  id: number;
  raw: Uint8Array;
  fallbackDate: string;
}

/** What a parse worker posts once it listens for requests. */
export const PARSE_WORKER_READY = 'ready';

export type ParseReply = { id: number; mail: InboundMail } | { id: number; error: string; unparseable: boolean };

/** Reads the requested mails in turn and posts the answers together, handing back the attachments' memory where it can without a copy. */
export async function answerParseRequests(requests: ParseRequests, post: (replies: ParseReplies, transfer: TransferListItem[]) => void): Promise<void> {
  const replies: ParseReplies = [];
  const transfer: ArrayBuffer[] = [];
  for (const request of requests) {
    const raw = Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength);
    try {
      const mail = await parseInboundMail(raw, request.fallbackDate);
      replies.push({ id: request.id, mail });
      transfer.push(...movableBuffers(mail, request.raw.buffer));
    } catch (error) {
      replies.push({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
        unparseable: error instanceof Error && error.name === 'UnparseableMailError',
      });
    }
  }
  post(replies, transfer);
}

/**
 * The memory of the attachments that can be handed back without a copy: buffers that hold one
 * attachment alone, or the request's own bytes (attachments sent unencoded are views of them).
 * Never a slab of Node's small-buffer pool, which other buffers share.
 */
function movableBuffers(mail: InboundMail, requestBuffer: ArrayBufferLike): ArrayBuffer[] {
  const movable = new Set<ArrayBuffer>();
  for (const { content } of attachmentsWithForwards(mail)) {
    if (!content || !(content.buffer instanceof ArrayBuffer)) continue;
    if (content.buffer === requestBuffer || (content.byteOffset === 0 && content.byteLength === content.buffer.byteLength)) movable.add(content.buffer);
  }
  return [...movable];
}

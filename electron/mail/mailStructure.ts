import { MailParser, type IconvConstructor } from 'mailparser';
import { isForwardedPart } from './forwardedMessages';
import { JapaneseAwareDecoder } from './japaneseCharsets';
import { leanParseMail, type LeanParsedMail } from './leanMailParser';
// Type only: the parser's result types; no import cycle at run time.
import type { InboundAttachment } from './parseInboundMail';
import type { RawHeaderLine } from './rawHeaders';
import { withReadableRawFileNames } from './rawFileNames';
import { userMessage } from '../../shared/userMessages';

/**
 * The first step of reading a mail (parseInboundMail.ts): its structure (headers, text and HTML
 * parts, attachments, delivery reports, forwarded messages), by the lean reader for the common
 * shapes and by mailparser for the rest, with the header block alone as a last resort.
 */

/** Attachments larger than this are recorded by name and size but their content is not kept. */
export const MAX_KEPT_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Thrown when the bytes hold nothing recognisable as a mail; the caller quarantines them. */
export class UnparseableMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnparseableMailError';
  }
}

/** Headers any real mail has at least one of. */
const MAIL_HEADERS = new Set(['from', 'to', 'subject', 'date', 'message-id', 'received', 'return-path', 'sender', 'mime-version', 'content-type']);
/** HTML longer than this is not converted to text by html-to-text (slow on huge input); it is stripped crudely instead. */
const MAX_HTML_TO_CONVERT = 2_000_000;
/**
 * A parse that takes longer has met a parser bug; we fall back to the headers alone. Well inside
 * the parse pool's watchdog (30 s without an answer stops the worker and sets the mail aside), so
 * such a mail is still imported, with its headers.
 */
const PARSE_TIMEOUT_MS = 20_000;

/**
 * The mail's structure, or UnparseableMailError when there is no mail to speak of. `fullParser`
 * skips the lean reader (tests compare the two).
 */
export async function readMailStructure(raw: Buffer, fullParser: boolean): Promise<MailStructure> {
  let parsed: MailStructure;
  try {
    // The common shapes are read directly (the same result, many times faster); the rest by mailparser.
    const lean = fullParser ? null : leanParseMail(raw);
    parsed = lean ? fromLean(lean) : await runMailParser(raw);
  } catch {
    // mailparser gave up on the structure (too many parts, an enormous header, a bug): the
    // header block alone still tells who wrote about what.
    try {
      parsed = await runMailParser(headerBlockOf(raw));
    } catch {
      throw new UnparseableMailError(userMessage('mailNotParsable'));
    }
  }
  if (!parsed.headerLines.some((line) => MAIL_HEADERS.has(line.key))) {
    throw new UnparseableMailError(userMessage('mailWithoutHeaders'));
  }

  return parsed;
}

export interface MailStructure {
  headers: Map<string, unknown>;
  headerLines: RawHeaderLine[];
  text: string;
  html: string | null;
  htmlConversionFailed: boolean;
  attachments: InboundAttachment[];
  /** The text of message/delivery-status parts (a DSN's machine-readable fields). */
  deliveryStatus: string[];
  /** message/rfc822 parts marked Content-Disposition: inline (forwarded inline, not attached). */
  inlineMessages: Set<InboundAttachment>;
}

/** A delivery-status part is a few hundred bytes; more than this is not a DSN worth reading. */
const MAX_DELIVERY_STATUS_BYTES = 64 * 1024;
const DELIVERY_STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);

/** The lean reader's result, with attachments kept under the same size limit as mailparser's path keeps them. */
function fromLean(lean: LeanParsedMail): MailStructure {
  return {
    ...lean,
    inlineMessages: new Set(),
    attachments: lean.attachments.map(({ content, ...attachment }) => ({
      ...attachment,
      size: content.length,
      ...(content.length <= MAX_KEPT_ATTACHMENT_BYTES ? { content } : {}),
    })),
  };
}

/**
 * mailparser, streaming: attachment content is kept only up to MAX_KEPT_ATTACHMENT_BYTES per file (larger files are counted, not held); text bodies
 * are decoded by JapaneseAwareDecoder (the `Iconv` hook) rather than mailparser's default.
 */
function runMailParser(raw: Buffer): Promise<MailStructure> {
  return new Promise((resolve, reject) => {
    const parser = new MailParser({
      Iconv: JapaneseAwareDecoder as unknown as IconvConstructor,
      skipTextToHtml: true,
      skipTextLinks: true,
      skipImageLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: MAX_HTML_TO_CONVERT,
      // A DSN's fields come as a part of their own (read below), not mixed into the text.
      keepDeliveryStatus: true,
      // message/rfc822 parts come whole, as attachments, to be read as forwarded messages of their
      // own (forwardedMessages.ts) instead of being merged into this mail's text and attachments.
      ignoreEmbedded: true,
    } as ConstructorParameters<typeof MailParser>[0]);
    const result: MailStructure = { headers: new Map(), headerLines: [], text: '', html: null, htmlConversionFailed: false, attachments: [], deliveryStatus: [], inlineMessages: new Set() };
    const timer = setTimeout(() => {
      parser.destroy();
      reject(new Error('mail parsing timed out'));
    }, PARSE_TIMEOUT_MS);
    parser.on('headers', (headers: Map<string, unknown>) => (result.headers = headers));
    parser.on('headerLines', (lines: RawHeaderLine[]) => (result.headerLines = lines));
    parser.on('data', (data: { type: string; [key: string]: unknown }) => {
      if (data.type === 'attachment') {
        const attachment = data as unknown as {
          content: NodeJS.ReadableStream;
          release(): void;
          filename?: string;
          contentType?: string;
          contentId?: string;
          contentDisposition?: string;
        };
        const contentType = (attachment.contentType ?? 'application/octet-stream').toLowerCase();
        const contentId = attachment.contentId ? attachment.contentId.trim().replace(/^<|>$/g, '') : null;
        const entry: InboundAttachment = { fileName: cleanLine(attachment.filename ?? ''), contentType, size: 0, contentId };
        if (isForwardedPart(entry) && attachment.contentDisposition?.toLowerCase() === 'inline') result.inlineMessages.add(entry);
        const keep = DELIVERY_STATUS_TYPES.has(contentType) ? ([] as Buffer[]) : null;
        let kept = 0;
        // The content is kept (up to the size limit) to be stored encrypted with the message.
        let content: Buffer[] | null = keep ? null : [];
        attachment.content.on('data', (chunk: Buffer) => {
          entry.size += chunk.length;
          if (keep && kept < MAX_DELIVERY_STATUS_BYTES) {
            keep.push(chunk);
            kept += chunk.length;
          }
          if (content) {
            if (entry.size > MAX_KEPT_ATTACHMENT_BYTES) content = null;
            else content.push(chunk);
          }
        });
        attachment.content.on('end', () => {
          if (keep) result.deliveryStatus.push(Buffer.concat(keep).subarray(0, MAX_DELIVERY_STATUS_BYTES).toString('utf8'));
          else {
            if (content) entry.content = Buffer.concat(content);
            result.attachments.push(entry);
          }
          attachment.release();
        });
        attachment.content.on('error', () => attachment.release());
      } else if (data.type === 'text') {
        result.text = typeof data.text === 'string' ? data.text : '';
        result.html = typeof data.html === 'string' ? data.html : null;
        result.htmlConversionFailed = data.textConversionError !== undefined;
      }
    });
    parser.once('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    parser.once('end', () => {
      clearTimeout(timer);
      resolve(result);
    });
    parser.end(withReadableRawFileNames(raw));
  });
}

/** The header block only, for a second try when the whole mail defeats the parser. */
function headerBlockOf(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) : raw.length;
  return Buffer.concat([raw.subarray(0, Math.min(end, 256 * 1024)), Buffer.from('\r\n\r\n')]);
}

/** One line of text: folding and control characters become single spaces. */
export function cleanLine(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
}


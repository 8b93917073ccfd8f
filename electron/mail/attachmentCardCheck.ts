import { containsCardNumber } from '../../shared/cardMask';
import { decodeUnlabelled } from './japaneseCharsets';
import type { InboundAttachment } from './parseInboundMail';

/** Types and names of files that are text someone wrote or exported: a card number in them can be found. */
const TEXT_TYPES = /^(?:text\/|application\/(?:csv|x-csv|json|xml|rtf|x-yaml)\b)/i;
const TEXT_NAMES = /\.(?:txt|csv|tsv|json|xml|html?|log|md|rtf|ics|vcf|ya?ml)$/i;

/**
 * The policy keeps no card data, and a text attachment cannot be masked without changing the
 * file the customer sent: one that holds a card number is not kept at all, only its name and
 * size, flagged `withheld` (staff ask the customer for it without the number). Binary files (PDF,
 * images, office documents) cannot be read here and are kept as they are.
 */
export function withholdIfCardNumber(attachment: InboundAttachment): void {
  if (!attachment.content || attachment.withheld) return;
  if (!TEXT_TYPES.test(attachment.contentType) && !TEXT_NAMES.test(attachment.fileName)) return;
  if (containsCardNumber(textOf(attachment.content))) {
    delete attachment.content;
    attachment.withheld = true;
  }
}

function textOf(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return decodeUnlabelled(bytes);
}

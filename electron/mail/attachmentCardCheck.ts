import { unzipSync } from 'fflate';
import { containsCardNumber } from '../../shared/cardMask';
import { htmlContainsCardNumber } from '../../shared/htmlCardMask';
import { decodeUnlabelled } from './japaneseCharsets';
import type { InboundAttachment } from './parseInboundMail';
import { pdfTextOf } from './pdfText';

/** Types and names of files that are text someone wrote or exported: a card number in them can be found. */
const TEXT_TYPES = /^(?:text\/|application\/(?:csv|x-csv|json|xml|rtf|x-yaml)\b)/i;
const HTML_TYPES = /^(?:text\/html|application\/xhtml\+xml)\b/i;
const HTML_NAMES = /\.(?:html?|xhtml)$/i;
const TEXT_NAMES = /\.(?:txt|csv|tsv|json|xml|html?|log|md|rtf|ics|vcf|ya?ml)$/i;

/** Office documents (Word, Excel, PowerPoint; OpenDocument): zip files of XML. */
const OFFICE_TYPES = /^application\/(?:vnd\.openxmlformats-officedocument\.|vnd\.oasis\.opendocument\.|vnd\.ms-excel\.sheet\.macroenabled|vnd\.ms-word\.document\.macroenabled)/i;
const OFFICE_NAMES = /\.(?:docx|docm|xlsx|xlsm|pptx|pptm|odt|ods|odp)$/i;
/** The parts of such a document that hold what was written: text, cells, slides, notes. */
const OFFICE_TEXT_PARTS = /^(?:word\/(?:document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml|xl\/(?:sharedStrings|worksheets\/sheet\d+|comments\d*)\.xml|ppt\/(?:slides\/slide\d+|notesSlides\/notesSlide\d+)\.xml|content\.xml)$/;
/** A document whose text parts unpack to more than this is not read (a zip bomb); it is kept as it came. */
const MAX_OFFICE_TEXT_BYTES = 64 * 1024 * 1024;

/**
 * The policy keeps no card data, and an attachment cannot be masked without changing the file
 * the customer sent: one that holds a card number is not kept at all, only its name and size,
 * flagged `withheld` (staff ask the customer for it without the number). Text files, office
 * documents (the text of Word, Excel and PowerPoint files, OpenDocument, and the .doc, .xls and
 * .ppt of before 2007), PDFs (their text layer) and the files in a zip archive are read; images,
 * and PDFs that are only scanned pictures or locked with a password, cannot be read here and are
 * kept as they are.
 */
export async function withholdIfCardNumber(attachment: InboundAttachment): Promise<void> {
  const content = attachment.content;
  if (!content || attachment.withheld) return;
  if (await holdsCardNumber(attachment.fileName, attachment.contentType, content, true)) {
    delete attachment.content;
    attachment.withheld = true;
  }
}

async function holdsCardNumber(fileName: string, contentType: string, content: Buffer, unpackArchive: boolean): Promise<boolean> {
  if (unpackArchive && (ARCHIVE_TYPES.test(contentType) || ARCHIVE_NAMES.test(fileName))) {
    const entries = archiveEntriesOf(content);
    if (entries) {
      // Each file in it as if it came on its own (a zip in the zip is not opened).
      for (const [name, bytes] of entries) if (await holdsCardNumber(name, '', bytes, false)) return true;
      return false;
    }
  }
  if (isHtmlFile(fileName, contentType)) return htmlFileHoldsCardNumber(content);
  const text =
    TEXT_TYPES.test(contentType) || TEXT_NAMES.test(fileName)
      ? textOf(content)
      : OFFICE_TYPES.test(contentType) || OFFICE_NAMES.test(fileName)
        ? officeTextOf(content)
        : // Whatever its label: a PDF or an Office file of before 2007 is known by its first bytes, and anything else reads as null.
          (compoundFileTextOf(content) ?? (await pdfTextOf(content)));
  return text !== null && containsCardNumber(text);
}

/** An HTML file, by its type or its name. */
export function isHtmlFile(fileName: string, contentType: string): boolean {
  return HTML_TYPES.test(contentType) || HTML_NAMES.test(fileName);
}

/** An HTML file is read as a browser shows it: "4111&nbsp;1111…", a number split over table cells, or finished by its CSS. */
export function htmlFileHoldsCardNumber(content: Buffer): boolean {
  const text = textOf(content);
  return containsCardNumber(text) || htmlContainsCardNumber(text);
}

/** Zip archives, whose files are read each as an attachment of its own. */
const ARCHIVE_TYPES = /^application\/(?:zip|x-zip-compressed|x-zip)\b/i;
const ARCHIVE_NAMES = /\.zip$/i;

/** The files in a zip archive, up to MAX_OFFICE_TEXT_BYTES in all (a zip bomb is read no further); null when it is not a readable zip. */
function archiveEntriesOf(bytes: Buffer): Array<[string, Buffer]> | null {
  try {
    let total = 0;
    const files = unzipSync(bytes, {
      filter: (file) => {
        total += file.originalSize;
        return !file.name.endsWith('/') && total <= MAX_OFFICE_TEXT_BYTES;
      },
    });
    return Object.entries(files).map(([name, data]) => [name, Buffer.from(data)]);
  } catch {
    return null;
  }
}

/** Word, Excel and PowerPoint files of before 2007 (.doc, .xls, .ppt): OLE compound files, known by their first bytes. */
const COMPOUND_FILE = Buffer.from('d0cf11e0a1b11ae1', 'hex');

/**
 * The text of such a file, as well as it can be read without taking its format apart: what was
 * typed is stored as it was, a byte a character or UTF-16, so the bytes are read both ways (UTF-16
 * from an odd byte too). What is not text reads as characters that keep runs of digits apart.
 */
function compoundFileTextOf(bytes: Buffer): string | null {
  if (bytes.length < COMPOUND_FILE.length || !bytes.subarray(0, COMPOUND_FILE.length).equals(COMPOUND_FILE)) return null;
  return [bytes.toString('latin1'), bytes.toString('utf16le'), bytes.subarray(1).toString('utf16le')].join('\n');
}

/**
 * The words of an office document, a line per paragraph, cell or slide line (so that numbers in
 * neighbouring cells do not run together); null when it is not a readable zip.
 */
function officeTextOf(bytes: Buffer): string | null {
  let parts: Record<string, Uint8Array>;
  try {
    let total = 0;
    parts = unzipSync(bytes, {
      filter: (file) => {
        if (!OFFICE_TEXT_PARTS.test(file.name)) return false;
        total += file.originalSize;
        return total <= MAX_OFFICE_TEXT_BYTES;
      },
    });
  } catch {
    return null;
  }
  return Object.values(parts)
    .map((xml) =>
      Buffer.from(xml)
        .toString('utf8')
        .replace(/<\/(?:w:p|w:tc|a:p|si|c|text:p|text:h|table:table-cell)>/g, '\n')
        // Digits, spaces and hyphens are never written as entities: those need no decoding here.
        .replace(/<[^>]*>/g, ''),
    )
    .join('\n');
}

function textOf(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return decodeUnlabelled(bytes);
}

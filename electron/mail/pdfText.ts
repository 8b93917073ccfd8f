/**
 * The text of a PDF, read with Mozilla's pdf.js (the reader browsers use on untrusted PDFs), so
 * that a card number written in one can be found (see attachmentCardCheck.ts). pdf.js is loaded
 * on the first PDF only: most mail has none. Version 4: version 5 needs a native canvas module
 * just to load, which the bundled worker threads cannot use.
 */

/** Pages read at most: a card number in a form or a scan's text layer sits on its first pages. */
const MAX_PAGES = 50;
/** PDF files start with this, within their first kilobyte (ISO 32000-1, 7.5.2; readers allow some bytes before it). */
const PDF_HEADER = Buffer.from('%PDF-');

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let loading: Promise<PdfJs | null> | null = null;

/**
 * pdf.js, with its worker code run on this thread (it is already off the main thread during a
 * sync); null when it cannot be loaded, so that no mail becomes unreadable because of it.
 */
function loadPdfJs(): Promise<PdfJs | null> {
  loading ??= (async () => {
    // On load pdf.js says, on the console, that it cannot draw pages here (no canvas): reading
    // text needs none, and a worker's console is the app's output, so those lines are dropped.
    const log = console.log;
    console.log = (...args: unknown[]) => {
      if (!(typeof args[0] === 'string' && args[0].startsWith('Warning: '))) log(...args);
    };
    try {
      (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
      return await import('pdfjs-dist/legacy/build/pdf.mjs');
    } catch {
      return null;
    } finally {
      console.log = log;
    }
  })();
  return loading;
}

function looksLikePdf(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes(PDF_HEADER);
}

/**
 * The words of a PDF's first pages, a line per line of text; null when it is not a PDF or cannot
 * be read (damaged, or locked with a password). The bytes are not changed.
 */
export async function pdfTextOf(bytes: Uint8Array): Promise<string | null> {
  if (!looksLikePdf(bytes)) return null;
  const pdfjs = await loadPdfJs();
  if (!pdfjs) return null;
  const task = pdfjs.getDocument({
    // pdf.js may take the memory it is given: it reads a copy, and the attachment stays whole.
    data: new Uint8Array(bytes),
    // Nothing from the file runs or is fetched: no compiled fonts, no system fonts, no network.
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  try {
    const pdf = await task.promise;
    const lines: string[] = [];
    for (let number = 1; number <= Math.min(pdf.numPages, MAX_PAGES); number++) {
      const page = await pdf.getPage(number);
      const content = await page.getTextContent();
      let line = '';
      for (const item of content.items) {
        if (!('str' in item)) continue;
        line += item.str;
        if (item.hasEOL) {
          lines.push(line);
          line = '';
        }
      }
      lines.push(line);
      page.cleanup();
    }
    return lines.join('\n');
  } catch {
    return null;
  } finally {
    await task.destroy();
  }
}

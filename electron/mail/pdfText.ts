/**
 * The text of a PDF, read with PDFium (the PDF engine of Chrome, built for untrusted files)
 * compiled to WebAssembly, so that a card number written in one can be found (see
 * attachmentCardCheck.ts). The file's bytes are only ever inside PDFium's own memory, and nothing
 * in a PDF runs: no form or script environment is set up. PDFium carries Adobe's character maps,
 * so Japanese text in a font a PDF names but does not embed reads too. It is loaded on the first
 * PDF only: most mail has none.
 *
 * pdf.js read them before: in the sync benchmark it took about a third of the parse worker's time,
 * most of it JavaScript being compiled on a fresh thread; PDFium reads the same PDFs with about a
 * third of the processor time and a quarter of the memory (see the README's benchmark section).
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { init, type WrappedPdfiumModule } from '@embedpdf/pdfium';

/** Pages read at most: a card number in a form or a scan's text layer sits on its first pages. */
const MAX_PAGES = 50;
/** PDF files start with this, within their first kilobyte (ISO 32000-1, 7.5.2; readers allow some bytes before it). */
const PDF_HEADER = Buffer.from('%PDF-');
/**
 * WebAssembly memory grows and never shrinks: after a PDF that needed more than this, the
 * instance is let go (and a fresh one loaded for the next PDF), so one huge file does not keep
 * its memory on the thread for the rest of the session.
 */
const MAX_KEPT_MEMORY = 128 * 1024 * 1024;

let loading: Promise<WrappedPdfiumModule | null> | null = null;

/** PDFium, ready to read; null when it cannot be loaded, so that no mail becomes unreadable because of it. */
function loadPdfium(): Promise<WrappedPdfiumModule | null> {
  loading ??= (async () => {
    try {
      const wasm = readFileSync(wasmFile());
      const pdfium = await init({
        wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength),
        // What PDFium says about a damaged file is not the app's output (nor its log's).
        print: () => undefined,
        printErr: () => undefined,
      });
      pdfium.PDFiumExt_Init();
      return pdfium;
    } catch {
      return null;
    }
  })();
  return loading;
}

/**
 * PDFium's WebAssembly file, beside the package's code in node_modules. Bundled code (CommonJS)
 * resolves from where it lies; source run as ES modules (tests, scripts) from the working folder.
 */
function wasmFile(): string {
  const resolvers = [() => require.resolve('@embedpdf/pdfium/pdfium.wasm'), () => createRequire(join(process.cwd(), 'package.json')).resolve('@embedpdf/pdfium/pdfium.wasm')];
  for (const resolve of resolvers) {
    try {
      return resolve();
    } catch {
      // Try the next way.
    }
  }
  throw new Error('PDFium (@embedpdf/pdfium/pdfium.wasm) is not installed');
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
  const pdfium = await loadPdfium();
  if (!pdfium) return null;
  try {
    return readText(pdfium, bytes);
  } catch {
    // PDFium stopped inside (a trap): its memory may be in any state, so the next PDF gets a fresh one.
    loading = null;
    return null;
  } finally {
    if (pdfium.pdfium.HEAPU8.byteLength > MAX_KEPT_MEMORY) loading = null;
  }
}

function readText(pdfium: WrappedPdfiumModule, bytes: Uint8Array): string | null {
  const { malloc, free } = pdfium.pdfium.wasmExports;
  // PDFium reads the document from this memory for as long as it is open.
  const data = malloc(bytes.byteLength);
  if (!data) return null;
  try {
    pdfium.pdfium.HEAPU8.set(bytes, data);
    // No password: a locked PDF does not open, and reads as null.
    const document = pdfium.FPDF_LoadMemDocument(data, bytes.byteLength, '');
    if (!document) return null;
    try {
      const pages: string[] = [];
      const count = Math.min(pdfium.FPDF_GetPageCount(document), MAX_PAGES);
      for (let index = 0; index < count; index++) pages.push(pageText(pdfium, document, index));
      return pages.join('\n');
    } finally {
      pdfium.FPDF_CloseDocument(document);
    }
  } finally {
    free(data);
  }
}

/** A page's text as PDFium lays it out, its lines ended by "\n" (PDFium writes "\r\n"). */
function pageText(pdfium: WrappedPdfiumModule, document: number, index: number): string {
  const page = pdfium.FPDF_LoadPage(document, index);
  if (!page) return '';
  const text = pdfium.FPDFText_LoadPage(page);
  try {
    const count = text ? pdfium.FPDFText_CountChars(text) : 0;
    if (count <= 0) return '';
    const { malloc, free } = pdfium.pdfium.wasmExports;
    // UTF-16 code units, and the terminating zero PDFium writes.
    const buffer = malloc((count + 1) * 2);
    if (!buffer) return '';
    try {
      // Read by length, not up to the first zero: a stray U+0000 must not hide the text after it.
      const written = Math.max(0, pdfium.FPDFText_GetText(text, 0, count, buffer) - 1);
      return Buffer.from(pdfium.pdfium.HEAPU8.buffer, buffer, written * 2).toString('utf16le').replace(/\r\n?/g, '\n');
    } finally {
      free(buffer);
    }
  } finally {
    if (text) pdfium.FPDFText_ClosePage(text);
    pdfium.FPDF_ClosePage(page);
  }
}

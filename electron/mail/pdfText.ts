/**
 * The text of a PDF, read with Mozilla's pdf.js (the reader browsers use on untrusted PDFs), so
 * that a card number written in one can be found (see attachmentCardCheck.ts). pdf.js is loaded
 * on the first PDF only: most mail has none. Version 4: version 5 needs a native canvas module
 * just to load, which the bundled worker threads cannot use.
 */

import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';

/** Pages read at most: a card number in a form or a scan's text layer sits on its first pages. */
const MAX_PAGES = 50;
/** PDF files start with this, within their first kilobyte (ISO 32000-1, 7.5.2; readers allow some bytes before it). */
const PDF_HEADER = Buffer.from('%PDF-');

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
/** pdf.js, and the one pdf.js "worker" (here, on this thread) that every PDF is read through. */
type Reader = { pdfjs: PdfJs; worker: InstanceType<PdfJs['PDFWorker']>; characterMaps: string | null };
let loading: Promise<Reader | null> | null = null;

/**
 * pdf.js, with its worker code run on this thread (it is already off the main thread during a
 * sync); null when it cannot be loaded, so that no mail becomes unreadable because of it.
 */
function loadPdfJs(): Promise<Reader | null> {
  loading ??= (async () => {
    // On load pdf.js says, on the console, that it cannot draw pages here (no canvas): reading
    // text needs none, and a worker's console is the app's output, so those lines are dropped.
    const log = console.log;
    console.log = (...args: unknown[]) => {
      if (!(typeof args[0] === 'string' && args[0].startsWith('Warning: '))) log(...args);
    };
    try {
      const pdfjs = await keepingBuiltIns(async () => {
        (globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
        return import('pdfjs-dist/legacy/build/pdf.mjs');
      });
      // Set up once, rather than again for every PDF.
      return { pdfjs, worker: new pdfjs.PDFWorker({ verbosity: pdfjs.VerbosityLevel.ERRORS }), characterMaps: characterMapsFolder() };
    } catch {
      return null;
    } finally {
      console.log = log;
    }
  })();
  return loading;
}

/** The built-in objects whose properties are put back after pdf.js loads (see keepingBuiltIns). */
const BUILT_INS: object[] = [
  globalThis,
  Object,
  Object.prototype,
  Function.prototype,
  Array,
  Array.prototype,
  String,
  String.prototype,
  Number,
  Number.prototype,
  Promise,
  Promise.prototype,
  Map.prototype,
  Set.prototype,
  JSON,
  Math,
  RegExp.prototype,
  ArrayBuffer.prototype,
  Uint8Array.prototype,
  Object.getPrototypeOf(Uint8Array.prototype) as object,
];

/**
 * Runs `load` and then puts back every built-in it replaced. pdf.js's build for Node carries
 * core-js, which on load replaces some of Node's own built-ins with slower JavaScript versions
 * (Array.prototype.push, JSON.parse, MessageChannel, DOMException and Function.prototype.toString
 * in pdf.js 4.10): that would slow down and change everything else on the thread that reads a
 * PDF. What it adds that Node lacks (Promise.withResolvers, Set methods…) stays, as pdf.js needs
 * it, except `self`, by which other libraries take Node for a browser.
 */
async function keepingBuiltIns<T>(load: () => Promise<T>): Promise<T> {
  const before = BUILT_INS.map((target) => new Map(Reflect.ownKeys(target).map((key) => [key, Object.getOwnPropertyDescriptor(target, key) as PropertyDescriptor])));
  const hadSelf = 'self' in globalThis;
  try {
    return await load();
  } finally {
    BUILT_INS.forEach((target, i) => {
      for (const [key, was] of before[i] as Map<PropertyKey, PropertyDescriptor>) {
        const now = Object.getOwnPropertyDescriptor(target, key);
        if (!now || !Object.is(now.value, was.value) || now.get !== was.get || now.set !== was.set) Object.defineProperty(target, key, was);
      }
    });
    if (!hadSelf) delete (globalThis as { self?: unknown }).self;
  }
}

/**
 * The folder of pdf.js's character maps, which it needs to read text in Japanese fonts that a PDF
 * names but does not embed (without them such text reads as nothing); null where it is not found.
 * Bundled code (CommonJS) resolves from where it lies; source run as ES modules from the working folder.
 */
function characterMapsFolder(): string | null {
  const resolvers = [() => require.resolve('pdfjs-dist/package.json'), () => createRequire(join(process.cwd(), 'package.json')).resolve('pdfjs-dist/package.json')];
  for (const resolve of resolvers) {
    try {
      return join(dirname(resolve()), 'cmaps') + sep;
    } catch {
      // Try the next way.
    }
  }
  return null;
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
  const reader = await loadPdfJs();
  if (!reader) return null;
  const { pdfjs, worker, characterMaps } = reader;
  const task = pdfjs.getDocument({
    worker,
    ...(characterMaps ? { cMapUrl: characterMaps, cMapPacked: true } : {}),
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
      // Normalising (NFKC) would only turn full-width digits into ASCII, which the card check reads either way.
      const content = await page.getTextContent({ disableNormalization: true });
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

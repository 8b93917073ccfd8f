/** pdf.js's worker code, loaded on the thread that reads the PDF (see pdfText.ts); pdfjs-dist ships no types for it. */
declare module 'pdfjs-dist/legacy/build/pdf.worker.mjs' {
  export const WorkerMessageHandler: unknown;
}

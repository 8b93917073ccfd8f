import { describe, expect, it } from 'vitest';
import { pdfTextOf } from '../../electron/mail/pdfText';
import { pdfFile, pdfWithUnembeddedJapaneseFont } from '../support/pdfFixtures';

// Taken before pdf.js is first loaded (on the first PDF read, not on import): this file runs in a process of its own.
const ownBuiltIns = () => ({
  push: Array.prototype.push,
  parse: JSON.parse,
  toString: Function.prototype.toString,
  MessageChannel: globalThis.MessageChannel,
  DOMException: globalThis.DOMException,
});
const before = ownBuiltIns();
const hadSelf = 'self' in globalThis;

describe('reading the text of PDFs', () => {
  it('reads the text of every page, a line per line', async () => {
    expect(await pdfTextOf(await pdfFile([['Application form', 'Card number: 4111 1111 1111 1111'], ['Page two']]))).toBe('Application form\nCard number: 4111 1111 1111 1111\nPage two');
  });

  it('reads Japanese text in a font the PDF names but does not embed (with pdf.js\'s character maps)', async () => {
    const text = 'カード番号：４１１１－１１１１－１１１１－１１１１';
    expect(await pdfTextOf(pdfWithUnembeddedJapaneseFont(text))).toBe(text);
  });

  it("leaves Node's own built-ins as they were, though pdf.js's core-js replaces some of them on load", () => {
    expect(ownBuiltIns()).toEqual(before);
    expect(Array.prototype.push.toString()).toContain('[native code]');
    expect('self' in globalThis).toBe(hadSelf);
    // What Node 20 lacks and pdf.js needs stays.
    expect(typeof (Promise as { withResolvers?: unknown }).withResolvers).toBe('function');
  });

  it('reads nothing from what is no PDF, or a PDF cut short', async () => {
    const whole = await pdfFile([['Card number: 4111 1111 1111 1111']]);
    expect(await pdfTextOf(Buffer.from('just text 4111 1111 1111 1111'))).toBeNull();
    expect(await pdfTextOf(whole.subarray(0, Math.floor(whole.length / 3)))).toBeNull();
  });
});

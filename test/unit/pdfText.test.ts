import { describe, expect, it } from 'vitest';
import { pdfTextOf } from '../../electron/mail/pdfText';
import { encryptedPdf, pdfFile, pdfWithUnembeddedJapaneseFont } from '../support/pdfFixtures';

describe('reading the text of PDFs', () => {
  it('reads the text of every page, a line per line', async () => {
    expect(await pdfTextOf(await pdfFile([['Application form', 'Card number: 4111 1111 1111 1111'], ['Page two']]))).toBe('Application form\nCard number: 4111 1111 1111 1111\nPage two');
  });

  it('reads Japanese text in a font the PDF names but does not embed (with the character maps PDFium carries)', async () => {
    const text = 'カード番号：４１１１－１１１１－１１１１－１１１１';
    expect(await pdfTextOf(pdfWithUnembeddedJapaneseFont(text))).toBe(text);
  });

  it('reads a PDF that only an owner password restricts, and nothing from one locked with a password to open it', async () => {
    expect(await pdfTextOf(encryptedPdf('Card 4111 1111 1111 1111', { user: '', owner: 'owner-secret' }))).toBe('Card 4111 1111 1111 1111');
    expect(await pdfTextOf(encryptedPdf('Card 4111 1111 1111 1111', { user: 'open-secret', owner: 'owner-secret' }))).toBeNull();
  });

  it('reads nothing from what is no PDF, or a PDF cut short', async () => {
    const whole = await pdfFile([['Card number: 4111 1111 1111 1111']]);
    expect(await pdfTextOf(Buffer.from('just text 4111 1111 1111 1111'))).toBeNull();
    expect(await pdfTextOf(whole.subarray(0, Math.floor(whole.length / 3)))).toBeNull();
  });
});

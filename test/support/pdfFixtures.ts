import { PDFDocument, StandardFonts } from 'pdf-lib';

/** A PDF with a page per entry, each line drawn as its own run of text (or, with sameLine, side by side). */
export async function pdfFile(pages: string[][], options: { sameLine?: boolean } = {}): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage();
    let x = 50;
    let y = 700;
    for (const line of lines) {
      page.drawText(line, { x, y, size: 12, font });
      if (options.sameLine) x += font.widthOfTextAtSize(line, 12);
      else y -= 20;
    }
  }
  return Buffer.from(await doc.save());
}

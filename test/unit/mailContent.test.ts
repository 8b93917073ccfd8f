import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { MAX_KEPT_ATTACHMENT_BYTES, parseInboundMail } from '../../electron/mail/parseInboundMail';

const build = (options: ConstructorParameters<typeof MailComposer>[0]) => new MailComposer({ date: new Date('2026-11-24T00:00:00Z'), ...options }).compile().build();

describe('what a parsed mail keeps of its HTML and attachments', () => {
  it.each([false, true])('keeps the HTML part, attachment bytes and Content-IDs (full parser: %s)', async (fullParser) => {
    const raw = await build({
      from: 'a@example.jp',
      to: 'support@toot.example',
      subject: 'x',
      text: '本文',
      html: '<p>本文</p><img src="cid:img1@x">',
      attachments: [
        { filename: '写真.png', content: Buffer.from([1, 2, 3]), contentType: 'image/png', cid: 'img1@x' },
        { filename: 'a.pdf', content: Buffer.from('%PDF'), contentType: 'application/pdf' },
      ],
    });
    const mail = await parseInboundMail(raw, '2026-11-24T00:00:00Z', { fullParser });
    expect(mail.html).toContain('<img src="cid:img1@x">');
    const byName = new Map(mail.attachments.map((a) => [a.fileName, a]));
    expect(byName.get('写真.png')).toMatchObject({ contentId: 'img1@x', size: 3, contentType: 'image/png' });
    expect(byName.get('写真.png')!.content).toEqual(Buffer.from([1, 2, 3]));
    expect(byName.get('a.pdf')!.content?.toString()).toBe('%PDF');
  });

  it('names and sizes an attachment over the limit but does not keep its bytes', async () => {
    const big = Buffer.alloc(MAX_KEPT_ATTACHMENT_BYTES + 1, 7);
    const raw = await build({ from: 'a@example.jp', to: 'b@example.jp', subject: 'big', text: 't', attachments: [{ filename: 'big.bin', content: big }] });
    const mail = await parseInboundMail(raw, '2026-11-24T00:00:00Z');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]).toMatchObject({ fileName: 'big.bin', size: big.length });
    expect(mail.attachments[0]!.content).toBeUndefined();
  });

  it('does not keep the bytes of the last attachment of a mail cut short', async () => {
    const raw = await build({ from: 'a@example.jp', to: 'b@example.jp', subject: 'cut', text: 't', attachments: [{ filename: 'c.bin', content: Buffer.alloc(200_000, 1) }] });
    const mail = await parseInboundMail(raw.subarray(0, raw.length - 50_000), '2026-11-24T00:00:00Z');
    expect(mail.attachments[0]?.fileName).toBe('c.bin');
    expect(mail.attachments[0]!.content).toBeUndefined();
  });

  it('reads a mail padded with a long run of spaces (in the sender\'s name, and in a line of its text) in time that grows with it', async () => {
    // Built to be slow: each pattern tried from every blank of the run took its length squared (minutes for this one).
    const spaces = ' '.repeat(300_000);
    const raw = Buffer.from(`From: a${spaces}b <x@example.jp>\r\nTo: support@toot.example\r\nSubject: s\r\nMessage-ID: <pad@example.jp>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nbody${spaces}x\r\nend   \r\n`);
    const mail = await parseInboundMail(raw, '2026-11-24T00:00:00Z');
    expect(mail.fromAddress).toBe('x@example.jp');
    expect(mail.text).toBe(`body${spaces}x\nend`);
  });

  it('keeps the last attachment of a whole mail whose mailer left out the closing boundary', async () => {
    const content = Buffer.alloc(20_000, 7);
    const raw = await build({ from: 'a@example.jp', to: 'b@example.jp', subject: 'no end', text: 't', attachments: [{ filename: 'whole.bin', content }] });
    const boundary = /boundary="?([^";\r\n]+)"?/.exec(raw.toString('latin1'))![1]!;
    const withoutClosing = Buffer.from(raw.toString('latin1').replace(`--${boundary}--`, ''), 'latin1');
    expect(withoutClosing.includes(`--${boundary}--`)).toBe(false);
    const mail = await parseInboundMail(withoutClosing, '2026-11-24T00:00:00Z');
    expect(mail.attachments[0]?.fileName).toBe('whole.bin');
    expect(Buffer.from(mail.attachments[0]!.content!).equals(content)).toBe(true);
  });
});

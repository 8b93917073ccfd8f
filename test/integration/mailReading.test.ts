import { ImapFlow } from 'imapflow';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import type { DovecotServer } from '../support/dovecot';
import { testMailAccount } from '../support/mailAccount';
import { japaneseMail } from '../support/mailFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { useSupportMailbox } from '../support/supportMailbox';
import type { TestApp } from '../support/testApp';

/** A mail as Outlook or Gmail builds it: text + HTML alternative, inline image, attachments. */
async function composedMail(options: ConstructorParameters<typeof MailComposer>[0]): Promise<Buffer> {
  return new MailComposer({ date: new Date(), ...options }).compile().build();
}

const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('reading HTML mail and attachments, and replying with quote, signature, templates and a Sent copy', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let accountId: number;
  useSupportMailbox((mailbox) => ({ dovecot, smtp, t, accountId } = mailbox));

  const accountInput = () => testMailAccount(dovecot, smtp);

  it('keeps the HTML part (card numbers masked) next to the text, unsanitised for the renderer to clean', async () => {
    await dovecot.appendMail(
      await composedMail({
        from: '山田花子 <hanako@example.jp>',
        to: 'support@toot.example',
        subject: 'HTMLのお問い合わせ',
        messageId: '<html-1@example.jp>',
        text: '注文の件です。カード 4111 1111 1111 1111',
        html: '<p>注文の件です。<b>カード 4111 1111 1111 1111</b></p><img src="https://tracker.example/p.gif"><script>alert(1)</script>',
      }),
    );
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const [message] = (await t.call('inquiries.get', { id: inquiry!.id })).messages;
    expect(message!.body).toContain('**** **** **** 1111');
    expect(message!.html).toContain('<b>カード **** **** **** 1111</b>');
    expect(message!.html).not.toContain('4111 1111 1111 1111');
    expect(message!.attachments).toEqual([]);
  });

  it('masks card numbers in HTML as they read on screen: spelled with &nbsp;, split over tags, as character references, finished by CSS; and in the text made from HTML-only mail', async () => {
    const html =
      '<p>1: 4111&nbsp;1111&nbsp;1111&nbsp;1111</p><p>2: <span>5555</span><span>5555</span><span>5555</span><span>4444</span></p><p>3: &#52;&#48;&#49;&#50; 8888 8888 1881</p>' +
      // CSS finishes the number on screen, from where no text masker looks.
      '<style>.n::after{content:" 1111"}</style><p class=n>4: 4111 1111 1111</p>';
    await dovecot.appendMail(await composedMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: 'HTMLだけのメール', messageId: '<html-only@example.jp>', html }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const [message] = (await t.call('inquiries.get', { id: inquiry!.id })).messages;
    const onScreen = (s: string) => s.replace(/<[^>]*>/g, '').replace(/&nbsp;/g, ' ').replace(/&#(\d+);/g, (_, d: string) => String.fromCharCode(Number(d)));
    const digits = (s: string) => s.split(/\d:/).slice(1).map((part) => part.replace(/\D/g, ''));
    expect(digits(onScreen(message!.html!))).toEqual(['1111', '4444', '1881', '411111111111']);
    expect(message!.html).toContain('<style>.n::after{content: none}</style>');
    expect(digits(message!.body)).toEqual(['1111', '4444', '1881', '411111111111']);
  });

  it('stores attachments encrypted, flags dangerous ones, records oversize ones without content, and serves them for download', async () => {
    const big = Buffer.alloc(25 * 1024 * 1024 + 10, 0x41);
    await dovecot.appendMail(
      await composedMail({
        from: 'hanako@example.jp',
        to: 'support@toot.example',
        subject: '添付ファイル',
        messageId: '<attach-1@example.jp>',
        text: '見積書と写真を送ります',
        html: '<p>写真: <img src="cid:photo-1@example.jp"></p>',
        attachments: [
          { filename: '見積書.pdf', content: Buffer.from('%PDF-1.4 見積'), contentType: 'application/pdf' },
          { filename: 'invoice.exe', content: Buffer.from('MZ...'), contentType: 'application/octet-stream' },
          { filename: 'マクロ.xlsm', content: Buffer.from('PK'), contentType: 'application/vnd.ms-excel.sheet.macroEnabled.12' },
          { filename: 'カード4111111111111111.txt', content: 'x', contentType: 'text/plain' },
          { filename: 'photo.png', content: PNG_1PX, contentType: 'image/png', cid: 'photo-1@example.jp' },
          { filename: 'huge.bin', content: big, contentType: 'application/octet-stream' },
        ],
      }),
    );
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const [message] = (await t.call('inquiries.get', { id: inquiry!.id })).messages;
    const byName = new Map(message!.attachments!.map((a) => [a.fileName, a]));
    expect([...byName.keys()].sort()).toEqual(['見積書.pdf', 'invoice.exe', 'マクロ.xlsm', 'カード************1111.txt', 'photo.png', 'huge.bin'].sort());
    expect(byName.get('見積書.pdf')).toMatchObject({ dangerous: false, kept: true, contentType: 'application/pdf' });
    expect(byName.get('invoice.exe')).toMatchObject({ dangerous: true, kept: true });
    expect(byName.get('マクロ.xlsm')).toMatchObject({ dangerous: true });
    expect(byName.get('photo.png')).toMatchObject({ contentId: 'photo-1@example.jp', kept: true, dangerous: false });
    // Over the limit (here: so big that the sync fetches only the mail's head): named and sized, not kept.
    expect(byName.get('huge.bin')).toMatchObject({ kept: false });
    expect(byName.get('huge.bin')!.size).toBeGreaterThan(20 * 1024 * 1024);

    const pdf = await t.call('attachments.download', { id: byName.get('見積書.pdf')!.id });
    expect(pdf).toMatchObject({ fileName: '見積書.pdf', contentType: 'application/pdf' });
    expect(Buffer.from(pdf.base64, 'base64').toString()).toBe('%PDF-1.4 見積');
    const photo = await t.call('attachments.download', { id: byName.get('photo.png')!.id });
    expect(Buffer.from(photo.base64, 'base64').equals(PNG_1PX)).toBe(true);
    await expect(t.call('attachments.download', { id: byName.get('huge.bin')!.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/larger than the size limit/),
    });

    // Kept across a relaunch: the content is in the encrypted database, not in memory.
    await t.restart();
    const again = await t.call('attachments.download', { id: byName.get('invoice.exe')!.id });
    expect(Buffer.from(again.base64, 'base64').toString()).toBe('MZ...');
    // A file whose content was never kept has nothing to delete, and says so.
    await expect(t.call('attachments.remove', { id: byName.get('huge.bin')!.id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The content of "huge.bin" is not kept: there is nothing to delete.',
    });
  });

  it('deletes, on staff\'s word, a kept file that shows card data the app could not read, and records who did it', async () => {
    await dovecot.appendMail(
      await composedMail({
        from: 'hanako@example.jp',
        to: 'support@toot.example',
        subject: 'カードの写真を送ります',
        messageId: '<card-photo@example.jp>',
        text: '写真を添付します。',
        attachments: [
          { filename: 'card.png', content: PNG_1PX, contentType: 'image/png' },
          { filename: 'receipt.png', content: PNG_1PX, contentType: 'image/png' },
        ],
      }),
    );
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const attachments = async () => (await t.call('inquiries.get', { id: inquiry!.id })).messages[0]!.attachments!;
    const [card, receipt] = await attachments();
    expect(card).toMatchObject({ fileName: 'card.png', kept: true });

    const removed = await t.call('attachments.remove', { id: card!.id });
    // kept: false is the database's own word: the content column is empty (length(content) is null).
    expect(removed).toMatchObject({ fileName: 'card.png', size: PNG_1PX.length, kept: false, withheld: true, removedBy: '佐藤', removedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    await expect(t.call('attachments.download', { id: card!.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^"card\.png" was deleted by 佐藤 on \d{4}-\d{2}-\d{2} \d{2}:\d{2} because it held card data/),
    });
    // Only that file: the other stays, and the deletion outlives a relaunch.
    await t.restart();
    expect(await attachments()).toEqual([removed, receipt]);
    expect(Buffer.from((await t.call('attachments.download', { id: receipt!.id })).base64, 'base64').equals(PNG_1PX)).toBe(true);

    // Deleted again (pressed twice, or in two windows): answered as it is; the record of who deleted it stands.
    expect(await t.call('attachments.remove', { id: card!.id })).toEqual(removed);
    expect((await attachments())[0]).toEqual(removed);
    await expect(t.call('attachments.remove', { id: 999_999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('replies with the signature and the quoted original, and stores a copy in the Sent folder', async () => {
    await t.call('accounts.save', { id: accountId, ...accountInput(), imapPassword: undefined, signature: 'TOOT株式会社 お客様窓口\n03-0000-0000' });
    expect((await t.call('accounts.list', {}))[0]!.signature).toBe('TOOT株式会社 お客様窓口\n03-0000-0000');
    await dovecot.appendMail(
      Buffer.from(
        japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '返品について', text: '返品できますか。\n\nよろしくお願いします。', messageId: '<q1@example.jp>', date: 'Tue, 24 Nov 2026 01:05:00 +0000' }),
      ),
    );
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const reply = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '山田様\n返品を承ります。' });

    const expected = [
      '山田様\n返品を承ります。',
      'TOOT株式会社 お客様窓口\n03-0000-0000',
      '2026-11-24 10:05（日本時間）、山田花子様:\n> 返品できますか。\n>\n> よろしくお願いします。',
    ].join('\n\n');
    expect(reply.body).toBe(expected);
    const [captured] = await smtp.waitFor(1);
    expect((await simpleParser(captured!.raw)).text?.trim()).toBe(expected);

    expect(reply.sentCopy).toEqual({ folder: 'Sent', error: null });
    const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await client.connect();
    try {
      const lock = await client.getMailboxLock('Sent');
      try {
        const copies = [];
        for await (const m of client.fetch('1:*', { envelope: true, flags: true })) copies.push(m);
        expect(copies).toHaveLength(1);
        expect(copies[0]!.envelope?.messageId).toBe(reply.messageId);
        expect([...(copies[0]!.flags ?? [])]).toContain('\\Seen');
      } finally {
        lock.release();
      }
    } finally {
      await client.logout();
    }

    // Without quoting, only the text and the signature go out.
    const second = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '追伸です', quoteOriginal: false });
    expect(second.body).toBe('追伸です\n\nTOOT株式会社 お客様窓口\n03-0000-0000');

    // A reply written in English quotes under an English attribution line.
    const english = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: 'We accept the return.' });
    expect(english.body).toBe(
      ['We accept the return.', 'TOOT株式会社 お客様窓口\n03-0000-0000', 'On 2026-11-24 10:05 (Japan time), 山田花子 wrote:\n> 返品できますか。\n>\n> よろしくお願いします。'].join('\n\n'),
    );
  });

  it('sends the reply even when the Sent copy cannot be stored, and says why', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '質問', text: '質問です' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    await dovecot.stop();
    const reply = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '回答です', quoteOriginal: false });
    expect(reply.sentCopy?.folder).toBeNull();
    expect(reply.sentCopy?.error).toBeTruthy();
    expect(await smtp.waitFor(1)).toHaveLength(1);
    expect((await t.call('inquiries.get', { id: inquiry!.id })).inquiry.status).toBe('answered');
  });

  it('keeps canned replies in Japanese and English: create, edit, list and delete', async () => {
    // Every window is told of each change, so that no picker offers what is gone.
    let changes = 0;
    t.app.router.onPush((frame) => {
      if (frame.push === 'templates.changed') changes++;
    });
    const ja = await t.call('templates.save', { name: '返品の受付', language: 'ja', body: '{{customerName}}様\nお問い合わせ（{{inquiryNumber}}）ありがとうございます。担当: {{operator}}' });
    const en = await t.call('templates.save', { name: 'Return accepted', language: 'en', body: 'Dear {{customerName}},' });
    expect(ja).toMatchObject({ language: 'ja', updatedBy: '佐藤' });
    const edit = { id: en.id, name: 'Return accepted', language: 'en', before: { name: en.name, language: en.language, body: en.body } } as const;
    await t.call('templates.save', { ...edit, body: 'Dear {{customerName}}, thank you.' });
    // A second edit made from the same version (another window) does not overwrite the first unseen.
    await expect(t.call('templates.save', { ...edit, body: 'Dear {{customerName}}, regards.' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^The canned reply "Return accepted" was changed by 佐藤 since you opened it/) });
    await expect(t.call('templates.save', { id: en.id, name: 'x', language: 'en', body: 'y' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await t.call('templates.list', {})).map((x) => [x.language, x.name, x.body])).toEqual([
      ['en', 'Return accepted', 'Dear {{customerName}}, thank you.'],
      ['ja', '返品の受付', ja.body],
    ]);
    await expect(t.call('templates.save', { name: '誤記', language: 'ja', body: '{{customername}}様' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('{{customername}}') });
    await t.call('templates.remove', { id: ja.id });
    expect((await t.call('templates.list', {})).map((x) => x.id)).toEqual([en.id]);
    expect(changes).toBe(4);
    await expect(t.call('templates.remove', { id: ja.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

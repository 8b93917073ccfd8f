import { describe, expect, it } from 'vitest';
import type { DovecotServer } from '../support/dovecot';
import {
  attachedEmlWithAttachmentMail,
  forwardedCardFileMail,
  forwardedCardNumberMail,
  forwardedIso2022JpInlineMail,
  malformedForwardMail,
  nestedForwardMail,
} from '../support/forwardedMailFixtures';
import { inspectDatabase } from '../support/inspectDatabase';
import { useSupportMailbox } from '../support/supportMailbox';
import { TEST_PASSPHRASE, type TestApp } from '../support/testApp';
import type { Message } from '../../shared/domain';

describe('forwarded messages synced from a real IMAP server and read through the router', () => {
  let dovecot: DovecotServer;
  let t: TestApp;
  let accountId: number;
  useSupportMailbox((mailbox) => ({ dovecot, t, accountId } = mailbox));

  /** Appends the mails, syncs, and returns the message of the inquiry with this subject. */
  async function syncedMessage(subject: string): Promise<Message> {
    await t.call('sync.run', { accountId });
    const inquiry = (await t.call('inquiries.list', {})).find((i) => i.subject === subject);
    expect(inquiry, `an inquiry "${subject}"`).toBeDefined();
    const [message] = (await t.call('inquiries.get', { id: inquiry!.id })).messages;
    return message!;
  }

  it('shows the ISO-2022-JP mail forwarded in a UTF-8 mail with its decoded headers and text', async () => {
    await dovecot.appendMail(forwardedIso2022JpInlineMail({ messageId: '<fwd-inline@toot-partner.example>' }));
    const message = await syncedMessage('転送: お客様からの問い合わせ');
    expect(message.body).toBe('サポートご担当者様\nお客様から次のメールが届きましたので転送します。');
    expect(message.attachments).toEqual([]);
    expect(message.forwarded).toEqual([
      {
        id: expect.any(Number),
        parentId: null,
        from: '山田 太郎 <yamada@customer.example>',
        to: 'sales@toot-partner.example',
        cc: '佐藤 花子 <sato@customer.example>',
        date: '2025-03-31T09:30:00.000Z',
        subject: '【至急】①番の商品について',
        body: '山田です。\n注文した商品①が届いておりません。\n確認をお願いいたします。',
        html: null,
        attachments: [],
      },
    ]);
  });

  it('serves the attached .eml and the attachment of the mail inside it for download, after a relaunch too', async () => {
    await dovecot.appendMail(attachedEmlWithAttachmentMail());
    const message = await syncedMessage('Fw: 見積書の送付');
    expect(message.attachments).toMatchObject([{ fileName: 'original.eml', contentType: 'message/rfc822', kept: true }]);
    const [forwarded] = message.forwarded!;
    expect(forwarded).toMatchObject({ parentId: null, from: '田中 一郎 <tanaka@customer.example>', subject: '見積書の送付', body: '見積書を添付いたします。' });
    expect(forwarded!.attachments).toMatchObject([{ fileName: 'mitsumori.pdf', contentType: 'application/pdf', kept: true, dangerous: false }]);

    await t.restart();
    const eml = await t.call('attachments.download', { id: message.attachments![0]!.id });
    expect(Buffer.from(eml.base64, 'base64').toString('latin1')).toContain('Message-ID: <original-with-pdf@customer.example>');
    const pdf = await t.call('attachments.download', { id: forwarded!.attachments[0]!.id });
    expect(Buffer.from(pdf.base64, 'base64').toString('utf-8')).toBe('%PDF-1.4 見積書');
  });

  it('nests a forward of a forward under its parent, with the innermost HTML kept for the renderer to sanitise', async () => {
    await dovecot.appendMail(nestedForwardMail());
    const message = await syncedMessage('転送: 転送: 返品について');
    expect(message.attachments!.map((a) => a.fileName)).toEqual(['henpin.eml']);
    const [middle, inner] = message.forwarded!;
    expect(middle).toMatchObject({ parentId: null, subject: '転送: 返品について', body: '営業部へ転送します。', attachments: [] });
    expect(inner).toMatchObject({ parentId: middle!.id, from: '鈴木 次郎 <suzuki@customer.example>', subject: '返品について', body: '返品の方法を教えてください。' });
    expect(inner!.html).toContain('<b>教えてください</b>');
  });

  it('stores the mail and what can be read of broken forwards, instead of setting the mail aside', async () => {
    await dovecot.appendMail(malformedForwardMail());
    const message = await syncedMessage('壊れた転送');
    expect(message.body).toBe('転送が壊れているかもしれません。');
    expect(message.attachments!.map((a) => [a.fileName, a.kept])).toEqual([['junk.eml', true]]);
    expect(message.forwarded!.map((f) => [f.subject, f.body])).toEqual([['途中で切れた転送メール', '最初の部分は読めます。']]);
    expect(message.forwarded![0]!.attachments.map((a) => [a.fileName, a.kept])).toEqual([['data.bin', false]]);
    expect(await t.call('sync.quarantine', { accountId })).toEqual([]);
  });

  it('masks a card number in a forwarded mail before storing it, and keeps no raw copy of it anywhere in the database', async () => {
    await dovecot.appendMail(forwardedCardNumberMail());
    const message = await syncedMessage('転送: 支払いの件');
    const [forwarded] = message.forwarded!;
    expect(forwarded!.subject).toBe('カード ************1111 の件');
    expect(forwarded!.body).toBe('支払いに使ったカードは **** **** **** 1111 です。');
    expect(message.attachments).toMatchObject([{ fileName: 'shiharai.eml', kept: false, withheld: true }]);
    await expect(t.call('attachments.download', { id: message.attachments![0]!.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/held a card number/),
    });

    await t.call('session.lock', {});
    const stored = await inspectDatabase(t.dataDir, (raw) => ({
      forwarded: raw.prepare('SELECT subject || body || from_text || to_text || cc_text || coalesce(html, \'\') FROM forwarded_messages').pluck().all() as string[],
      attachments: raw.prepare('SELECT content FROM attachments WHERE content IS NOT NULL').pluck().all() as Buffer[],
    }));
    for (const text of stored.forwarded) expect(text).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    for (const content of stored.attachments) expect(content.toString('latin1')).not.toMatch(/4111 ?1111 ?1111 ?1111/);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });

  it("keeps no .eml whose own attachment was withheld for a card number: the file's bytes are in it", async () => {
    await dovecot.appendMail(forwardedCardFileMail());
    const message = await syncedMessage('転送: 登録情報');
    expect(message.forwarded![0]!.attachments).toMatchObject([{ fileName: 'touroku.csv', kept: false, withheld: true }]);
    expect(message.forwarded![0]!.body).toBe('登録情報を添付します。');
    expect(message.attachments).toMatchObject([{ fileName: 'touroku-mail.eml', kept: false, withheld: true }]);
    await expect(t.call('attachments.download', { id: message.attachments![0]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/held a card number/) });
  });

  it("deletes a file of a forwarded message from the forward's .eml too, so the card data is gone from every copy", async () => {
    await dovecot.appendMail(attachedEmlWithAttachmentMail());
    const message = await syncedMessage('Fw: 見積書の送付');
    const pdf = message.forwarded![0]!.attachments[0]!;
    const removed = await t.call('attachments.remove', { id: pdf.id });
    expect(removed).toMatchObject({ fileName: 'mitsumori.pdf', kept: false, withheld: true, removedBy: '佐藤' });

    const after = await syncedMessage('Fw: 見積書の送付');
    expect(after.forwarded![0]!.attachments).toEqual([removed]);
    // The .eml held the same file: deleted with it, by the same hand; the forwarded message itself still reads.
    expect(after.attachments).toMatchObject([{ fileName: 'original.eml', kept: false, withheld: true, removedBy: '佐藤', removedAt: removed.removedAt }]);
    expect(after.forwarded![0]).toMatchObject({ subject: '見積書の送付', body: '見積書を添付いたします。' });
    await expect(t.call('attachments.download', { id: after.attachments![0]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/was deleted by 佐藤/) });

    // On disk, no copy of the file is left in the database.
    await t.call('session.lock', {});
    const kept = await inspectDatabase(t.dataDir, (raw) => raw.prepare('SELECT content FROM attachments WHERE content IS NOT NULL').pluck().all() as Buffer[]);
    for (const content of kept) {
      expect(content.toString('utf-8')).not.toContain('%PDF-1.4 見積書');
      expect(content.toString('latin1')).not.toContain(Buffer.from('%PDF-1.4 見積書').toString('base64').slice(0, 12));
    }
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });
});

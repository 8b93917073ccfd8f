import { describe, expect, it } from 'vitest';
import { MAX_CARD_CHECK_DEPTH, MAX_FORWARD_DEPTH } from '../../electron/mail/forwardedMessages';
import { parseInboundMail, type InboundAttachment, type InboundMail } from '../../electron/mail/parseInboundMail';
import { leanParseMail } from '../../electron/mail/leanMailParser';
import {
  attachedEmlWithAttachmentMail,
  forwardedCardNumberMail,
  forwardedIso2022JpInlineMail,
  forwardingMail,
  japaneseIso2022JpOriginal,
  malformedForwardMail,
  nestedForwardMail,
} from '../support/forwardedMailFixtures';
import { alternativeMail, japaneseMail } from '../support/mailFixtures';

const FALLBACK = '2025-04-02T00:00:00.000Z';

describe('forwarded messages (message/rfc822 parts)', () => {
  it('reads an ISO-2022-JP mail forwarded inline in a UTF-8 mail as a message of its own, not mixed into the text', async () => {
    const raw = forwardedIso2022JpInlineMail();
    // The fast path leaves message/* to mailparser.
    expect(leanParseMail(raw)).toBeNull();
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.subject).toBe('転送: お客様からの問い合わせ');
    expect(mail.text).toBe('サポートご担当者様\nお客様から次のメールが届きましたので転送します。');
    // Inline: shown as the forwarded message only, not also a file.
    expect(mail.attachments).toEqual([]);
    expect(mail.forwarded).toHaveLength(1);
    const [forwarded] = mail.forwarded!;
    expect(forwarded).toMatchObject({
      from: '山田 太郎 <yamada@customer.example>',
      to: 'sales@toot-partner.example',
      cc: '佐藤 花子 <sato@customer.example>',
      date: '2025-03-31T09:30:00.000Z',
      subject: '【至急】①番の商品について',
      text: '山田です。\n注文した商品①が届いておりません。\n確認をお願いいたします。',
      html: null,
      attachments: [],
      forwarded: [],
    });
  });

  it('keeps an attached .eml downloadable and lists the attachment of the mail inside it', async () => {
    const mail = await parseInboundMail(attachedEmlWithAttachmentMail(), FALLBACK);
    expect(mail.text).toBe('添付のメールをご確認ください。');
    expect(mail.attachments).toHaveLength(1);
    const [eml] = mail.attachments;
    expect(eml).toMatchObject({ fileName: 'original.eml', contentType: 'message/rfc822' });
    // The very bytes of the forwarded mail, decoded from base64.
    expect(eml!.content!.toString('latin1')).toContain('Message-ID: <original-with-pdf@customer.example>');
    expect(eml!.withheld).toBeUndefined();

    const [forwarded] = mail.forwarded!;
    expect(forwarded!.from).toBe('田中 一郎 <tanaka@customer.example>');
    expect(forwarded!.subject).toBe('見積書の送付');
    expect(forwarded!.text).toBe('見積書を添付いたします。');
    expect(forwarded!.attachments.map((a) => [a.fileName, a.contentType, a.content?.toString('utf-8')])).toEqual([
      ['mitsumori.pdf', 'application/pdf', '%PDF-1.4 見積書'],
    ]);
  });

  it('reads a forward of a forward, each at its own level, with the innermost EUC-JP HTML kept for sanitising', async () => {
    const mail = await parseInboundMail(nestedForwardMail(), FALLBACK);
    expect(mail.text).toBe('サポートで対応をお願いします。');
    expect(mail.attachments.map((a) => a.fileName)).toEqual(['henpin.eml']);
    const [middle] = mail.forwarded!;
    expect(middle!.subject).toBe('転送: 返品について');
    expect(middle!.text).toBe('営業部へ転送します。');
    expect(middle!.attachments).toEqual([]);
    const [inner] = middle!.forwarded;
    expect(inner!.from).toBe('鈴木 次郎 <suzuki@customer.example>');
    expect(inner!.subject).toBe('返品について');
    expect(inner!.text).toBe('返品の方法を教えてください。');
    expect(inner!.html).toContain('<p>返品の方法を<b>教えてください</b>。</p>');
    expect(inner!.forwarded).toEqual([]);
  });

  it(`stops reading at ${MAX_FORWARD_DEPTH} levels: a deeper forward stays an .eml attachment of the last one read`, async () => {
    let raw = japaneseMail({ from: 'deep@customer.example', to: 'a@toot.example', subject: '最深部', text: '一番内側の本文' });
    for (let level = 1; level <= MAX_FORWARD_DEPTH + 1; level++) {
      raw = forwardingMail({ from: `level${level}@toot.example`, to: 'b@toot.example', subject: `転送 ${level}`, text: `第${level}層`, forwards: [{ message: raw, fileName: `level${level}.eml` }] });
    }
    const mail = await parseInboundMail(raw, FALLBACK);
    let level = mail.forwarded![0]!;
    const subjects = [level.subject];
    while (level.forwarded[0]) {
      level = level.forwarded[0];
      subjects.push(level.subject);
    }
    expect(subjects).toEqual(['転送 3', '転送 2', '転送 1']);
    // The customer's mail, one level too deep, is still there to download.
    expect(level.attachments.map((a) => [a.fileName, a.contentType])).toEqual([['level1.eml', 'message/rfc822']]);
    expect(level.attachments[0]!.content!.toString('utf-8')).toContain('From: deep@customer.example');
  });

  it('keeps no .eml of an HTML mail whose card number shows only on screen (split by <br>)', async () => {
    const original = alternativeMail({ from: 'ito@customer.example', to: 'a@toot.example', subject: 'カード', text: '', html: '<p>カード番号<br>4111<br>1111<br>1111<br>1111</p>' });
    const mail = await parseInboundMail(forwardingMail({ from: 'b@toot.example', to: 'c@toot.example', subject: '転送', text: '転送します', forwards: [{ message: original, fileName: 'card.eml' }] }), FALLBACK);
    expect(mail.attachments).toMatchObject([{ fileName: 'card.eml', withheld: true }]);
    expect(mail.attachments[0]!.content).toBeUndefined();
  });

  it('keeps no .eml along the chain when a forward too deep to read shows a card number in its text', async () => {
    let raw = japaneseMail({ from: 'deep@customer.example', to: 'a@toot.example', subject: '最深部', text: 'カードは 4111 1111 1111 1111 です', charset: 'iso-2022-jp', transferEncoding: '7bit' });
    for (let level = 1; level <= MAX_FORWARD_DEPTH + 1; level++) {
      raw = forwardingMail({ from: `level${level}@toot.example`, to: 'b@toot.example', subject: `転送 ${level}`, text: `第${level}層`, forwards: [{ message: raw, fileName: `level${level}.eml` }] });
    }
    const mail = await parseInboundMail(raw, FALLBACK);
    const emls: InboundAttachment[] = [];
    for (let level: Pick<InboundMail, 'attachments' | 'forwarded'> | undefined = mail; level; level = level.forwarded?.[0]) emls.push(...level.attachments);
    expect(emls.map((a) => [a.fileName, a.withheld, a.content])).toEqual([4, 3, 2, 1].map((n) => [`level${n}.eml`, true, undefined]));
  });

  it('keeps no .eml along the chain when a forward too deep to show holds a card number in base64', async () => {
    let raw = japaneseMail({ from: 'deep@customer.example', to: 'a@toot.example', subject: '最深部', text: 'カードは 4111 1111 1111 1111 です', transferEncoding: 'base64' });
    expect(raw.toString('latin1')).not.toContain('4111');
    for (let level = 1; level <= MAX_FORWARD_DEPTH + 2; level++) {
      raw = forwardingMail({ from: `level${level}@toot.example`, to: 'b@toot.example', subject: `転送 ${level}`, text: `第${level}層`, forwards: [{ message: raw, fileName: `level${level}.eml` }] });
    }
    const mail = await parseInboundMail(raw, FALLBACK);
    const emls: InboundAttachment[] = [];
    for (let level: Pick<InboundMail, 'attachments' | 'forwarded'> | undefined = mail; level; level = level.forwarded?.[0]) emls.push(...level.attachments);
    // level5.eml to level3.eml hold the forwards shown; level2.eml holds one only checked, too deep to show.
    expect(emls.map((a) => [a.fileName, a.withheld, a.content])).toEqual([5, 4, 3, 2].map((n) => [`level${n}.eml`, true, undefined]));
  });

  it(`keeps a forward too deep to show as its .eml when no card number is in it, even ${MAX_CARD_CHECK_DEPTH} levels down`, async () => {
    let raw = japaneseMail({ from: 'deep@customer.example', to: 'a@toot.example', subject: '最深部', text: '注文番号は 1234-5678 です', transferEncoding: 'base64' });
    for (let level = 1; level <= MAX_CARD_CHECK_DEPTH + 1; level++) {
      raw = forwardingMail({ from: `level${level}@toot.example`, to: 'b@toot.example', subject: `転送 ${level}`, text: `第${level}層`, forwards: [{ message: raw, fileName: `level${level}.eml` }] });
    }
    const mail = await parseInboundMail(raw, FALLBACK);
    let level: Pick<InboundMail, 'attachments' | 'forwarded'> = mail;
    while (level.forwarded?.[0]) level = level.forwarded[0];
    const [eml] = level.attachments;
    expect(eml).toMatchObject({ contentType: 'message/rfc822' });
    expect(eml!.withheld).toBeUndefined();
    expect(eml!.content!.toString('latin1')).toContain('From: level');
  });

  it('keeps the outer mail and what can be read when forwarded parts are junk or cut off', async () => {
    const mail = await parseInboundMail(malformedForwardMail(), FALLBACK);
    expect(mail.subject).toBe('壊れた転送');
    expect(mail.text).toBe('転送が壊れているかもしれません。');
    // Not a mail at all: kept as the file it came as.
    expect(mail.attachments.map((a) => [a.fileName, a.contentType])).toEqual([['junk.eml', 'message/rfc822']]);
    // Cut off inside its attachment: its headers and text are read, the incomplete file is not kept as if whole.
    expect(mail.forwarded).toHaveLength(1);
    const [cut] = mail.forwarded!;
    expect(cut!.subject).toBe('途中で切れた転送メール');
    expect(cut!.text).toBe('最初の部分は読めます。');
    expect(cut!.attachments.map((a) => [a.fileName, a.content])).toEqual([['data.bin', undefined]]);
  });

  it('does not keep the raw .eml of a forwarded mail holding a card number (its masked reading is stored instead)', async () => {
    const mail = await parseInboundMail(forwardedCardNumberMail(), FALLBACK);
    const [eml] = mail.attachments;
    expect(eml).toMatchObject({ fileName: 'shiharai.eml', contentType: 'message/rfc822', withheld: true });
    expect(eml!.content).toBeUndefined();
    expect(eml!.size).toBeGreaterThan(0);
    // Masking happens where it is stored (as for the mail itself); the parser reads it as sent.
    expect(mail.forwarded![0]!.text).toBe('支払いに使ったカードは 4111 1111 1111 1111 です。');
  });

  it('names an attached message that has no file name after its subject, and reads one with no disposition as attached', async () => {
    const raw = forwardingMail({
      from: 'sales@toot-partner.example',
      to: 'support@toot.example',
      subject: '転送',
      text: '転送します',
      forwards: [{ message: japaneseIso2022JpOriginal({ subject: '質問: A/B について' }), disposition: null }],
    });
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.attachments.map((a) => a.fileName)).toEqual(['質問_ A_B について.eml']);
    expect(mail.forwarded![0]!.subject).toBe('質問: A/B について');
  });

  it('gives a forwarded message with a missing or unreadable Date no date, rather than the arrival time of the mail', async () => {
    const undated = japaneseMail({ from: 'a@customer.example', to: 'b@toot.example', subject: '日付なし', text: '本文', date: null });
    const badDate = japaneseMail({ from: 'a@customer.example', to: 'b@toot.example', subject: '日付が壊れている', text: '本文', date: '32 Foo 99999 99:99' });
    const raw = forwardingMail({ from: 'c@toot.example', to: 'd@toot.example', subject: '転送', text: '二通', forwards: [{ message: undated }, { message: badDate }] });
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.forwarded!.map((f) => [f.subject, f.date])).toEqual([
      ['日付なし', null],
      ['日付が壊れている', null],
    ]);
  });
});

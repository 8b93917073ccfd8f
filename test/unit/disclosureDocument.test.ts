import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/i18n/en';
import { ja } from '../../renderer/i18n/ja';
import { disclosureDocument, type Disclosure } from '../../renderer/lib/disclosureDocument';

const customer = { id: 7, name: 'Hanako Yamada', email: 'hanako@example.jp', phone: null, postalAddress: '1-1 Marunouchi, Tokyo', emailUndeliverable: true, createdAt: '2026-11-24T01:00:00.000Z' };
const inquiry = { id: 3, customerId: 7, customerName: 'Hanako Yamada', channel: 'email' as const, status: 'answered' as const, subject: 'Moving house', receivedAt: '2026-11-25T03:00:00.000Z', firstResponseAt: '2026-11-25T04:00:00.000Z', archived: false };
const entry = { id: 1, customerId: 7, disclosedBy: 'Sato', disclosedAt: '2026-12-01T00:30:00.000Z', source: 'phone' as const, sourceInquiryId: null, evidence: 'called back' };

const disclosure = {
  entry,
  customer: {
    customer,
    consents: [{ purpose: 'new_product_information', channel: 'email', state: 'withdrawn', since: '2026-11-26T00:00:00.000Z', lastEventId: 2 }],
    history: [
      { id: 2, customerId: 7, purpose: 'new_product_information', channel: 'email', action: 'withdraw', recordedBy: 'Sato', recordedAt: '2026-11-26T00:00:00.000Z', source: 'email', sourceInquiryId: 3, evidence: 'asked to stop' },
    ],
    amendments: [{ id: 1, customerId: 7, fields: ['postalAddress'], recordedBy: 'Sato', recordedAt: '2026-11-25T05:00:00.000Z', source: 'email', sourceInquiryId: 3, evidence: 'moved' }],
    disclosures: [entry],
    inquiries: [inquiry],
    mailingListExports: [{ id: 5, listKey: 'new_product_information/email', exportedBy: 'Sato', exportedAt: '2026-11-27T03:00:00.000Z', rowCount: 40, handedTo: 'Mail Delivery Co.' }],
    provisions: [
      {
        id: 8, customerId: 1, recipient: 'Yokohama police station', items: 'name, phone number', basis: 'legal_request', providedOn: '2026-11-28',
        evidence: 'written inquiry no. 123', recordedBy: 'Sato', recordedAt: '2026-11-28T01:00:00.000Z', sourceInquiryId: null,
      },
    ],
  },
  inquiries: [
    {
      inquiry,
      customer,
      messages: [
        { id: 10, direction: 'in', fromAddress: 'hanako@example.jp', toAddress: 'support@toot.example', subject: 'Moving house', body: 'I moved. Card **** **** **** 1111.', at: '2026-11-25T03:00:00.000Z', author: null, messageId: '<a@x>', attachments: [{ id: 4, fileName: 'lease.pdf', contentType: 'application/pdf', size: 2048, kept: true, dangerous: false, contentId: null }] },
        {
          id: 12, direction: 'in', fromAddress: 'taro@example.jp', toAddress: 'support@toot.example', subject: 'Re: Moving house', body: 'Her husband here.', at: '2026-11-25T03:30:00.000Z', author: null, messageId: '<c@x>',
          attachments: [{ id: 5, fileName: 'card.png', contentType: 'image/png', size: 100, kept: false, dangerous: false, contentId: null, withheld: true }],
          forwarded: [{ id: 1, parentId: null, from: 'Jiro <jiro@example.jp>', to: 'taro@example.jp', cc: '', date: '2026-11-20T00:00:00.000Z', subject: 'Old note', body: 'line one\nline two', html: null, attachments: [{ id: 6, fileName: '見積書.pdf', contentType: 'application/pdf', size: 4096, kept: true, dangerous: false, contentId: null }] }],
        },
        // Another customer's mail in the thread, as the main process gives it: only that it came, and when.
        { id: 13, direction: 'in', fromAddress: null, toAddress: null, subject: '', body: '', at: '2026-11-25T03:45:00.000Z', author: null, messageId: null, withheld: true, attachments: [], forwarded: [] },
        { id: 11, direction: 'out', fromAddress: 'support@toot.example', toAddress: 'hanako@example.jp', subject: 'Re: Moving house [#3]', body: 'We updated it.', at: '2026-11-25T04:00:00.000Z', author: 'Sato', messageId: '<b@x>' },
      ],
    },
  ],
  unsentReplies: [
    { id: 2, inquiryId: 3, body: 'Draft that failed.', quoteOriginal: false, status: 'failed', sendAt: '2026-11-27T00:00:00.000Z', attempts: 6, lastError: 'x', messageId: null, queuedBy: 'Sato', queuedAt: '2026-11-27T00:00:00.000Z' },
  ],
  setAside: [
    { id: 9, accountId: 1, folder: 'INBOX', uid: 4, reason: 'Automatic mail (auto-reply or delivery report): no inquiry opened', at: '2026-11-28T00:00:00.000Z', from: 'Hanako <hanako@example.jp>', subject: 'Out of office', sentAt: '2026-11-27T23:00:00.000Z' },
  ],
  writtenElsewhere: [
    { inquiryId: 21, message: { id: 30, direction: 'in', fromAddress: 'hanako@example.jp', toAddress: 'support@toot.example', subject: 'Re: Training', body: 'I will join too.', at: '2026-11-29T00:00:00.000Z', author: null, messageId: '<d@x>', attachments: [] } },
  ],
} as unknown as Disclosure;

// The app's catalogs in an instance of their own: the app's i18n module needs a DOM.
const i18n = i18next.createInstance();
await i18n.init({ resources: { ja: { translation: ja }, en: { translation: en } }, lng: 'ja', interpolation: { escapeValue: false } });

describe('the document a customer receives when they ask what is held about them', () => {
  it('holds their details, consents and records, amendments, disclosures and every message, labelled, in Tokyo time', () => {
    const text = disclosureDocument(disclosure, i18n.getFixedT('en'), 'en');
    expect(text.startsWith('Disclosure of personal information held\nFor Hanako Yamada\nPrepared: 2026-12-01 09:30 (Japan time)\nBy: ')).toBe(true);
    expect(text).toContain(
      '■ Registered details\nName: Hanako Yamada\nE-mail: hanako@example.jp (mail to this address is known not to arrive)\nPhone: not registered\nAddress: 1-1 Marunouchi, Tokyo\nAdded: 2026-11-24 10:00',
    );
    expect(text).toMatch(/\(3\) [^\n]+ — E-mail: Withdrawn\n/);
    expect(text).toMatch(/2026-11-26 09:00 {2}Opt-out \(stop use\) {2}Purpose: \(3\) [^\n]+ {2}Channel: E-mail {2}Source: E-mail {2}Details: asked to stop/);
    expect(text).toContain('■ Amendments of registered details\n2026-11-25 14:00  Fields amended: Address  Source: E-mail  Details: moved');
    expect(text).toContain('■ Disclosures\n2026-12-01 09:30  Source: Phone  Details: called back');
    expect(text).toContain('■ Mailing lists (information on new products and services) that held the address\n2026-11-27 12:00  The e-mail address was exported to the mailing list, handed to Mail Delivery Co.');
    expect(text).toContain('■ Provisions to third parties\n[Check: would disclosing this hinder an investigation or a protection?] 2026-11-28  to: Yokohama police station  what: name, phone number  ground: Request under a law (written inquiry no. 123)');
    expect(text).toContain('#3 Moving house\nE-mail  Received: 2026-11-25 12:00  Status: Answered');
    expect(text).toContain('--- 2026-11-25 12:00  From you  hanako@example.jp → support@toot.example\nMoving house\n\nI moved. Card **** **** **** 1111.\nAttachment: lease.pdf (2.0 KB)');
    expect(text).toContain('--- 2026-11-25 13:00  From us  support@toot.example → hanako@example.jp\nRe: Moving house [#3]\n\nWe updated it.');
    expect(text).toContain('■ Replies not sent\n2026-11-27 09:00  Inquiry #3  Status: Failed\nDraft that failed.');
    expect(text).toContain('■ Mail from you not taken in as an inquiry\n2026-11-28 08:00  Subject: Out of office  Why: Automatic mail (auto-reply or delivery report): no inquiry opened');
    // What they wrote in another customer's thread: that mail alone, their own (not marked for checking).
    expect(text).toContain("■ Mail they sent in other customers' inquiries (those messages alone)\nIn the thread of inquiry #21\n\n--- 2026-11-29 09:00  From you  hanako@example.jp → support@toot.example\nRe: Training\n\nI will join too.\n");
    expect(disclosureDocument(disclosure, i18n.getFixedT('ja'), 'ja')).toContain('理由: 自動送信メール（自動返信または配信通知）のため、問い合わせにしませんでした');
  });

  it('marks for staff to check what may be someone else\'s: another sender in the thread, a forwarded mail', () => {
    const text = disclosureDocument(disclosure, i18n.getFixedT('ja'), 'ja');
    expect(text).toContain('--- 2026-11-25 12:30  お客様から  taro@example.jp → support@toot.example  【要確認: お客様以外の差出人】\nRe: Moving house\n\nHer husband here.');
    expect(text).toContain('添付ファイル: card.png（100 B。当社では保存していません）');
    expect(text).toContain('> 転送されたメール: 差出人 Jiro <jiro@example.jp>  日時 2026-11-20 09:00  件名 Old note  【要確認: 転送された他の方のメール】\n> line one\n> line two\n> 添付ファイル: 見積書.pdf（4.0 KB）');
    // The customer's own mail is not marked.
    expect(text).not.toMatch(/hanako@example\.jp → support@toot\.example {2}【要確認/);
    // Another customer's is not in it: one line says that one came.
    expect(text).toContain('\n--- 2026-11-25 12:45  （別のお客様からのメールのため、内容は記載していません）\n\n--- 2026-11-25 13:00  当社から');
  });

  it('says when the registration was cancelled, and whether the inquiries were kept', () => {
    const cancellation = { id: 1, customerId: 7, cancelledBy: 'Sato', cancelledAt: '2026-12-02T01:00:00.000Z', source: 'phone' as const, sourceInquiryId: null, evidence: 'asked to leave', contentsDeleted: false };
    const cancelled = { ...disclosure, customer: { ...disclosure.customer, customer: { ...customer, name: '(登録抹消済み)', email: null, postalAddress: null }, cancellation } } as Disclosure;
    const text = disclosureDocument(cancelled, i18n.getFixedT('ja'), 'ja');
    expect(text).toContain('住所: 未登録\n登録日時: 2026-11-24 10:00\n登録の抹消: 2026-12-02 10:00（問い合わせは業務記録として残しています。）');
    expect(disclosureDocument(disclosure, i18n.getFixedT('ja'), 'ja')).not.toContain('登録の抹消');
    // The name stored in place of theirs reads in the document's language.
    expect(text).toContain('氏名: (登録抹消済み)');
    const english = disclosureDocument(cancelled, i18n.getFixedT('en'), 'en');
    expect(english).toContain('(registration cancelled)');
    expect(english).not.toContain('登録抹消済み');
  });

  it('says so where there is nothing, in Japanese too', () => {
    const empty = { ...disclosure, customer: { ...disclosure.customer, history: [], amendments: [], mailingListExports: [], provisions: [] }, inquiries: [], unsentReplies: [], setAside: [], writtenElsewhere: [] } as Disclosure;
    const text = disclosureDocument(empty, i18n.getFixedT('ja'), 'ja');
    expect(text).toContain('■ 同意・オプトアウトの記録\nなし');
    expect(text).toContain('■ 登録内容の訂正の記録\nなし');
    expect(text).toContain('■ お問い合わせ\nなし');
    expect(text).toContain('■ 他のお客様のお問い合わせに寄せたメール（そのメールのみ）\nなし');
    expect(text).toContain('■ ご案内メール（新商品・サービスのご案内）の送付リストへの記載\nなし');
    expect(text).toContain('■ 第三者への提供の記録\nなし');
    expect(text).toContain('■ 送信していない返信\nなし');
    expect(text).toContain('■ 問い合わせにしなかったお客様からのメール\nなし');
    expect(text).toContain('作成日時: 2026-12-01 09:30（日本時間）');
  });
});

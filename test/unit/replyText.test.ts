import { describe, expect, it } from 'vitest';
import { isDangerousAttachment } from '../../shared/attachmentRisk';
import { composeReplyText, escapedBraces, fillTemplate, literalBraces, quoteOriginal, replyLanguage, unknownPlaceholders } from '../../shared/replyText';

describe('reply text: templates, quoting and signature', () => {
  it('fills the three placeholders and leaves other text and unknown placeholders alone', () => {
    expect(fillTemplate('{{customerName}}様（{{ inquiryNumber }}）担当 {{operator}} {{other}}', { customerName: '山田 花子', inquiryNumber: 12, operator: '佐藤' })).toBe(
      '山田 花子様（12）担当 佐藤 {{other}}',
    );
  });

  it('finds placeholders written wrong, which would reach the customer as they are', () => {
    expect(unknownPlaceholders('{{customername}}様 {{ 顧客名 }} {{customerName}} {{ operator }} {{customername}}')).toEqual(['{{customername}}', '{{ 顧客名 }}']);
    expect(unknownPlaceholders('{{customerName}}様、{{inquiryNumber}} 担当 {{operator}}')).toEqual([]);
  });

  it('sends braces written with a backslash as they are: a customer\'s "{{ price }}" quoted back is no placeholder', () => {
    const typed = 'ページに \\{{ price }}円 と表示される件、\\{{customerName}} も含めて確認します。{{customerName}}様';
    expect(unknownPlaceholders(typed)).toEqual([]);
    const filled = fillTemplate(typed, { customerName: '山田 花子', inquiryNumber: 12, operator: '佐藤' });
    expect(literalBraces(filled)).toBe('ページに {{ price }}円 と表示される件、{{customerName}} も含めて確認します。山田 花子様');
    // Taken back to the reply box, they are written as staff typed them, so the reply can be queued again.
    expect(escapedBraces(literalBraces(filled))).toBe('ページに \\{{ price }}円 と表示される件、\\{{customerName}} も含めて確認します。山田 花子様');
    expect(unknownPlaceholders(escapedBraces(literalBraces(filled)))).toEqual([]);
  });

  it('quotes every line with "> " under a Tokyo-time attribution line in the reply\'s language', () => {
    expect(quoteOriginal('一行目\r\n\r\n三行目\n', '2026-11-23T15:30:00.000Z', '山田 花子', 'ja')).toBe('2026-11-24 00:30（日本時間）、山田 花子様:\n> 一行目\n>\n> 三行目');
    expect(quoteOriginal('Hello\n', '2026-11-23T15:30:00.000Z', 'John Smith', 'en')).toBe('On 2026-11-24 00:30 (Japan time), John Smith wrote:\n> Hello');
    // A sender who gave no name is not called "(差出人不明)様".
    expect(quoteOriginal('本文\n', '2026-11-23T15:30:00.000Z', '', 'ja')).toBe('2026-11-24 00:30（日本時間）のメール:\n> 本文');
    expect(quoteOriginal('Hello\n', '2026-11-23T15:30:00.000Z', '', 'en')).toBe('On 2026-11-24 00:30 (Japan time), you wrote:\n> Hello');
  });

  it('takes a reply for Japanese when staff typed any kana or kanji, else for English', () => {
    expect(replyLanguage('お問い合わせありがとうございます。')).toBe('ja');
    expect(replyLanguage('Thank you. 山田')).toBe('ja');
    expect(replyLanguage('カタカナ')).toBe('ja');
    expect(replyLanguage('Thank you for your order #12 — see you soon.')).toBe('en');
  });

  it('puts the signature after a blank line, not after "-- " (which would make mail clients take the quote below for signature), and the quote last', () => {
    expect(composeReplyText('本文  \n', { signature: '署名\n', quote: '> 元' })).toBe('本文\n\n署名\n\n> 元');
    expect(composeReplyText('本文', { signature: null, quote: null })).toBe('本文');
  });
});

describe('dangerous attachments', () => {
  it.each([
    ['invoice.exe', 'application/octet-stream'],
    ['請求書.PDF.js', 'application/octet-stream'],
    ['macro.xlsm', 'application/vnd.ms-excel.sheet.macroEnabled.12'],
    ['page.html', 'text/html'],
    ['run.bat ', 'application/octet-stream'],
    ['photo.jpg', 'application/x-msdownload'],
    ['drawing.svg', 'image/svg+xml'],
    // Types used in phishing campaigns: OneNote notebooks, help files, consoles, add-ins, web queries.
    ['請求書.one', 'application/octet-stream'],
    ['manual.chm', 'application/octet-stream'],
    ['tool.msc', 'application/octet-stream'],
    ['addin.xll', 'application/octet-stream'],
    ['query.iqy', 'application/octet-stream'],
    ['app.jnlp', 'application/octet-stream'],
    ['slides.ppt', 'application/vnd.ms-powerpoint'],
    ['book.xlsb', 'application/octet-stream'],
    ['setup.cab', 'application/octet-stream'],
    ['open.settingcontent-ms', 'application/octet-stream'],
    ['請求書.appref-ms', 'application/octet-stream'],
    ['update.msu', 'application/octet-stream'],
    ['fix.diagcab', 'application/octet-stream'],
    ['sandbox.wsb', 'application/octet-stream'],
    ['run.command', 'application/octet-stream'],
    ['start.desktop', 'application/octet-stream'],
    ['tool.pyw', 'application/octet-stream'],
    ['顧客台帳.accdb', 'application/octet-stream'],
    ['macro.xlm', 'application/octet-stream'],
    ['page.xht', 'application/octet-stream'],
    ['disguised.pdf', 'application/vnd.microsoft.portable-executable'],
    ['disguised.txt', 'application/x-dosexec'],
    ['link.dat', 'application/x-ms-shortcut'],
  ])('flags %s (%s)', (name, type) => expect(isDangerousAttachment(name, type)).toBe(true));

  it.each([
    ['見積書.pdf', 'application/pdf'],
    ['photo.jpg', 'image/jpeg'],
    ['report.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['notes.txt', 'text/plain'],
    ['list.csv', 'application/vnd.ms-excel'],
  ])('does not flag %s (%s)', (name, type) => expect(isDangerousAttachment(name, type)).toBe(false));
});

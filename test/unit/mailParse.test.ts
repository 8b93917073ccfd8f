import { describe, expect, it } from 'vitest';
import { extractMessageIds } from '../../electron/mail/messageIdentity';
import { parseInboundMail, UnparseableMailError } from '../../electron/mail/parseInboundMail';
import { alternativeMail, autoReplyMail, bounceMail, encodeCp50221, encodeText, htmlOnlyMail, japaneseMail, mailWithAttachment, noMessageIdMail, replyMail, splitMultibyteSubjectMail, type AutoReplyKind, type JapaneseCharset } from '../support/mailFixtures';
import { brokenBase64Mail, garbageHeadersMail, headersOnlyMail, truncatedMail } from '../support/malformedMailFixtures';

const FALLBACK = '2025-04-02T00:00:00.000Z';

// The characters Japanese mail breaks on: NEC row 13 (①, ㈱, №, Ⅱ), NEC-selected IBM extensions
// (髙, 﨑), the CP932 mappings of ～ and －, half-width katakana, and plain kanji and kana.
const TEXT = '山田様\n①㈱№Ⅱ～髙﨑 日本語テスト－ ｶﾀｶﾅ ∵￢\n在庫はございますか。';
const SUBJECT = '【重要】①㈱№Ⅱのご案内について長い件名です～髙﨑';
const NAME = '髙橋 ①太郎';

describe('parseInboundMail: charsets', () => {
  const charsets: JapaneseCharset[] = ['utf-8', 'iso-2022-jp', 'shift_jis', 'euc-jp'];
  for (const charset of charsets) {
    for (const headerEncoding of ['B', 'Q'] as const) {
      it(`reads ${charset} with ${headerEncoding}-encoded subject and name exactly`, async () => {
        const raw = japaneseMail({ from: 'Hanako@Example.JP', fromName: NAME, to: 'Support@Toot.Example', subject: SUBJECT, text: TEXT, charset, headerEncoding, messageId: '<m1@example.jp>' });
        const mail = await parseInboundMail(raw, FALLBACK);
        expect(mail.subject).toBe(SUBJECT);
        expect(mail.text).toBe(TEXT);
        expect(mail.fromName).toBe(NAME);
        expect(mail.fromAddress).toBe('hanako@example.jp');
        expect(mail.toAddress).toBe('support@toot.example');
        expect(mail.messageKey).toBe('<m1@example.jp>');
        expect(mail.automatic).toBe(false);
      });
    }
  }

  it('writes the ISO-2022-JP fixture the way Outlook (CP50221) does: NEC row 13 and IBM extensions inside ESC $ B', () => {
    // ① is JIS 0x2D21, ㈱ 0x2D6A, № 0x2D62 (NEC row 13); 髙 is 0x7C62 (NEC-selected IBM extension).
    expect(encodeCp50221('①㈱№髙').toString('hex')).toBe('1b2442' + '2d21' + '2d6a' + '2d62' + '7c62' + '1b2842');
    expect(encodeCp50221('ｶ').toString('hex')).toBe('1b2849' + '36' + '1b2842');
  });

  it('reads CP932 characters in a body labelled plain "Shift_JIS", and CP50221 ones labelled plain "ISO-2022-JP"', async () => {
    for (const charset of ['shift_jis', 'iso-2022-jp'] as const) {
      const raw = japaneseMail({ from: 'a@example.jp', to: 'b@toot.example', subject: '①', text: '①㈱№Ⅱ', charset, transferEncoding: charset === 'shift_jis' ? '8bit' : '7bit' });
      expect(raw.toString('latin1')).toMatch(charset === 'shift_jis' ? /charset=Shift_JIS/ : /charset=ISO-2022-JP/);
      expect((await parseInboundMail(raw, FALLBACK)).text).toBe('①㈱№Ⅱ');
    }
  });

  it('reads quoted-printable Shift_JIS and 8bit EUC-JP bodies', async () => {
    const qp = japaneseMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: TEXT, charset: 'shift_jis', transferEncoding: 'quoted-printable' });
    expect((await parseInboundMail(qp, FALLBACK)).text).toBe(TEXT);
    const euc = japaneseMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: TEXT, charset: 'euc-jp', transferEncoding: '8bit' });
    expect((await parseInboundMail(euc, FALLBACK)).text).toBe(TEXT);
  });

  it('joins encoded words folded across lines, also when one splits a UTF-8 character', async () => {
    const folded = japaneseMail({ from: 'a@example.jp', to: 'b@toot.example', subject: SUBJECT, text: 't', charset: 'iso-2022-jp', charsPerEncodedWord: 5 });
    expect(folded.toString('latin1')).toMatch(/Subject: =\?ISO-2022-JP\?B\?[^\r\n]+\?=\r\n =\?ISO-2022-JP\?B\?/);
    expect((await parseInboundMail(folded, FALLBACK)).subject).toBe(SUBJECT);

    const split = splitMultibyteSubjectMail('お問い合わせの件について');
    expect(split.toString('latin1')).toMatch(/Subject: =\?UTF-8\?B\?[^\r\n]+\?=\r\n =\?UTF-8\?B\?/);
    expect((await parseInboundMail(split, FALLBACK)).subject).toBe('お問い合わせの件について');
  });

  it('trusts the bytes over a lying label', async () => {
    // Shift_JIS bytes, body and subject, labelled ISO-2022-JP.
    const sjisAsJis = japaneseMail({ from: 'a@example.jp', fromName: NAME, to: 'b@toot.example', subject: SUBJECT, text: TEXT, charset: 'shift_jis', charsetLabel: 'ISO-2022-JP' });
    const mail = await parseInboundMail(sjisAsJis, FALLBACK);
    expect(mail.text).toBe(TEXT);
    expect(mail.subject).toBe(SUBJECT);
    expect(mail.fromName).toBe(NAME);
    // UTF-8 labelled Shift_JIS.
    const utf8AsSjis = japaneseMail({ from: 'a@example.jp', to: 'b@toot.example', subject: '件名', text: TEXT, charset: 'utf-8', charsetLabel: 'Shift_JIS' });
    expect((await parseInboundMail(utf8AsSjis, FALLBACK)).text).toBe(TEXT);
  });

  it('reads old-style mail without MIME headers: raw ISO-2022-JP, Shift_JIS and EUC-JP in headers and body', async () => {
    const build = (subject: Buffer, body: Buffer) =>
      Buffer.concat([Buffer.from('From: a@example.jp\r\nTo: b@toot.example\r\nSubject: '), subject, Buffer.from('\r\n\r\n'), body]);
    const jis = await parseInboundMail(build(encodeCp50221('生の件名①'), encodeCp50221('本文①㈱\r\n二行目\r\n')), FALLBACK);
    expect([jis.subject, jis.text]).toEqual(['生の件名①', '本文①㈱\n二行目']);
    const sjis = await parseInboundMail(build(encodeText('件名①です', 'shift_jis'), encodeText('本文①㈱\r\n二行目\r\n', 'shift_jis')), FALLBACK);
    expect([sjis.subject, sjis.text]).toEqual(['件名①です', '本文①㈱\n二行目']);
    const euc = await parseInboundMail(build(encodeText('EUCの件名です', 'euc-jp'), encodeText('本文はEUC-JPで書かれています。\r\n', 'euc-jp')), FALLBACK);
    expect([euc.subject, euc.text]).toEqual(['EUCの件名です', '本文はEUC-JPで書かれています。']);
  });
});

describe('parseInboundMail: shapes', () => {
  it('converts an HTML-only mail to text', async () => {
    const raw = htmlOnlyMail({
      from: 'a@example.jp',
      to: 'b@toot.example',
      subject: 'HTML',
      charset: 'iso-2022-jp',
      html: '<html><head><style>p{color:red}</style></head><body><p>こんにちは①</p><div>二行目</div><script>alert(1)</script></body></html>',
    });
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.text).toContain('こんにちは①');
    expect(mail.text).toContain('二行目');
    expect(mail.text).not.toMatch(/<|alert|color:red/);
  });

  it('takes the plain part of multipart/alternative and skips attachments', async () => {
    const alt = await parseInboundMail(alternativeMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: TEXT, html: '<p>HTML版</p>', charset: 'iso-2022-jp' }), FALLBACK);
    expect(alt.text).toBe(TEXT);
    const withFile = await parseInboundMail(
      mailWithAttachment({ from: 'a@example.jp', to: 'b@toot.example', subject: '添付', text: '添付します', attachment: Buffer.alloc(200_000, 7), fileName: 'a.bin' }),
      FALLBACK,
    );
    expect(withFile.text).toBe('添付します');
  });

  it('reads In-Reply-To and References', async () => {
    const raw = replyMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'Re: 返品', text: 'お世話になります', parentMessageId: '<reply-1@toot.example>', earlierReferences: ['<q1@example.jp>'] });
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.inReplyTo).toBe('<reply-1@toot.example>');
    expect(mail.references).toEqual(['<q1@example.jp>', '<reply-1@toot.example>']);
  });

  it('finds message ids among the comments mailers add', () => {
    expect(extractMessageIds('<a@x> (Yamada\'s message of "Tue, 1 Apr")')).toEqual(['<a@x>']);
    expect(extractMessageIds('Your message of Tue <b@y>')).toEqual(['<b@y>']);
    expect(extractMessageIds(' bare@id.example ')).toEqual(['<bare@id.example>']);
    expect(extractMessageIds('<a@x>\r\n <b@y>')).toEqual(['<a@x>', '<b@y>']);
    expect(extractMessageIds('')).toEqual([]);
  });

  it('keys a mail without Message-ID by a SHA-256 content hash: the same for every copy delivered, different for different mail', async () => {
    const raw = noMessageIdMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'IDなし', text: '本文' });
    const key = (await parseInboundMail(raw, FALLBACK)).messageKey;
    expect(key).toMatch(/^<sha256-[0-9a-f]{64}@madoguchi\.invalid>$/);
    expect((await parseInboundMail(Buffer.from(raw), FALLBACK)).messageKey).toBe(key);
    // The copy delivered to another mailbox carries other trace headers, added on the way: still the same mail.
    const delivered = Buffer.concat([
      Buffer.from('Return-Path: <a@example.jp>\r\nDelivered-To: other@toot.example\r\nReceived: from mx2 by mx3; Tue, 01 Apr 2025 10:00:05 +0900\r\n'),
      raw,
    ]);
    expect((await parseInboundMail(delivered, FALLBACK)).messageKey).toBe(key);
    const other = noMessageIdMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'IDなし', text: '別の本文' });
    expect((await parseInboundMail(other, FALLBACK)).messageKey).not.toBe(key);
    const otherSubject = noMessageIdMail({ from: 'a@example.jp', to: 'b@toot.example', subject: 'IDなし 2', text: '本文' });
    expect((await parseInboundMail(otherSubject, FALLBACK)).messageKey).not.toBe(key);
  });

  it('uses the Date header in UTC, and the fallback when it is missing, invalid or far in the future', async () => {
    const base = { from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: 't' };
    expect((await parseInboundMail(japaneseMail({ ...base, date: 'Tue, 01 Apr 2025 10:00:00 +0900 (JST)' }), FALLBACK)).date).toBe('2025-04-01T01:00:00.000Z');
    expect((await parseInboundMail(japaneseMail({ ...base, date: null }), FALLBACK)).date).toBe(FALLBACK);
    expect((await parseInboundMail(japaneseMail({ ...base, date: 'not a date' }), FALLBACK)).date).toBe(FALLBACK);
    expect((await parseInboundMail(japaneseMail({ ...base, date: 'Fri, 01 Jan 2100 00:00:00 +0000' }), FALLBACK)).date).toBe(FALLBACK);
  });
});

describe('parseInboundMail: automatic mail', () => {
  const kinds: AutoReplyKind[] = ['auto-submitted', 'auto-generated', 'x-autoreply', 'x-autorespond', 'precedence-bulk', 'precedence-junk', 'precedence-auto_reply'];
  for (const kind of kinds) {
    it(`marks ${kind} as automatic`, async () => {
      expect((await parseInboundMail(autoReplyMail(kind), FALLBACK)).automatic).toBe(true);
    });
  }

  it('marks a DSN bounce from MAILER-DAEMON as automatic', async () => {
    const mail = await parseInboundMail(bounceMail(), FALLBACK);
    expect(mail.automatic).toBe(true);
    expect(mail.fromAddress).toBe('mailer-daemon@mx.toot.example');
  });

  it('marks multipart/report, MAILER-DAEMON and the null return path each on its own', async () => {
    const base = { from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: 't' };
    const report = Buffer.from(
      japaneseMail(base)
        .toString('latin1')
        .replace('Content-Type: text/plain; charset=UTF-8', 'Content-Type: multipart/report; report-type=disposition-notification; boundary=x'),
      'latin1',
    );
    expect((await parseInboundMail(report, FALLBACK)).automatic).toBe(true);
    expect((await parseInboundMail(japaneseMail({ ...base, from: 'MAILER-DAEMON@mx.example.jp' }), FALLBACK)).automatic).toBe(true);
    expect((await parseInboundMail(japaneseMail({ ...base, extraHeaders: [['Return-Path', '<>']] }), FALLBACK)).automatic).toBe(true);
  });

  it('does not mark ordinary mail, nor Auto-Submitted: no, nor mailing lists', async () => {
    const base = { from: 'a@example.jp', to: 'b@toot.example', subject: 's', text: 't' };
    expect((await parseInboundMail(japaneseMail(base), FALLBACK)).automatic).toBe(false);
    expect((await parseInboundMail(japaneseMail({ ...base, extraHeaders: [['Auto-Submitted', 'no']] }), FALLBACK)).automatic).toBe(false);
    expect((await parseInboundMail(japaneseMail({ ...base, extraHeaders: [['Precedence', 'list']] }), FALLBACK)).automatic).toBe(false);
    expect((await parseInboundMail(japaneseMail({ ...base, extraHeaders: [['Return-Path', '<a@example.jp>']] }), FALLBACK)).automatic).toBe(false);
  });
});

describe('parseInboundMail: malformed mail', () => {
  it('reads what it can of a broken base64 body', async () => {
    const mail = await parseInboundMail(brokenBase64Mail('お問い合わせです。在庫はありますか？'), FALLBACK);
    expect(mail.subject).toBe('壊れた本文');
    expect(mail.text.startsWith('お問い合わせです。在庫はありますか？')).toBe(true);
  });

  it('survives garbage headers: no colon, raw 8-bit, unknown charset, bad date, control bytes', async () => {
    const mail = await parseInboundMail(garbageHeadersMail(), FALLBACK);
    expect(mail.fromAddress).toBe('yamada@customer.example');
    expect(mail.fromName).toBe('山田');
    expect(mail.subject.startsWith('生のUTF-8件名')).toBe(true);
    expect(mail.date).toBe(FALLBACK);
    expect(mail.text).toBe('本文はちゃんと読めます。');
  });

  it('reads a truncated multipart mail and a mail of headers only', async () => {
    const truncated = await parseInboundMail(truncatedMail(), FALLBACK);
    expect(truncated.subject).toBe('途中で切れたメール');
    expect(truncated.text).toBe('最初の部分は届いています。');
    const headersOnly = await parseInboundMail(headersOnlyMail(), FALLBACK);
    expect(headersOnly.subject).toBe('本文なし');
    expect(headersOnly.text).toBe('');
  });

  it('falls back to the headers when the structure defeats the parser (over 1000 parts)', async () => {
    const parts = Array.from({ length: 1100 }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
    const raw = Buffer.from(
      `From: a@example.jp\r\nTo: b@toot.example\r\nSubject: =?UTF-8?B?${Buffer.from('多すぎる部品').toString('base64')}?=\r\nMessage-ID: <many@example.jp>\r\n` +
        `Content-Type: multipart/mixed; boundary=b\r\n\r\n${parts}--b--\r\n`,
    );
    const mail = await parseInboundMail(raw, FALLBACK);
    expect(mail.subject).toBe('多すぎる部品');
    expect(mail.messageKey).toBe('<many@example.jp>');
  });

  it('never throws for ordinary garbage', async () => {
    const samples = [
      Buffer.from('Subject: only a subject'),
      Buffer.from('From: a@example.jp\r\n\r\n\u0000\u0001\u0002'),
      Buffer.from('From: a@example.jp\nContent-Type: multipart/mixed; boundary="never-closed"\n\n--never-closed\nContent-Type: text/plain; charset=x-nonsense\n\nabc'),
      Buffer.from('From: <<<>>>\r\nSubject: =?UTF-8?B?!!!?= =?ISO-2022-JP?Q?=1B$B?=\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=ZZ=\r\n=E3=81'),
    ];
    const read = [];
    for (const raw of samples) read.push(await parseInboundMail(raw, FALLBACK));
    // Read as far as they go: what is there is kept, and nothing is made up.
    expect(read.map((mail) => mail.subject)).toEqual(['only a subject', '', '', expect.any(String)]);
    expect(read[1]!.fromAddress).toBe('a@example.jp');
    expect(read[2]!.text).toBe('abc');
    expect(read[3]!.text).not.toContain('\u0000');
    for (const mail of read) expect(mail.messageKey).toMatch(/\S/);
  });

  it('throws UnparseableMailError when there is no mail at all', async () => {
    await expect(parseInboundMail(Buffer.alloc(0), FALLBACK)).rejects.toBeInstanceOf(UnparseableMailError);
    await expect(parseInboundMail(Buffer.from([0, 1, 2, 3, 255, 254, 0, 10, 13, 10, 1, 2]), FALLBACK)).rejects.toBeInstanceOf(UnparseableMailError);
  });
});

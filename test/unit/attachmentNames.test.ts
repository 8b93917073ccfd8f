import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { encodeText } from '../support/mailFixtures';

const NAME = '見積書①㈱.pdf';

/** A mail with one attachment whose Content-Disposition ends with `parameter` (bytes as written). */
function mailNaming(parameter: Buffer | string): Buffer {
  return Buffer.concat([
    Buffer.from(
      'From: a@example.jp\r\nTo: support@toot.example\r\nSubject: test\r\nMessage-ID: <names@example.jp>\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="B"\r\n\r\n--B\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhello\r\n' +
        '--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;',
    ),
    Buffer.isBuffer(parameter) ? parameter : Buffer.from(parameter),
    Buffer.from('\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n--B--\r\n'),
  ]);
}

const percent = (bytes: Buffer) => [...bytes].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
const quotedRaw = (bytes: Buffer) => Buffer.concat([Buffer.from(' filename="'), bytes, Buffer.from('"')]);

describe('Japanese attachment names, however the sender wrote them', () => {
  const jis = encodeText(NAME, 'iso-2022-jp');
  const sjis = iconv.encode(NAME, 'cp932');
  const jisPercent = percent(jis);
  const cut = Math.floor(jisPercent.length / 6) * 3;
  const shapes: Array<[string, Buffer | string]> = [
    ['RFC 2231, UTF-8', ` filename*=UTF-8''${encodeURIComponent(NAME)}`],
    ['RFC 2231, ISO-2022-JP continued over two parameters', `\r\n filename*0*=ISO-2022-JP''${jisPercent.slice(0, cut)};\r\n filename*1*=${jisPercent.slice(cut)}`],
    ['an ISO-2022-JP encoded word', ` filename="=?ISO-2022-JP?B?${jis.toString('base64')}?="`],
    ['a Shift_JIS encoded word', ` filename="=?Shift_JIS?B?${sjis.toString('base64')}?="`],
    ['UTF-8 encoded words split in two', ` filename="=?UTF-8?B?${Buffer.from('見積書').toString('base64')}?= =?UTF-8?B?${Buffer.from('①㈱.pdf').toString('base64')}?="`],
    ['raw UTF-8 bytes', quotedRaw(Buffer.from(NAME))],
    ['raw Shift_JIS bytes, unlabelled', quotedRaw(sjis)],
    ['raw ISO-2022-JP escapes, unlabelled', quotedRaw(jis)],
    ['raw EUC-JP bytes, unlabelled (no extension characters in EUC-JP)', quotedRaw(iconv.encode('見積書.pdf', 'euc-jp'))],
  ];
  for (const [shape, parameter] of shapes) {
    it(`reads ${shape}`, async () => {
      const mail = await parseInboundMail(mailNaming(parameter), '2025-04-01T00:00:00.000Z');
      expect(mail.attachments.map((a) => a.fileName)).toEqual([shape.includes('EUC-JP') ? '見積書.pdf' : NAME]);
      expect(mail.attachments[0]?.content?.toString()).toBe('hello');
    });
  }
});

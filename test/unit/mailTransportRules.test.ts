import { describe, expect, it } from 'vitest';
import { toImapAppError } from '../../electron/mail/imapError';
import { toSequenceSet } from '../../electron/mail/imapFetchPlan';
import { decodeIso2022Jp, decodeText, repairIso2022JpEscapes } from '../../electron/mail/japaneseCharsets';
import { isLoopbackHost } from '../../electron/mail/loopbackHost';
import { isUnknownRecipient, toSmtpAppError } from '../../electron/mail/smtpError';
import { encodeCp50221, encodeText } from '../support/mailFixtures';

const target = { host: 'mail.toot.example', port: 993, user: 'support@toot.example' };
const codeError = (code: string, message = code, extra: object = {}) => Object.assign(new Error(message), { code }, extra);

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', '127.0.0.1', '127.9.8.7', '::1', '[::1]', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['mail.example.com', 'localhost.example.com', '10.0.0.1', '128.0.0.1', '1.127.0.0', '::', 'fe80::1', '::ffff:10.0.0.1', ''])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('toSequenceSet', () => {
  it('compresses runs', () => {
    expect(toSequenceSet([1, 2, 3, 7, 9, 10])).toBe('1:3,7,9:10');
    expect(toSequenceSet([5])).toBe('5');
    expect(toSequenceSet([])).toBe('');
  });
});

describe('IMAP error mapping', () => {
  it('names the user and host, never the password, and says what to do', () => {
    const auth = toImapAppError(Object.assign(new Error('Command failed'), { authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED' }), target);
    expect([auth.code, auth.message]).toEqual(['IMAP_AUTH_FAILED', 'IMAP login failed for support@toot.example: check the user name and password']);
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'CONNECT_TIMEOUT', 'GREETING_TIMEOUT']) {
      expect(toImapAppError(codeError(code), target).code).toBe('IMAP_UNREACHABLE');
    }
    expect(toImapAppError(codeError('ECONNREFUSED'), target).message).toBe('Cannot reach IMAP server mail.toot.example:993: check the host, port and network');
    const expired = toImapAppError(codeError('CERT_HAS_EXPIRED'), target);
    expect(expired.code).toBe('IMAP_TLS_FAILED');
    expect(expired.message).toContain('expired certificate');
    expect(toImapAppError(codeError('ERR_TLS_CERT_ALTNAME_INVALID'), target).message).toContain('different host name');
    expect(toImapAppError(codeError('DEPTH_ZERO_SELF_SIGNED_CERT'), target).message).toContain('not signed by a trusted authority');
    const other = toImapAppError(Object.assign(new Error('Command failed'), { responseText: 'Server\r\nbusy' }), target);
    expect([other.code, other.message]).toEqual(['IMAP_ERROR', 'IMAP server mail.toot.example:993 reported an error (the server said: Server busy): try again later, or check the account settings']);
  });
});

describe('SMTP error mapping', () => {
  it('tells authentication, reachability and TLS apart, through nodemailer wrapping', () => {
    expect(toSmtpAppError(codeError('EAUTH', 'Invalid login: 535 Authentication credentials invalid', { responseCode: 535 }), target).code).toBe('SMTP_AUTH_FAILED');
    // nodemailer replaces Node's code with ESOCKET but keeps the message.
    expect(toSmtpAppError(codeError('ESOCKET', 'connect ECONNREFUSED 127.0.0.1:25'), target).code).toBe('SMTP_UNREACHABLE');
    expect(toSmtpAppError(codeError('ETIMEDOUT', 'Greeting never received'), target).code).toBe('SMTP_UNREACHABLE');
    const tls = toSmtpAppError(codeError('ESOCKET', 'self-signed certificate'), target);
    expect(tls.code).toBe('SMTP_ERROR');
    expect(tls.message).toContain('certificate');
  });

  it('never quotes a recipient address from the server reply', () => {
    const error = toSmtpAppError(
      codeError('EENVELOPE', "Can't send mail - all recipients were rejected", { response: '550 5.1.1 <hanako@example.jp>: Recipient address rejected', responseCode: 550, command: 'RCPT TO' }),
      target,
    );
    expect(error.code).toBe('SMTP_REJECTED');
    expect(error.message).not.toContain('hanako');
    expect(error.message).toContain('[address]');
  });

  it('tells a recipient that does not exist from one refused for the sender\'s reasons or for now', () => {
    const refusal = (response: string, responseCode: number) => toSmtpAppError(codeError('EENVELOPE', 'rejected', { response, responseCode, command: 'RCPT TO' }), target);
    expect(isUnknownRecipient(refusal('550 5.1.1 <hanako@example.jp>: Recipient address rejected: User unknown', 550))).toBe(true);
    expect(isUnknownRecipient(refusal('550 5.1.10 RESOLVER.ADR.RecipientNotFound', 550))).toBe(true);
    expect(isUnknownRecipient(refusal('550 No such user here', 550))).toBe(true);
    expect(isUnknownRecipient(refusal('550 5.7.1 Relaying denied', 550))).toBe(false);
    expect(isUnknownRecipient(refusal('554 Message rejected as spam', 554))).toBe(false);
    expect(isUnknownRecipient(refusal('450 4.1.1 Mailbox temporarily unavailable', 450))).toBe(false);
  });
});

describe('Japanese decoding details', () => {
  it('decodes CP50221 extension rows and half-width katakana, and resets two-byte mode at line ends', () => {
    expect(decodeIso2022Jp(encodeCp50221('①㈱№Ⅱ髙﨑ｶﾀｶﾅ～'))).toBe('①㈱№Ⅱ髙﨑ｶﾀｶﾅ～');
    // A mailer that forgot ESC ( B before the line break: the next line is still ASCII.
    const forgot = Buffer.concat([Buffer.from('\u001b$B'), Buffer.from([0x24, 0x22]), Buffer.from('\r\nabc')]);
    expect(decodeIso2022Jp(forgot)).toBe('あ\r\nabc');
  });

  it('reads JIS X 0212 (ESC $ ( D) as some Unix mailers write it', () => {
    // № in JIS X 0212 is 0x2271 (what encoding-japanese writes for it).
    expect(decodeIso2022Jp(Buffer.from('\u001b$(D\u0022\u0071\u001b(B', 'latin1'))).toBe('№');
  });

  it('repairs raw ISO-2022-JP escapes left in text and leaves other text alone', () => {
    expect(repairIso2022JpEscapes(encodeCp50221('件名です').toString('latin1'))).toBe('件名です');
    expect(repairIso2022JpEscapes('ふつうのテキスト')).toBe('ふつうのテキスト');
  });

  it('guesses EUC-JP against CP932 from the bytes when the label is missing', () => {
    expect(decodeText(encodeText('東京都千代田区のお客様へ', 'euc-jp'), null)).toBe('東京都千代田区のお客様へ');
    expect(decodeText(encodeText('東京都千代田区のお客様へ①', 'shift_jis'), null)).toBe('東京都千代田区のお客様へ①');
  });
});

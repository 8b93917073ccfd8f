import { describe, expect, it } from 'vitest';
import { unknownPlaceholderProblem } from '../../shared/replyText';
import { localizeUserMessage, USER_MESSAGES, userMessage, userMessageKeyOf, type UserMessageKey } from '../../shared/userMessages';

describe('messages from the main process, in the staff\'s language', () => {
  it('reads every message back into Japanese, with its values, and leaves no English template words', () => {
    const values = { user: 'support@toot.example', where: 'imap.toot.example:993', host: 'smtp.toot.example', folder: 'Sales', label: 'サポート', protocol: 'IMAP', endpoint: 'oauth.example', failed: 2, marked: 1, detail: 'x', reply: 'busy', code: 'EPROTO', name: '見積書.pdf', names: '{{customername}}', known: '{{customerName}} {{inquiryNumber}} {{operator}}', error: 'invalid_client', reason: 'access_denied', answer: '400: invalid_request', why: '', said: '', id: 12, current: 14, newest: 13, method: 'accounts.save', issues: 'imapHost: Required', number: 3, channels: 'email/post', uid: 42, attempts: 5, by: '佐藤', at: '2026-12-04 06:55', email: 'hanako@example.jp' };
    for (const key of Object.keys(USER_MESSAGES) as UserMessageKey[]) {
      const english = userMessage(key, { ...values, problem: userMessage('tlsExpired') });
      const expected = USER_MESSAGES[key].ja.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'problem' ? USER_MESSAGES.tlsExpired.ja : String(values[name as keyof typeof values] ?? '')));
      expect(localizeUserMessage(english, 'ja'), key).toBe(expected);
      expect(localizeUserMessage(english, 'en')).toBe(english);
    }
  });

  it('translates the fragments inside a message: a timeout, the server\'s words, the certificate problem', () => {
    const unreachable = userMessage('imapUnreachable', { where: 'imap.toot.example:993', why: userMessage('noAnswerInTime') });
    expect(unreachable).toBe('Cannot reach IMAP server imap.toot.example:993 (no answer in time): check the host, port and network');
    expect(localizeUserMessage(unreachable, 'ja')).toBe('IMAP サーバー imap.toot.example:993 に接続できません（時間内に応答がありません）。ホスト名、ポート、ネットワークを確認してください。');
    const refused = userMessage('smtpRecipientRefused', { where: 'smtp.toot.example:587', said: userMessage('serverSaid', { reply: '550 5.1.1 <***> User unknown (mailbox)' }) });
    expect(localizeUserMessage(refused, 'ja')).toBe('SMTP サーバー smtp.toot.example:587 が宛先を受け付けませんでした（サーバーの応答: 550 5.1.1 <***> User unknown (mailbox)）。宛先のアドレスを確認してください。');
    const tls = userMessage('imapTlsFailed', { where: 'imap.toot.example:993', problem: userMessage('tlsUntrusted') });
    expect(localizeUserMessage(tls, 'ja')).toMatch(/^IMAP サーバー imap\.toot\.example:993 との暗号化接続に失敗しました。サーバーが信頼された認証局/);
    expect(localizeUserMessage(userMessage('unreadableMail', { detail: userMessage('parserStopped') }), 'ja')).toBe('読み取れないメール: このメールを読み取る途中でメールの解析が止まりました');
    // An account without a user name, and a TLS failure without a code: the words put in for them are translated too.
    expect(localizeUserMessage(userMessage('smtpAuthFailed', { user: userMessage('noUserName') }), 'ja')).toBe('SMTP サーバーにログインできませんでした（（ユーザー名なし））。ユーザー名とパスワードを確認してください。');
    expect(localizeUserMessage(userMessage('tlsRefused', { code: userMessage('tlsErrorWithoutCode') }), 'ja')).toContain('（TLS エラー）');
    const notQueued = userMessage('replyNotQueued', { problem: unknownPlaceholderProblem('{{customername}}様、{{customerName}}') ?? '' });
    expect(localizeUserMessage(notQueued, 'ja')).toBe('返信を送信待ちにできませんでした。{{customername}} は窓口が差し込む項目ではありません。{{customerName}} {{inquiryNumber}} {{operator}} のいずれかに直すか、削除してください。括弧をそのまま送るには、前に \\ を付けてください: \\{{ … }}。');
  });

  it('translates each folder of a sync that failed in several, and leaves what it does not know as it came', () => {
    const several = `INBOX: ${userMessage('imapFolderMissing', { folder: 'INBOX', where: 'h:143' })} / Sales: the server is on fire`;
    expect(localizeUserMessage(several, 'ja')).toBe('INBOX: フォルダー「INBOX」は IMAP サーバー h:143 にありません。フォルダー名を確認してください。 / Sales: the server is on fire');
    expect(localizeUserMessage('Something nobody foresaw', 'ja')).toBe('Something nobody foresaw');
  });

  it('reads a name that holds the words around it apart from the date after it', () => {
    const removed = userMessage('attachmentRemoved', { name: 'card.png', by: 'Ron on Mars', at: '2026-12-04 06:55' });
    expect(localizeUserMessage(removed, 'ja')).toBe('「card.png」はカード情報を含むため、Ron on Mars が 2026-12-04 06:55 に削除しました（カード情報は保持しません）。');
  });

  it('knows which message a text is, so the UI can offer what fits it', () => {
    expect(userMessageKeyOf(userMessage('automaticMail'))).toBe('automaticMail');
    expect(userMessageKeyOf(userMessage('bounce', { failed: 1, marked: 0 }))).toBe('bounce');
    expect(userMessageKeyOf(userMessage('unreadableMail', { detail: userMessage('parserStopped') }))).toBe('unreadableMail');
    expect(userMessageKeyOf(userMessage('customerNotFoundSearchAgain', { id: 7 }))).toBe('customerNotFoundSearchAgain');
    expect(userMessageKeyOf('Something nobody foresaw')).toBeNull();
  });
});

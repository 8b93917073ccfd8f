import { describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import type { DovecotServer } from '../support/dovecot';
import { japaneseMail, autoReplyMail, replyMail } from '../support/mailFixtures';
import { brokenBase64Mail, garbageHeadersMail, headersOnlyMail, truncatedMail } from '../support/malformedMailFixtures';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { useSupportMailbox } from '../support/supportMailbox';
import type { TestApp } from '../support/testApp';

describe('e-mail inquiries from a real Dovecot, replies over real SMTP', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let accountId: number;
  useSupportMailbox((mailbox) => ({ dovecot, smtp, t, accountId } = mailbox));

  it('turns Japanese mail into inquiries, threads replies, and never opens one for an auto-reply', async () => {
    await dovecot.appendMail(
      japaneseMail({
        from: 'Hanako.Yamada@Example.jp',
        fromName: '山田花子',
        to: 'support@toot.example',
        subject: '㈱トゥートの商品①について',
        text: '注文した商品①が届きません。カード 4111-1111-1111-1111 で支払いました。',
        charset: 'iso-2022-jp',
        messageId: '<first@example.jp>',
      }),
    );
    await dovecot.appendMail(japaneseMail({ from: 'ichiro@example.jp', fromName: '鈴木一郎', to: 'support@toot.example', subject: '在庫の確認', text: '在庫はありますか', charset: 'shift_jis' }));
    await dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'away@example.jp', to: 'support@toot.example' }));

    const first = await t.call('sync.run', { accountId });
    expect(first).toMatchObject({ accountId, fetched: 3, newInquiries: 2, addedToThreads: 0, skippedDuplicates: 0, quarantined: 0, automatic: 1 });

    const inbox = await t.call('inquiries.list', {});
    expect(inbox.map((i) => i.subject).sort()).toEqual(['㈱トゥートの商品①について', '在庫の確認'].sort());
    const hanako = inbox.find((i) => i.customerName === '山田花子');
    expect(hanako).toBeDefined();
    const detail = await t.call('inquiries.get', { id: hanako!.id });
    expect(detail.customer.email).toBe('hanako.yamada@example.jp');
    expect(detail.messages[0]!.body).toContain('カード ****-****-****-1111 で支払いました');
    expect(detail.messages[0]!.body).not.toContain('4111-1111-1111-1111');

    // The customer writes again in the same thread; and a second sync finds nothing new.
    await dovecot.appendMail(replyMail({ from: 'hanako.yamada@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: 'Re: ㈱トゥートの商品①について', text: '追伸です', parentMessageId: '<first@example.jp>' }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 1, newInquiries: 0, addedToThreads: 1 });
    expect(await t.call('sync.run', { accountId })).toMatchObject({ fetched: 0 });
    expect((await t.call('inquiries.get', { id: hanako!.id })).messages).toHaveLength(2);

    // A mail with the same subject but no thread headers is a new inquiry: subjects never merge.
    await dovecot.appendMail(japaneseMail({ from: 'hanako.yamada@example.jp', to: 'support@toot.example', subject: '㈱トゥートの商品①について', text: '別件です' }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ newInquiries: 1, addedToThreads: 0 });
  });

  it('replies in Japanese over SMTP with threading headers, stores the reply and sets the first response', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '返品について', text: '返品できますか', messageId: '<q1@example.jp>' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const reply = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '山田様\nお問い合わせありがとうございます。返品を承ります。' });

    const [captured] = await smtp.waitFor(1);
    expect(captured!.to).toEqual(['hanako@example.jp']);
    const sent = await simpleParser(captured!.raw);
    expect(sent.subject).toBe(`Re: 返品について [#${inquiry!.id}]`);
    expect(sent.inReplyTo).toBe('<q1@example.jp>');
    expect(sent.references).toEqual('<q1@example.jp>');
    expect(sent.text).toContain('返品を承ります。');
    expect(sent.messageId).toBe(reply.messageId);

    const after = await t.call('inquiries.get', { id: inquiry!.id });
    expect(after.messages.map((m) => m.direction)).toEqual(['in', 'out']);
    expect(after.messages[1]).toMatchObject({ author: '佐藤', toAddress: 'hanako@example.jp' });
    expect(after.inquiry.status).toBe('answered');
    expect(after.inquiry.firstResponseAt).not.toBeNull();

    // The customer's answer to our reply joins the same inquiry through our Message-ID.
    await dovecot.appendMail(replyMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: 'Re: 返品について', text: 'ありがとうございます', parentMessageId: reply.messageId!, earlierReferences: ['<q1@example.jp>'] }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ addedToThreads: 1, newInquiries: 0 });
    expect((await t.call('inquiries.get', { id: inquiry!.id })).inquiry.status).toBe('open');
  });

  it('threads a mail without thread headers by the inquiry number in its subject, typed half- or full-width, only from the same customer', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '返品について', text: '返品できますか', messageId: '<n1@example.jp>' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '承ります。', quoteOriginal: false });
    const [captured] = await smtp.waitFor(1);
    const tag = `[#${inquiry!.id}]`;
    expect((await simpleParser(captured!.raw)).subject).toBe(`Re: 返品について ${tag}`);

    // The customer writes a new mail (no In-Reply-To, no References), copying the number, once as sent and once typed full-width.
    const fullWidth = `［＃${String(inquiry!.id).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}］`;
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: `Re: 返品について ${tag}`, text: '送り先を教えてください' }));
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: `${fullWidth} 追加の質問`, text: '箱がありません' }));
    // Someone else with the number in the subject does not join her inquiry.
    await dovecot.appendMail(japaneseMail({ from: 'other@example.jp', to: 'support@toot.example', subject: `Re: 返品について ${tag}`, text: '私も返品したい' }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ addedToThreads: 2, newInquiries: 1 });
    const thread = await t.call('inquiries.get', { id: inquiry!.id });
    expect(thread.messages.map((m) => m.body.trim()).sort()).toEqual(['返品できますか', '承ります。', '送り先を教えてください', '箱がありません'].sort());
    expect(thread.inquiry.status).toBe('open');

    // A second reply keeps one number in the subject.
    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '住所をお送りします。', quoteOriginal: false });
    const [, second] = await smtp.waitFor(2);
    expect((await simpleParser(second!.raw)).subject).toBe(`Re: 返品について ${tag}`);
  });

  it('threads by its own number a subject that carries another system\'s ticket number too, and names the whole thread in the next reply', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: 'Fwd: 障害報告 [#9876]', text: '障害の報告です', messageId: '<root@example.jp>' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const first = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '確認します。', quoteOriginal: false });
    const tag = `[#${inquiry!.id}]`;
    expect((await simpleParser((await smtp.waitFor(1))[0]!.raw)).subject).toBe(`Re: Fwd: 障害報告 [#9876] ${tag}`);

    // She answers in a new mail with that subject: no thread headers, the other number first.
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: `Re: Fwd: 障害報告 [#9876] ${tag}`, text: '再発しました', messageId: '<again@example.jp>' }));
    expect(await t.call('sync.run', { accountId })).toMatchObject({ addedToThreads: 1, newInquiries: 0 });

    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '調査します。', quoteOriginal: false });
    const second = await simpleParser((await smtp.waitFor(2))[1]!.raw);
    expect(second.inReplyTo).toBe('<again@example.jp>');
    expect(second.references).toEqual(['<root@example.jp>', first.messageId, '<again@example.jp>']);
  });

  it('dates an inquiry from a sender whose clock runs fast no later than its arrival, so answering it promptly is no negative response time', async () => {
    const arrival = new Date('2026-11-24T01:00:00.000Z');
    await dovecot.appendMail(
      japaneseMail({ from: 'fast@example.jp', to: 'support@toot.example', subject: '時計の進んだ問い合わせ', text: '至急', messageId: '<fast-clock@example.jp>', date: 'Tue, 24 Nov 2026 13:00:00 +0900' }),
      'INBOX',
      { internalDate: arrival },
    );
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    // Written "at 13:00 Tokyo" (04:00Z), three hours after it reached the server: it is dated by its arrival.
    expect(inquiry!.receivedAt).toBe(arrival.toISOString());
    // The message itself keeps the date its sender wrote.
    expect((await t.call('inquiries.get', { id: inquiry!.id })).messages[0]!.at).toBe('2026-11-24T04:00:00.000Z');
  });

  it("threads the next reply under the customer's latest mail with the whole chain, though their clock is behind and their client wrote only In-Reply-To", async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '返品について', text: '返品できますか', messageId: '<q1@example.jp>' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const first = await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '承ります。', quoteOriginal: false });
    // Dated a day before our reply was sent, and answering it by In-Reply-To alone.
    await dovecot.appendMail(
      japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: 'Re: 返品について', text: '送り先はどこですか', messageId: '<q2@example.jp>', inReplyTo: first.messageId!, date: 'Mon, 23 Nov 2026 09:00:00 +0900' }),
    );
    expect(await t.call('sync.run', { accountId })).toMatchObject({ addedToThreads: 1 });

    await t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '倉庫の住所をお送りします。' });
    const [, second] = await smtp.waitFor(2);
    const sent = await simpleParser(second!.raw);
    expect(sent.inReplyTo).toBe('<q2@example.jp>');
    expect(sent.references).toEqual(['<q1@example.jp>', first.messageId, '<q2@example.jp>']);
    expect(sent.text).toContain('> 送り先はどこですか');
  });

  it('explains a wrong IMAP password and an unreachable server, and records the error on the account', async () => {
    await t.call('accounts.save', { id: accountId, label: 'サポート窓口', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: 'wrong-password', smtpHost: smtp.host, smtpPort: smtp.port, smtpTls: false, smtpUser: 'support', fromAddress: 'support@toot.example', fromName: 'TOOT' });
    await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_AUTH_FAILED', message: expect.stringMatching(/password/i) });
    const [account] = await t.call('accounts.list', {});
    expect(account!.lastError).toMatch(/password/i);

    await t.call('accounts.save', { id: accountId, label: 'サポート窓口', imapHost: '127.0.0.1', imapPort: 1, imapTls: false, imapUser: dovecot.user, imapPassword: dovecot.password, smtpHost: smtp.host, smtpPort: smtp.port, smtpTls: false, smtpUser: 'support', fromAddress: 'support@toot.example', fromName: 'TOOT' });
    await expect(t.call('sync.run', { accountId })).rejects.toMatchObject({ code: 'IMAP_UNREACHABLE' });
  });

  it('explains a wrong SMTP password and keeps the inquiry unanswered', async () => {
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', to: 'support@toot.example', subject: '質問', text: '質問です' }));
    await t.call('sync.run', { accountId });
    await t.call('accounts.save', { id: accountId, label: 'サポート窓口', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, smtpHost: smtp.host, smtpPort: smtp.port, smtpTls: false, smtpUser: 'support', smtpPassword: 'wrong', fromAddress: 'support@toot.example', fromName: 'TOOT' });
    const [inquiry] = await t.call('inquiries.list', {});
    await expect(t.call('inquiries.reply', { inquiryId: inquiry!.id, body: '回答' })).rejects.toMatchObject({ code: 'SMTP_AUTH_FAILED' });
    const after = await t.call('inquiries.get', { id: inquiry!.id });
    expect(after.messages).toHaveLength(1);
    expect(after.inquiry.firstResponseAt).toBeNull();
  });

  it('imports malformed mail as far as it can and never stops the sync: broken base64, garbage headers, a cut-off mail, headers only', async () => {
    await dovecot.appendMail(brokenBase64Mail());
    await dovecot.appendMail(garbageHeadersMail());
    await dovecot.appendMail(truncatedMail());
    await dovecot.appendMail(headersOnlyMail());
    await dovecot.appendMail(japaneseMail({ from: 'ok@example.jp', to: 'support@toot.example', subject: '正常なメール', text: '本文' }));
    const report = await t.call('sync.run', { accountId });
    expect(report).toMatchObject({ fetched: 5, newInquiries: 5, quarantined: 0 });
    // Each reads as far as it can: its subject and what text survived.
    const bodies = new Map<string, string>();
    for (const inquiry of await t.call('inquiries.list', {})) {
      const [message] = (await t.call('inquiries.get', { id: inquiry.id })).messages;
      bodies.set(inquiry.subject, message!.body.trim());
    }
    expect(bodies.get('壊れた本文')).toMatch(/^お問い合わせです。在庫はありますか？/);
    expect([...bodies.entries()].find(([subject]) => subject.startsWith('生のUTF-8件名'))?.[1]).toBe('本文はちゃんと読めます。');
    expect(bodies.get('途中で切れたメール')).toBe('最初の部分は届いています。');
    expect(bodies.get('本文なし')).toBe('');
    expect(bodies.get('正常なメール')).toBe('本文');
    expect(await t.call('sync.quarantine', {})).toEqual([]);
  });

  it('shows staff every mail it set aside, with the reason and what they know it by: sender, subject and date (card numbers masked)', async () => {
    await dovecot.appendMail(
      autoReplyMail('auto-submitted', { from: 'away@example.jp', fromName: '不在 太郎', to: 'support@toot.example', subject: '自動応答: カード 4111 1111 1111 1111 の件', date: 'Tue, 01 Apr 2025 10:00:00 +0900' }),
    );
    await t.call('sync.run', { accountId });
    expect(await t.call('inquiries.list', {})).toEqual([]);
    const quarantined = await t.call('sync.quarantine', { accountId });
    expect(quarantined).toEqual([
      expect.objectContaining({
        accountId,
        folder: 'INBOX',
        uid: 1,
        reason: expect.stringMatching(/automatic|auto-reply/i),
        from: '不在 太郎 <away@example.jp>',
        subject: '自動応答: カード **** **** **** 1111 の件',
        sentAt: '2025-04-01T01:00:00.000Z',
      }),
    ]);
    expect(await t.call('sync.quarantine', {})).toHaveLength(1);
  });
});

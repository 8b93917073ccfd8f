import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import type { DovecotServer } from '../support/dovecot';
import { attemptStatements, inspectDatabase } from '../support/inspectDatabase';
import { autoReplyMail, japaneseMail, replyMail } from '../support/mailFixtures';
import { testMailAccount } from '../support/mailAccount';
import type { SmtpReceiver } from '../support/smtpReceiver';
import { useSupportMailbox } from '../support/supportMailbox';
import { TEST_PASSPHRASE, type TestApp } from '../support/testApp';
import { waitFor } from '../support/waitFor';

/** Every text and blob cell of every table, decrypted: where a customer's details could still be. */
function everythingStored(raw: import('better-sqlite3-multiple-ciphers').Database): string {
  const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
  return tables
    .map((table) =>
      (raw.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[])
        .map((row) => Object.values(row).map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value))).join('\t'))
        .join('\n'),
    )
    .join('\n');
}

describe("cancelling a customer's registration at their request", () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let accountId: number;
  useSupportMailbox((mailbox) => ({ dovecot, smtp, t, accountId } = mailbox));

  /** A customer who wrote with an HTML mail and an attachment, got a reply, has a second reply waiting, permitted marketing mail, and whose auto-reply was set aside. */
  async function customerWithHistory() {
    await dovecot.appendMail(
      await new MailComposer({
        from: '山田花子 <hanako@example.jp>',
        to: 'support@toot.example',
        subject: '退会したいです',
        messageId: '<first@example.jp>',
        date: new Date('2026-11-20T01:00:00Z'),
        text: '会員登録を削除してください。東京都千代田区丸の内1-1-1 山田花子',
        html: '<p>会員登録を削除してください。<b>東京都千代田区丸の内1-1-1</b></p>',
        attachments: [{ filename: '会員証_山田花子.txt', content: '会員番号 778899 山田花子' }],
      })
        .compile()
        .build(),
      'INBOX',
      // It reached the server minutes after it was written, as mail does.
      { internalDate: new Date('2026-11-20T01:05:00Z') },
    );
    await dovecot.appendMail(autoReplyMail('auto-submitted', { from: 'hanako@example.jp', fromName: '山田花子', subject: '不在: 山田花子より' }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    const customerId = inquiry!.customerId;
    await t.call('customers.amend', {
      id: customerId,
      name: '山田花子',
      email: 'hanako@example.jp',
      phone: '090-1234-5678',
      postalAddress: '東京都千代田区丸の内1-1-1',
      before: { name: '山田花子', email: 'hanako@example.jp', phone: null, postalAddress: null },
      source: 'email',
      evidence: 'メールで申し出',
    });
    await t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email', 'post'], source: 'email', evidence: 'メールで同意' });
    const sent = await t.call('outbox.queue', { inquiryId: inquiry!.id, body: '山田花子様\n承知しました。手続きいたします。', quoteOriginal: true });
    await t.call('outbox.sendNow', { id: sent.id });
    await waitFor('the first reply to be sent', async () => (await t.call('inquiries.get', { id: inquiry!.id })).messages.some((m) => m.direction === 'out'));
    const waiting = await t.call('outbox.queue', { inquiryId: inquiry!.id, body: '山田花子様\n手続きが完了しました。' });
    return { customerId, inquiryId: inquiry!.id, waitingId: waiting.id };
  }

  it('withdraws every permitted use, erases the details and, when asked, what the inquiries said; records who, when, how and the evidence', async () => {
    const { customerId, inquiryId, waitingId } = await customerWithHistory();
    const ourReplyId = (await t.call('inquiries.get', { id: inquiryId })).messages.find((m) => m.direction === 'out')!.messageId!;

    const detail = await t.call('customers.cancelRegistration', {
      id: customerId,
      deleteInquiryContents: true,
      source: 'email',
      sourceInquiryId: inquiryId,
      evidence: '登録アドレスからの申し出。会員番号で本人確認',
    });

    expect(detail.customer).toMatchObject({ name: '(登録抹消済み)', email: null, phone: null, postalAddress: null, registrationCancelledAt: expect.stringMatching(/^\d{4}-/) });
    expect(detail.cancellation).toEqual({
      id: expect.any(Number),
      customerId,
      cancelledBy: '佐藤',
      cancelledAt: detail.customer.registrationCancelledAt,
      source: 'email',
      sourceInquiryId: inquiryId,
      evidence: '登録アドレスからの申し出。会員番号で本人確認',
      contentsDeleted: true,
    });
    // Nothing is permitted any more; the grants stay in the history, each withdrawal beside them.
    expect(detail.consents.filter((c) => c.state === 'permitted')).toEqual([]);
    const withdrawals = detail.history.filter((e) => e.action === 'withdraw');
    expect(withdrawals.map((e) => `${e.purpose}/${e.channel}`).sort()).toEqual(
      ['inquiry_response/any', 'internal_marketing_analysis/any', 'membership_services/any', 'new_product_information/email', 'new_product_information/post', 'order_fulfilment/any', 'related_services/any'].sort(),
    );
    expect(withdrawals.every((e) => e.source === 'email' && e.sourceInquiryId === inquiryId && e.recordedBy === '佐藤')).toBe(true);
    expect(detail.history.filter((e) => e.action === 'grant')).toHaveLength(2);
    expect(detail.amendments).toHaveLength(1);

    // The inquiry stays, with its dates (the reports count it), but says nothing any more.
    const inquiry = await t.call('inquiries.get', { id: inquiryId });
    expect(inquiry.inquiry).toMatchObject({ subject: '(登録抹消により削除)', receivedAt: '2026-11-20T01:00:00.000Z' });
    expect(inquiry.inquiry.firstResponseAt).not.toBeNull();
    expect(inquiry.messages.map((m) => ({ direction: m.direction, body: m.body, html: m.html ?? null, from: m.fromAddress, attachments: m.attachments?.length ?? 0 }))).toEqual([
      { direction: 'in', body: '', html: null, from: null, attachments: 0 },
      { direction: 'out', body: '', html: null, from: null, attachments: 0 },
    ]);
    // The reply still waiting is taken back, its text gone.
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);
    await expect(t.call('outbox.sendNow', { id: waitingId })).rejects.toMatchObject({ message: 'This reply is cancelled.' });
    // The set-aside auto-reply no longer says who sent it or what it said, and cannot be filed again.
    const [setAside] = await t.call('sync.quarantine', {});
    expect(setAside).toMatchObject({ from: null, subject: null, fileable: false, reason: expect.stringMatching(/^Mail of a customer whose registration was cancelled/) });
    await expect(t.call('sync.retryQuarantined', { id: setAside!.id, asInquiry: true })).rejects.toMatchObject({ code: 'CONFLICT' });
    // An inquiry view opened before cannot queue a reply to them.
    await expect(t.call('outbox.queue', { inquiryId, body: 'まだ開いていた画面から' })).rejects.toMatchObject({ code: 'CONFLICT' });
    // Not found by search, only by their number; and nothing more can be recorded for it.
    expect(await t.call('customers.search', { query: '' })).toEqual([]);
    expect(await t.call('customers.search', { query: '山田' })).toEqual([]);
    for (const query of [`#${customerId}`, `＃${String(customerId).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d)))}`, String(customerId)]) {
      expect((await t.call('customers.search', { query })).map((c) => ({ id: c.id, name: c.name, cancelled: c.registrationCancelledAt !== null }))).toEqual([{ id: customerId, name: '(登録抹消済み)', cancelled: true }]);
    }
    const refused = { code: 'CONFLICT', message: expect.stringMatching(/^The registration of customer \d+ was cancelled at their request/) };
    await expect(t.call('customers.cancelRegistration', { id: customerId, deleteInquiryContents: true, source: 'email', evidence: '再度' })).rejects.toMatchObject(refused);
    await expect(t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'email', evidence: '同意' })).rejects.toMatchObject(refused);
    await expect(
      t.call('customers.amend', { id: customerId, name: '山田花子', email: '', phone: '', postalAddress: '', before: { name: '(登録抹消済み)', email: null, phone: null, postalAddress: null }, source: 'email', evidence: '戻して' }),
    ).rejects.toMatchObject(refused);
    await expect(t.call('inquiries.logOffline', { channel: 'phone', customerId, receivedAt: '2026-11-25T01:00:00.000Z', subject: '電話', body: '電話です' })).rejects.toMatchObject(refused);

    // Nowhere in the database (decrypted) is anything of theirs left.
    await t.call('session.lock', {});
    const before = await inspectDatabase(t.dataDir, everythingStored);
    expect(before).toContain('登録アドレスからの申し出'); // the scan reads the records
    // Not even the Message-ID of their mail, which names their domain: it is kept as a hash.
    for (const gone of ['山田花子', 'hanako@example.jp', '090-1234-5678', '丸の内', '会員証', '778899', '退会したいです', '承知しました', '手続きが完了', '不在: ', 'first@example.jp']) expect(before).not.toContain(gone);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });

    // Mail from the address afterwards, even a reply to the old thread, is a new customer's new inquiry.
    await dovecot.appendMail(replyMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: 'お礼', text: 'ありがとうございました。', messageId: '<after@example.jp>', parentMessageId: ourReplyId }));
    await t.call('sync.run', { accountId });
    const inquiries = await t.call('inquiries.list', {});
    expect(inquiries).toHaveLength(2);
    const fresh = inquiries.find((i) => i.id !== inquiryId)!;
    expect(fresh.customerId).not.toBe(customerId);
    expect((await t.call('customers.get', { id: fresh.customerId })).customer).toMatchObject({ name: '山田花子', email: 'hanako@example.jp', registrationCancelledAt: null });

    // Nowhere in the database (decrypted) is anything of theirs from before, (the new customer's mail aside).
    await t.call('session.lock', {});
    const stored = await inspectDatabase(t.dataDir, everythingStored);
    expect(stored).toContain('ありがとうございました'); // the scan reads mail text
    for (const gone of ['090-1234-5678', '丸の内', '会員証', '778899', '退会したいです', '承知しました', '手続きが完了', '不在: ']) expect(stored).not.toContain(gone);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });

  it('keeps the inquiries as business records when the customer does not ask for them to go, and the record is append-only', async () => {
    const { customerId, inquiryId } = await customerWithHistory();
    const detail = await t.call('customers.cancelRegistration', { id: customerId, deleteInquiryContents: false, source: 'phone', evidence: '電話で会員番号を確認' });
    expect(detail.customer).toMatchObject({ name: '(登録抹消済み)', email: null, phone: null });
    expect(detail.cancellation).toMatchObject({ contentsDeleted: false, source: 'phone', sourceInquiryId: null });
    const inquiry = await t.call('inquiries.get', { id: inquiryId });
    expect(inquiry.inquiry.subject).toBe('退会したいです');
    expect(inquiry.messages[0]!.body).toContain('会員登録を削除してください');
    expect(inquiry.messages[0]!.attachments!.map((a) => a.fileName)).toEqual(['会員証_山田花子.txt']);
    // Still no reply goes out to them.
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);

    await t.call('session.lock', {});
    const refused = await inspectDatabase(t.dataDir, (raw) => attemptStatements(raw, ['UPDATE registration_cancellations SET contents_deleted = 1', 'DELETE FROM registration_cancellations', 'INSERT OR REPLACE INTO registration_cancellations SELECT * FROM registration_cancellations']));
    expect(refused).toEqual(['registration_cancellations is append-only', 'registration_cancellations is append-only', 'registration_cancellations is append-only']);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });

  /**
   * Support holds `mails`, the first from the customer whose registration is then cancelled with
   * their mail's contents; the server renumbers the folder (deleted and made anew) and holds `after`.
   */
  async function cancelThenRenumber(mails: Buffer[], after: Buffer[]) {
    await dovecot.appendMails(mails, 'Support');
    await t.call('accounts.save', testMailAccount(dovecot, smtp, { id: accountId, folders: ['Support'] }));
    await t.call('sync.run', { accountId });
    const [inquiry] = await t.call('inquiries.list', {});
    await t.call('customers.cancelRegistration', { id: inquiry!.customerId, deleteInquiryContents: true, source: 'email', evidence: '登録アドレスから退会の申し出' });
    await dovecot.withClient(async (client) => {
      await client.mailboxDelete('Support');
      await client.mailboxCreate('Support');
    });
    await dovecot.appendMails(after, 'Support');
    await t.call('sync.run', { accountId });
  }

  it("sets the customer's auto-reply aside again without sender or subject when its folder is renumbered and it is fetched anew", async () => {
    const away = autoReplyMail('auto-submitted', { from: 'hanako@example.jp', fromName: '山田花子', subject: '不在: 山田花子より', messageId: '<away-1@example.jp>' });
    const first = japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '退会の件', text: '退会します。', messageId: '<leave-1@example.jp>' });
    await cancelThenRenumber([first, away], [away, first]);
    const listed = await t.call('sync.quarantine', {});
    expect(listed.map((q) => ({ uid: q.uid, from: q.from, subject: q.subject, fileable: q.fileable }))).toEqual([{ uid: 1, from: null, subject: null, fileable: false }]);
    expect(listed[0]!.reason).toMatch(/^Mail of a customer whose registration was cancelled/);
    // Their first mail is known by its Message-ID, kept only as a hash: not imported again.
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
    await t.call('session.lock', {});
    const stored = await inspectDatabase(t.dataDir, everythingStored);
    for (const gone of ['hanako@example.jp', '山田花子', '不在: ', '<away-1@example.jp>', 'leave-1@example.jp']) expect(stored).not.toContain(gone);
    // Found again in the renumbered folder, under its new UID.
    const found = await inspectDatabase(t.dataDir, (raw) => raw.prepare("SELECT imap_uid AS uid, message_key LIKE 'sha256:%' AS hashed FROM messages WHERE direction = 'in'").all());
    expect(found).toEqual([{ uid: 2, hashed: 1 }]);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });

  it("does not take another sender's mail with the same Message-ID for the customer's forgotten one", async () => {
    // The customer's auto-responder gives every reply the same Message-ID, and so does another's.
    const away = (from: string, fromName: string, subject: string) => autoReplyMail('auto-submitted', { from, fromName, subject, messageId: '<away@autoresponder.example>' });
    const first = japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '退会の件', text: '退会します。', messageId: '<leave-2@example.jp>' });
    await cancelThenRenumber([first, away('hanako@example.jp', '山田花子', '不在: 山田花子より')], [away('hanako@example.jp', '山田花子', '不在: 山田花子より'), away('taro@example.jp', '田中太郎', '不在: 田中太郎より')]);
    const listed = (await t.call('sync.quarantine', {})).sort((a, b) => a.uid - b.uid);
    expect(listed.map((q) => ({ uid: q.uid, from: q.from, subject: q.subject }))).toEqual([
      { uid: 1, from: null, subject: null },
      { uid: 2, from: '田中太郎 <taro@example.jp>', subject: '不在: 田中太郎より' },
    ]);
  });

  it('refuses a request without evidence, or an inquiry of someone else, and changes nothing', async () => {
    const { customerId } = await customerWithHistory();
    const other = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '田中一郎' }, receivedAt: '2026-11-24T02:00:00.000Z', subject: '別件', body: '別件です。' });
    await expect(t.call('customers.cancelRegistration', { id: customerId, deleteInquiryContents: true, source: 'email', evidence: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.call('customers.cancelRegistration', { id: customerId, deleteInquiryContents: true, source: 'email', sourceInquiryId: other.id, evidence: '申し出' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/is not this customer's/),
    });
    await expect(t.call('customers.cancelRegistration', { id: 999_999, deleteInquiryContents: true, source: 'email', evidence: '申し出' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const detail = await t.call('customers.get', { id: customerId });
    expect(detail.customer).toMatchObject({ name: '山田花子', registrationCancelledAt: null });
    expect(detail.cancellation).toBeNull();
    expect(detail.consents.filter((c) => c.purpose === 'new_product_information' && c.state === 'permitted')).toHaveLength(2);
  });
});

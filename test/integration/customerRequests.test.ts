import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { diskContainsAny } from '../support/diskScan';
import { attemptStatements, inspectDatabase } from '../support/inspectDatabase';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';

describe("a customer's requests under the policy: amending their details, disclosing what is held", () => {
  let t: TestApp;
  let customerId: number;
  let inquiryId: number;

  beforeEach(async () => {
    t = await startTestApp();
    const inquiry = await t.call('inquiries.logOffline', {
      channel: 'post',
      newCustomer: { name: '山田花子', email: 'hanako@example.jp', phone: '03-1111-2222', postalAddress: '東京都千代田区丸の内1-1-1' },
      receivedAt: '2026-11-24T01:00:00.000Z',
      subject: '住所変更のお願い',
      body: '引っ越しましたので住所を変更してください。',
    });
    customerId = inquiry.customerId;
    inquiryId = inquiry.id;
  });
  afterEach(async () => t?.dispose());

  const registered = { name: '山田花子', email: 'hanako@example.jp', phone: '03-1111-2222', postalAddress: '東京都千代田区丸の内1-1-1' };
  /** The form as opened on the registered details; `before` is what it showed. */
  const unchanged = (before: typeof registered | { name: string; email: string | null; phone: string | null; postalAddress: string | null } = registered) => ({
    id: customerId,
    ...registered,
    before,
    source: 'post' as const,
    evidence: '登録住所からの郵便で申し出',
  });

  it('finds the customer however the name, address or number is typed: full-width, with spaces or hyphens', async () => {
    const found = async (query: string) => (await t.call('customers.search', { query })).map((c) => c.id);
    for (const query of ['山田花子', '山田　花子', '０３－１１１１', '0311112222', '1111-2222', 'HANAKO@example', 'ｈａｎａｋｏ']) {
      expect(await found(query), query).toEqual([customerId]);
    }
    expect(await found('山田太郎')).toEqual([]);
    // Their number: "#N" is that customer alone, a bare N lists them first.
    expect(await found(`#${customerId}`)).toEqual([customerId]);
    expect((await found(String(customerId)))[0]).toBe(customerId);
  });

  it('finds the inquiry by words of its subject, the customer, or its number, typed any of those ways', async () => {
    await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '佐藤太郎' }, receivedAt: '2026-11-24T02:00:00.000Z', subject: '見積もりの依頼', body: '見積もりをお願いします。' });
    const found = async (query: string) => (await t.call('inquiries.list', { query })).map((i) => i.id);
    for (const query of ['住所変更', '山田　花子', 'ｈａｎａｋｏ@', `#${inquiryId}`, `＃${inquiryId}`, String(inquiryId)]) {
      expect(await found(query), query).toEqual([inquiryId]);
    }
    // "#N" is that inquiry alone, whatever the status filter, never a subject that holds "#N…".
    const numbered = await t.call('inquiries.logOffline', { channel: 'post', customerId, receivedAt: '2026-11-24T03:00:00.000Z', subject: `Re: 住所変更 [#${inquiryId}0]`, body: '続き' });
    await t.call('inquiries.setStatus', { inquiryId, status: 'closed' });
    expect((await t.call('inquiries.list', { query: `#${inquiryId}`, status: 'open' })).map((i) => i.id)).toEqual([inquiryId]);
    // A bare number lists the inquiry of that number first.
    expect((await found(String(inquiryId)))[0]).toBe(inquiryId);
    expect(await found(String(inquiryId))).toContain(numbered.id);
    expect(await found('返品')).toEqual([]);
    expect(await t.call('inquiries.list', { query: '' })).toHaveLength(3);
  });

  it('changes the details and records who, when, how, the evidence and which fields: not what they were', async () => {
    const detail = await t.call('customers.amend', {
      ...unchanged(),
      postalAddress: '大阪府大阪市北区梅田2-2-2',
      phone: '',
      sourceInquiryId: inquiryId,
      evidence: '郵便で申し出。同封の控えのカード 4111 1111 1111 1111 は破棄',
    });
    expect(detail.customer).toMatchObject({ name: '山田花子', email: 'hanako@example.jp', phone: null, postalAddress: '大阪府大阪市北区梅田2-2-2' });
    expect(detail.amendments).toEqual([
      {
        id: expect.any(Number),
        customerId,
        fields: ['phone', 'postalAddress'],
        recordedBy: '佐藤',
        recordedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        source: 'post',
        sourceInquiryId: inquiryId,
        evidence: '郵便で申し出。同封の控えのカード **** **** **** 1111 は破棄',
      },
    ]);
    expect(await t.call('customers.get', { id: customerId })).toEqual(detail);

    // A second amendment is a second record; the first stands.
    const now = { ...registered, phone: null, postalAddress: '大阪府大阪市北区梅田2-2-2' };
    const renamed = await t.call('customers.amend', { ...unchanged(now), name: '佐々木花子', email: 'Hanako.Sasaki@Example.jp', phone: '', postalAddress: '大阪府大阪市北区梅田2-2-2', source: 'email', evidence: '登録アドレスから改姓の連絡' });
    expect(renamed.customer).toMatchObject({ name: '佐々木花子', email: 'hanako.sasaki@example.jp' });
    expect(renamed.amendments.map((a) => a.fields)).toEqual([['phone', 'postalAddress'], ['name', 'email']]);
    expect(renamed.amendments[1]).toMatchObject({ source: 'email', sourceInquiryId: null });
    // A form opened before that second amendment overwrites nothing.
    await expect(t.call('customers.amend', { ...unchanged(now), name: '山田花子（旧姓）' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/^The details were changed since the form was opened/) });
    expect((await t.call('customers.get', { id: customerId })).customer.name).toBe('佐々木花子');
    // The inquiry is the customer's under the new name.
    expect((await t.call('inquiries.get', { id: inquiryId })).customer.name).toBe('佐々木花子');
  });

  it('leaves an address that came with mail as it is when other details change, and checks only a new one', async () => {
    // Mail from "root@localhost" made this customer: no shape the form would accept, but it is theirs.
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => raw.prepare("UPDATE customers SET email = 'root@localhost' WHERE id = ?").run(customerId));
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    const detail = await t.call('customers.amend', { ...unchanged({ ...registered, email: 'root@localhost' }), email: 'root@localhost', name: '山田 花子' });
    expect(detail.customer).toMatchObject({ name: '山田 花子', email: 'root@localhost' });
    expect(detail.amendments[0]!.fields).toEqual(['name']);
    await expect(t.call('customers.amend', { ...unchanged({ ...registered, name: '山田 花子', email: 'root@localhost' }), email: 'admin@localhost', name: '山田 花子' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^"admin@localhost" is not an e-mail address/) });
  });

  it('keeps an e-mail address as mail carries it, however it was typed: full-width letters as ASCII, a Japanese domain in its ASCII form', async () => {
    const detail = await t.call('customers.amend', { ...unchanged(), email: 'Hanako@例え.jp' });
    expect(detail.customer.email).toBe('hanako@xn--r8jz45g.jp');
    const logged = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '全角 入力', email: 'ＺＥＮＫＡＫＵ@ｅｘａｍｐｌｅ.ｊｐ' }, receivedAt: '2026-11-24T03:00:00.000Z', subject: '全角', body: '全角のアドレス' });
    expect((await t.call('customers.get', { id: logged.customerId })).customer.email).toBe('zenkaku@example.jp');
    // Logged by phone too, a Japanese domain is taken as an amendment takes it, and full-width ＠ and ． are ASCII.
    const japanese = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '日本語 ドメイン', email: 'ｔａｒｏ＠例え．ｊｐ' }, receivedAt: '2026-11-24T03:00:00.000Z', subject: '日本語', body: '日本語ドメインのアドレス' });
    expect((await t.call('customers.get', { id: japanese.customerId })).customer.email).toBe('taro@xn--r8jz45g.jp');
    const notAnAddress = t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '誤入力', email: 'taro@example' }, receivedAt: '2026-11-24T03:00:00.000Z', subject: '誤り', body: '誤ったアドレス' });
    await expect(notAnAddress).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('"taro@example" is not an e-mail address') });
  });

  it("amends other details of a customer whose stored address another customer holds in mail's form, leaving that address as it is", async () => {
    // A pair migration 0027 left for staff: "yamada@例え.jp" stored as typed, its ASCII form another customer's.
    const twin = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '山田 別人', email: 'yamada@例え.jp' }, receivedAt: '2026-11-24T03:00:00.000Z', subject: '別人', body: '別人の用件' });
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => raw.prepare('UPDATE customers SET email = ? WHERE id = ?').run('yamada@例え.jp', customerId));
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    const legacy = { ...registered, email: 'yamada@例え.jp' };
    const detail = await t.call('customers.amend', { ...unchanged(legacy), email: 'yamada@例え.jp', phone: '03-9999-0000' });
    expect(detail.customer).toMatchObject({ email: 'yamada@例え.jp', phone: '03-9999-0000' });
    expect(detail.amendments.at(-1)?.fields).toEqual(['phone']);
    expect((await t.call('customers.get', { id: twin.customerId })).customer.email).toBe('yamada@xn--r8jz45g.jp');
  });

  it('masks a card number typed into a field, like everywhere else', async () => {
    const detail = await t.call('customers.amend', { ...unchanged(), postalAddress: '東京都港区1-1 カード4111-1111-1111-1111' });
    expect(detail.customer.postalAddress).toBe('東京都港区1-1 カード****-****-****-1111');
  });

  it('refuses what would go wrong, saying what to do, and changes nothing', async () => {
    const other = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '田中一郎', email: 'ichiro@example.jp' }, receivedAt: '2026-11-24T02:00:00.000Z', subject: '別件', body: '別件です。' });
    await expect(t.call('customers.amend', unchanged())).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'Nothing differs from the registered details: change a field, or cancel.' });
    await expect(t.call('customers.amend', { ...unchanged(), email: '03-1111-2222' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^"03-1111-2222" is not an e-mail address/) });
    await expect(t.call('customers.amend', { ...unchanged(), email: 'ICHIRO@example.jp' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `The address ichiro@example.jp is already customer ${other.customerId}'s: open that customer, or use another address.`,
    });
    // The same address typed in full-width letters (a Japanese input method left on) is that customer's too.
    await expect(t.call('customers.amend', { ...unchanged(), email: 'ＩＣＨＩＲＯ＠ｅｘａｍｐｌｅ．ｊｐ' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('ichiro@example.jp is already customer') });
    await expect(t.call('customers.amend', { ...unchanged(), name: '山田 花子', sourceInquiryId: other.id })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/is not this customer's/) });
    await expect(t.call('customers.amend', { ...unchanged(), id: 999_999, name: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(t.call('customers.amend', { ...unchanged(), evidence: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const detail = await t.call('customers.get', { id: customerId });
    expect(detail.customer).toMatchObject({ name: '山田花子', email: 'hanako@example.jp', phone: '03-1111-2222' });
    expect(detail.amendments).toEqual([]);
  });

  it('keeps the record append-only, and the new details out of plaintext on disk and in the log', async () => {
    await t.call('customers.amend', { ...unchanged(), name: '佐々木花子', phone: '06-9999-8888', evidence: '電話で本人確認のうえ改姓の申し出' });
    await t.call('session.lock', {});
    const refused = await inspectDatabase(t.dataDir, (raw) => attemptStatements(raw, ["UPDATE customer_amendments SET fields = '[]'", 'DELETE FROM customer_amendments']));
    expect(refused).toEqual(['customer_amendments is append-only', 'customer_amendments is append-only']);
    expect(diskContainsAny(t.dataDir, ['佐々木花子', '06-9999-8888', '改姓の申し出'])).toEqual([]);
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
  });

  it('discloses everything held about the customer, after logging who, when, how it was asked and how they were identified', async () => {
    await t.call('customers.amend', { ...unchanged(), phone: '06-1234-5678', evidence: '郵便で申し出' });
    await t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'post', evidence: '申込書で同意' });
    const disclosure = await t.call('customers.disclose', { id: customerId, source: 'phone', sourceInquiryId: inquiryId, evidence: '電話で開示の申し出。登録の電話番号への折り返しで本人確認。カード 4111 1111 1111 1111 は聞き取らず' });

    expect(disclosure.entry).toEqual({
      id: expect.any(Number),
      customerId,
      disclosedBy: '佐藤',
      disclosedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      source: 'phone',
      sourceInquiryId: inquiryId,
      evidence: '電話で開示の申し出。登録の電話番号への折り返しで本人確認。カード **** **** **** 1111 は聞き取らず',
    });
    // Everything held: the details, consents and their records, amendments, this disclosure, and every inquiry with its messages.
    expect(disclosure.customer).toEqual(await t.call('customers.get', { id: customerId }));
    expect(disclosure.customer.customer.phone).toBe('06-1234-5678');
    expect(disclosure.customer.history).toHaveLength(1);
    expect(disclosure.customer.amendments).toHaveLength(1);
    expect(disclosure.customer.disclosures).toEqual([disclosure.entry]);
    expect(disclosure.inquiries).toEqual([await t.call('inquiries.get', { id: inquiryId })]);
    expect(disclosure.inquiries[0]!.messages[0]!.body).toBe('引っ越しましたので住所を変更してください。');

    // The log is append-only and holds nothing of what was disclosed.
    await t.call('session.lock', {});
    const log = await inspectDatabase(t.dataDir, (raw) => {
      const row = raw.prepare('SELECT * FROM disclosure_log').get() as Record<string, unknown>;
      let update = 'allowed';
      try {
        raw.exec("UPDATE disclosure_log SET evidence = ''");
      } catch (error) {
        update = (error as Error).message;
      }
      return { columns: Object.keys(row).sort(), update };
    });
    expect(log).toEqual({ columns: ['customer_id', 'disclosed_at', 'disclosed_by', 'evidence', 'id', 'source', 'source_inquiry_id'], update: 'disclosure_log is append-only' });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });

    // Asked about another customer's inquiry, or without evidence: refused, and nothing logged.
    const other = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '田中一郎' }, receivedAt: '2026-11-24T02:00:00.000Z', subject: '別件', body: '別件です。' });
    await expect(t.call('customers.disclose', { id: customerId, source: 'phone', sourceInquiryId: other.id, evidence: '電話' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.call('customers.disclose', { id: customerId, source: 'phone', evidence: ' ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(t.call('customers.disclose', { id: 999_999, source: 'phone', evidence: '電話' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await t.call('customers.get', { id: customerId })).disclosures).toHaveLength(1);
  });

  it('discloses the replies not sent and the mail set aside from their address, or one they wrote from before, and nobody else\'s', async () => {
    const account = await t.call('accounts.save', {
      label: 'サポート', imapHost: '127.0.0.1', imapPort: 1143, imapTls: false, imapUser: 'support', imapPassword: 'secret',
      smtpHost: '127.0.0.1', smtpPort: 1025, smtpTls: false, smtpUser: '', fromAddress: 'support@toot.example', fromName: 'TOOT',
    });
    const reply = await t.call('outbox.queue', { inquiryId, body: '住所を変更しました。', quoteOriginal: false });
    await t.call('outbox.cancel', { id: reply.id });
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => {
      const insert = raw.prepare("INSERT INTO quarantine (mail_account_id, folder, imap_uid, reason, at, from_text, subject, sent_at) VALUES (?, 'INBOX', ?, 'Automatic mail (auto-reply or delivery report): no inquiry opened', '2026-11-28T00:00:00.000Z', ?, ?, NULL)");
      insert.run(account.id, 1, '山田花子 <Hanako@Example.jp>', '不在のお知らせ');
      insert.run(account.id, 2, 'hanako@example.jp', '自動返信');
      insert.run(account.id, 3, '別人 <xhanako@example.jp>', '別人の自動返信');
      insert.run(account.id, 4, 'hanako@example.jpn', '別人の自動返信');
      // They wrote from another address before: mail set aside from it is theirs too.
      raw.prepare('UPDATE messages SET from_address = ? WHERE inquiry_id = ?').run('hanako.old@example.jp', inquiryId);
      insert.run(account.id, 5, '山田花子 <hanako.old@example.jp>', '以前のアドレスからの自動返信');
    });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    const disclosure = await t.call('customers.disclose', { id: customerId, source: 'email', evidence: '登録アドレスから開示請求' });
    expect(disclosure.unsentReplies).toMatchObject([{ id: reply.id, inquiryId, status: 'cancelled', body: '住所を変更しました。' }]);
    expect(disclosure.setAside.map((mail) => mail.subject)).toEqual(['不在のお知らせ', '自動返信', '以前のアドレスからの自動返信']);
  });

  it('discloses every inquiry of a customer with more than the customer page lists, oldest first', async () => {
    for (let i = 1; i <= 505; i++) {
      await t.call('inquiries.logOffline', { channel: 'phone', customerId, receivedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), subject: `電話 ${i}`, body: `用件 ${i}` });
    }
    expect((await t.call('customers.get', { id: customerId })).inquiries).toHaveLength(500);
    const disclosure = await t.call('customers.disclose', { id: customerId, source: 'post', evidence: '郵便で開示請求。本人確認書類の写しを確認' });
    expect(disclosure.inquiries).toHaveLength(506);
    expect(disclosure.inquiries[0]!.inquiry.subject).toBe('電話 1');
    expect(disclosure.inquiries.at(-1)!.inquiry.subject).toBe('住所変更のお願い');
  });
});

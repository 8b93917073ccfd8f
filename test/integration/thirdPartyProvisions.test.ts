import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { attemptStatements, inspectDatabase } from '../support/inspectDatabase';
import { startTestApp, type TestApp } from '../support/testApp';

/**
 * The policy provides a customer's information to a third party only with their consent, to
 * protect life, health or property, or at a request under a law: each provision is recorded,
 * append-only, shown on the customer's page and in what is disclosed to them.
 */
describe('provisions of personal information to third parties', () => {
  let t: TestApp;
  let customerId: number;
  let inquiryId: number;
  let now = '2026-12-01T03:00:00.000Z';

  beforeEach(async () => {
    now = '2026-12-01T03:00:00.000Z';
    t = await startTestApp({ now: () => now, operator: '佐藤' });
    const inquiry = await t.call('inquiries.logOffline', {
      channel: 'phone',
      newCustomer: { name: '山田花子', email: 'hanako@example.jp', phone: '03-1111-2222' },
      receivedAt: '2026-12-01T01:00:00.000Z',
      subject: '配送業者への連絡',
      body: '配送業者に電話番号を伝えてよいとのこと。',
    });
    customerId = inquiry.customerId;
    inquiryId = inquiry.id;
  });
  afterEach(async () => t?.dispose());

  const provision = {
    recipient: '神奈川県警察 港北警察署',
    items: '氏名、電話番号、問い合わせ #1 の内容',
    basis: 'legal_request' as const,
    providedOn: '2026-12-01',
    evidence: '捜査関係事項照会書（刑事訴訟法第197条第2項）第123号。カード 4111 1111 1111 1111 の記載は提供せず',
  };

  it('records who received what, on which ground, when, and who recorded it; card numbers masked', async () => {
    const detail = await t.call('customers.recordProvision', { customerId, sourceInquiryId: inquiryId, ...provision });
    expect(detail.provisions).toEqual([
      {
        id: expect.any(Number),
        customerId,
        recipient: '神奈川県警察 港北警察署',
        items: '氏名、電話番号、問い合わせ #1 の内容',
        basis: 'legal_request',
        providedOn: '2026-12-01',
        evidence: '捜査関係事項照会書（刑事訴訟法第197条第2項）第123号。カード **** **** **** 1111 の記載は提供せず',
        recordedBy: '佐藤',
        recordedAt: now,
        sourceInquiryId: inquiryId,
      },
    ]);
    // The customer may ask to see them: a disclosure holds them.
    const disclosure = await t.call('customers.disclose', { id: customerId, source: 'phone', evidence: '電話で開示の申し出' });
    expect(disclosure.customer.provisions).toHaveLength(1);
  });

  it('refuses a record without a recipient, items or grounds, with a day in the future, or of another customer\'s inquiry', async () => {
    await expect(t.call('customers.recordProvision', { customerId, ...provision, recipient: '  ' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Name who received the information') });
    await expect(t.call('customers.recordProvision', { customerId, ...provision, evidence: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Describe the grounds') });
    await expect(t.call('customers.recordProvision', { customerId, ...provision, providedOn: '2026-12-02' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The day provided (2026-12-02) is later than today: check the date.',
    });
    const other = await t.call('inquiries.logOffline', { channel: 'fax', newCustomer: { name: '佐藤太郎' }, receivedAt: '2026-12-01T02:00:00.000Z', subject: '注文', body: '注文書' });
    await expect(t.call('customers.recordProvision', { customerId, ...provision, sourceInquiryId: other.id })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await t.call('customers.get', { id: customerId })).provisions).toEqual([]);
  });

  it('keeps the records as written, after a cancelled registration too', async () => {
    await t.call('customers.recordProvision', { customerId, ...provision, basis: 'consent', recipient: 'ヤマト運輸 横浜支店', items: '電話番号', evidence: '電話で本人が同意' });
    await t.call('customers.cancelRegistration', { id: customerId, deleteInquiryContents: true, source: 'phone', evidence: '電話で退会の申し出' });
    expect((await t.call('customers.get', { id: customerId })).provisions.map((p) => [p.basis, p.recipient])).toEqual([['consent', 'ヤマト運輸 横浜支店']]);
    await t.app.close();
    const attempts = await inspectDatabase(t.dataDir, (raw) =>
      attemptStatements(raw, ["UPDATE third_party_provisions SET recipient = '書き換え'", 'DELETE FROM third_party_provisions']),
    );
    expect(attempts).toEqual(['third_party_provisions is append-only', 'third_party_provisions is append-only']);
    await t.restart();
  });
});

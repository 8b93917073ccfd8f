import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspectDatabase } from '../support/inspectDatabase';
import { startTestApp, TEST_PASSPHRASE, type TestApp } from '../support/testApp';

describe('consent records and the permitted mailing list', () => {
  let t: TestApp;
  let clock = Date.parse('2026-11-24T00:00:00.000Z');
  const tick = () => new Date((clock += 60_000)).toISOString();

  beforeEach(async () => {
    t = await startTestApp({ now: tick, operator: '佐藤' });
  });
  afterEach(async () => t.dispose());

  async function customer(name: string, email?: string) {
    const inquiry = await t.call('inquiries.logOffline', {
      channel: 'phone',
      newCustomer: { name, ...(email ? { email } : {}) },
      receivedAt: '2026-11-24T00:00:00.000Z',
      subject: 'お問い合わせ',
      body: '内容',
    });
    return { customerId: inquiry.customerId, inquiryId: inquiry.id };
  }

  it('shows consent-based purposes as not consented and policy purposes as permitted until someone records otherwise', async () => {
    const { customerId } = await customer('田中');
    const { consents, history } = await t.call('customers.get', { id: customerId });
    expect(history).toEqual([]);
    expect(consents.filter((c) => c.purpose === 'new_product_information').map((c) => [c.channel, c.state])).toEqual([
      ['email', 'not_consented'],
      ['post', 'not_consented'],
      ['phone', 'not_consented'],
    ]);
    expect(consents.find((c) => c.purpose === 'inquiry_response')).toMatchObject({ channel: 'any', state: 'permitted' });
    expect(consents).toHaveLength(8);
  });

  it('records an opt-out from an inquiry with who, when, source and evidence, and the latest record wins', async () => {
    const { customerId, inquiryId } = await customer('田中', 'tanaka@example.jp');
    await t.call('consent.record', {
      customerId,
      action: 'grant',
      purposes: ['new_product_information'],
      channels: ['email', 'post'],
      source: 'web_form',
      evidence: '会員登録フォームで「新商品のご案内を受け取る」にチェック',
    });
    await t.call('consent.record', {
      customerId,
      action: 'withdraw',
      purposes: ['new_product_information', 'internal_marketing_analysis'],
      channels: ['email'],
      source: 'phone',
      sourceInquiryId: inquiryId,
      evidence: 'お電話で「今後案内メールは不要」とのこと',
    });
    const { consents, history } = await t.call('customers.get', { id: customerId });
    const state = (purpose: string, channel: string) => consents.find((c) => c.purpose === purpose && c.channel === channel)?.state;
    expect(state('new_product_information', 'email')).toBe('withdrawn');
    expect(state('new_product_information', 'post')).toBe('permitted');
    expect(state('internal_marketing_analysis', 'any')).toBe('withdrawn');
    expect(history).toHaveLength(4);
    expect(history[2]).toMatchObject({
      action: 'withdraw',
      purpose: 'new_product_information',
      channel: 'email',
      recordedBy: '佐藤',
      source: 'phone',
      sourceInquiryId: inquiryId,
      evidence: 'お電話で「今後案内メールは不要」とのこと',
    });
    expect(Date.parse(history[2]!.recordedAt)).toBeGreaterThan(Date.parse(history[0]!.recordedAt));
  });

  it('keeps consent history append-only, even against direct SQL', async () => {
    const { customerId } = await customer('田中', 'tanaka@example.jp');
    await t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'email', evidence: 'メールで同意' });
    const { openDatabase } = await import('../../electron/db/openDatabase');
    const { KeyVault } = await import('../../electron/security/keyVault');
    const { join } = await import('node:path');
    await t.call('session.lock', {});
    const key = await new KeyVault(join(t.dataDir, 'key.json'), null).unlock('correct horse battery staple');
    const opened = openDatabase({ file: join(t.dataDir, 'madoguchi.db'), key });
    expect(() => opened.raw.prepare("UPDATE consent_events SET action = 'withdraw'").run()).toThrow(/append-only/);
    expect(() => opened.raw.prepare('DELETE FROM consent_events').run()).toThrow(/append-only/);
    // Nor can a record be replaced by one under its id (SQLite's REPLACE deletes without firing delete triggers).
    const forge = "INTO consent_events (id, customer_id, purpose, channel, action, recorded_by, recorded_at, source, evidence) SELECT id, customer_id, purpose, channel, 'withdraw', recorded_by, recorded_at, source, 'forged' FROM consent_events";
    expect(() => opened.raw.prepare(`INSERT OR REPLACE ${forge}`).run()).toThrow(/append-only/);
    expect(() => opened.raw.prepare(`REPLACE ${forge}`).run()).toThrow(/append-only/);
    expect(opened.raw.prepare('SELECT action, evidence FROM consent_events').all()).toEqual([{ action: 'grant', evidence: 'メールで同意' }]);
    await opened.close();
  });

  it('refuses a consent record without evidence, or tied to another customer’s inquiry', async () => {
    const a = await customer('A', 'a@example.jp');
    const b = await customer('B', 'b@example.jp');
    await expect(
      t.call('consent.record', { customerId: a.customerId, action: 'withdraw', purposes: ['new_product_information'], channels: ['email'], source: 'email', evidence: '  ' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/evidence/) });
    await expect(
      t.call('consent.record', {
        customerId: a.customerId,
        action: 'withdraw',
        purposes: ['new_product_information'],
        channels: ['email'],
        source: 'email',
        sourceInquiryId: b.inquiryId,
        evidence: 'x',
      }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await t.call('customers.get', { id: a.customerId })).history).toEqual([]);
  });

  it('lists for mailing only customers whose latest e-mail record for new products is a grant, and logs each export', async () => {
    const consenting = await customer('同意 太郎', 'yes@example.jp');
    const withdrawn = await customer('撤回 花子', 'no-more@example.jp');
    await customer('未同意 次郎', 'never@example.jp');
    const postOnly = await customer('郵便のみ', 'post-only@example.jp');
    const noEmail = await customer('メールなし');
    const grant = (customerId: number, channels: ('email' | 'post')[]) =>
      t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels, source: 'web_form', evidence: 'フォームで同意' });
    await grant(consenting.customerId, ['email']);
    await grant(withdrawn.customerId, ['email']);
    await grant(postOnly.customerId, ['post']);
    await grant(noEmail.customerId, ['post']);
    await t.call('consent.record', {
      customerId: withdrawn.customerId,
      action: 'withdraw',
      purposes: ['new_product_information'],
      channels: ['any'],
      source: 'email',
      sourceInquiryId: withdrawn.inquiryId,
      evidence: '配信停止のご依頼',
    });

    const preview = await t.call('marketing.preview', {});
    expect(preview.count).toBe(1);
    expect(preview.rows.map((r) => r.email)).toEqual(['yes@example.jp']);

    // The list must say where it goes: the contractor entrusted with sending the mail.
    await expect(t.call('marketing.exportCsv', { handedTo: ' ' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Name to whom the list is handed') });
    const exported = await t.call('marketing.exportCsv', { handedTo: '株式会社メール配信' });
    expect(exported.count).toBe(1);
    expect(exported.filename).toMatch(/^madoguchi-new-products-email-\d{12}\.csv$/);
    const lines = exported.csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('yes@example.jp');
    expect(exported.csv).not.toContain('no-more@example.jp');
    expect(exported.csv).not.toContain('never@example.jp');

    const log = await t.call('marketing.exportLog', {});
    expect(log).toEqual([expect.objectContaining({ exportedBy: '佐藤', rowCount: 1, listKey: 'new_product_information/email', handedTo: '株式会社メール配信' })]);

    // Each export is traced to whom it held: the customer's page (and so a disclosure to them) says when their address went out.
    const { noLongerMailable, ...exportOfThem } = log[0]!;
    expect(noLongerMailable).toBe(0);
    expect((await t.call('customers.get', { id: consenting.customerId })).mailingListExports).toEqual([exportOfThem]);
    expect((await t.call('customers.get', { id: withdrawn.customerId })).mailingListExports).toEqual([]);
    const disclosure = await t.call('customers.disclose', { id: consenting.customerId, source: 'email', evidence: '本人から開示請求' });
    expect(disclosure.customer.mailingListExports).toEqual([exportOfThem]);
    // Append-only, like the export log.
    await t.call('session.lock', {});
    const attempts = await inspectDatabase(t.dataDir, (raw) =>
      ['DELETE FROM export_recipients', 'UPDATE export_recipients SET customer_id = 0'].map((statement) => {
        try {
          raw.exec(statement);
          return 'changed';
        } catch (error) {
          return (error as Error).message;
        }
      }),
    );
    expect(attempts).toEqual(['export_recipients is append-only', 'export_recipients is append-only']);
  });

  it('lists one mailbox once, and not at all when it opted out or bounces under another spelling of its address (pairs left from before addresses were kept as mail carries them)', async () => {
    const legacy = await customer('旧 登録', 'legacy@example.jp');
    const current = await customer('新 登録', 'yamada@例え.jp');
    const legacyTwin = await customer('旧 太郎', 'legacy-taro@example.jp');
    const currentTwin = await customer('新 太郎', 'taro@example.jp');
    const bouncing = await customer('旧 不達', 'legacy-bounce@example.jp');
    const bouncingTwin = await customer('新 不達', 'bounce@example.jp');
    // Stored as typed by a version that kept addresses so: migration 0027 left them, their ASCII form being another customer's.
    await t.call('session.lock', {});
    await inspectDatabase(t.dataDir, (raw) => {
      const spell = raw.prepare('UPDATE customers SET email = ? WHERE id = ?');
      spell.run('yamada@例え.jp', legacy.customerId);
      spell.run('Taro@Example.jp', legacyTwin.customerId);
      spell.run('Bounce@example.jp', bouncing.customerId);
      raw.prepare('UPDATE customers SET email_undeliverable = 1 WHERE id = ?').run(bouncingTwin.customerId);
    });
    await t.call('session.unlock', { passphrase: TEST_PASSPHRASE, operator: '佐藤' });
    const grant = (customerId: number) =>
      t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'web_form', evidence: 'フォームで同意' });
    for (const { customerId } of [legacy, current, legacyTwin, currentTwin, bouncing]) await grant(customerId);
    await t.call('consent.record', { customerId: current.customerId, action: 'withdraw', purposes: ['new_product_information'], channels: ['any'], source: 'email', sourceInquiryId: current.inquiryId, evidence: '配信停止のご依頼' });

    expect((await t.call('marketing.preview', {})).rows.map((r) => r.email)).toEqual(['Taro@Example.jp']);
    const exported = await t.call('marketing.exportCsv', { handedTo: '株式会社メール配信' });
    expect(exported.count).toBe(1);
    for (const stopped of ['例え', 'xn--', 'ounce@']) expect(exported.csv).not.toContain(stopped);
  });

  it('tells which customers an earlier export held may no longer be mailed, for its holder to delete them', async () => {
    const staying = await customer('継続 一郎', 'stay@example.jp');
    const optingOut = await customer('停止 二郎', 'stop@example.jp');
    const leaving = await customer('退会 三郎', 'leave@example.jp');
    for (const { customerId } of [staying, optingOut, leaving]) {
      await t.call('consent.record', { customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'web_form', evidence: 'フォームで同意' });
    }
    await t.call('marketing.exportCsv', { handedTo: '株式会社メール配信' });
    const [sent] = await t.call('marketing.exportLog', {});
    expect(sent).toMatchObject({ rowCount: 3, noLongerMailable: 0 });
    expect((await t.call('customers.get', { id: optingOut.customerId })).onMailingList).toBe(true);

    await t.call('consent.record', { customerId: optingOut.customerId, action: 'withdraw', purposes: ['new_product_information'], channels: ['email'], source: 'phone', sourceInquiryId: optingOut.inquiryId, evidence: '電話で配信停止の依頼' });
    await t.call('customers.cancelRegistration', { id: leaving.customerId, deleteInquiryContents: true, source: 'email', evidence: '退会の依頼' });
    // A second export after both: it does not hold them, the first still does.
    await t.call('marketing.exportCsv', { handedTo: '株式会社メール配信' });
    const [later, first] = await t.call('marketing.exportLog', {});
    expect(later).toMatchObject({ rowCount: 1, noLongerMailable: 0 });
    expect(first).toMatchObject({ id: sent!.id, noLongerMailable: 2 });
    expect((await t.call('customers.get', { id: optingOut.customerId })).onMailingList).toBe(false);
    expect((await t.call('customers.get', { id: staying.customerId })).onMailingList).toBe(true);

    const stop = await t.call('marketing.stopList', { exportId: sent!.id });
    expect(stop.count).toBe(2);
    expect(stop.filename).toMatch(/^madoguchi-new-products-email-\d{12}-stop\.csv$/);
    const lines = stop.csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines).toEqual([
      '顧客ID (customer id),理由 (reason),日時 JST (since)',
      expect.stringMatching(new RegExp(`^${optingOut.customerId},配信停止 \\(opted out\\),2026-11-24 \\d{2}:\\d{2}$`)),
      expect.stringMatching(new RegExp(`^${leaving.customerId},登録抹消 \\(registration cancelled\\),2026-11-24 \\d{2}:\\d{2}$`)),
    ]);
    // Ids and reasons only: the holder has the addresses already, and the list hands out no more.
    expect(stop.csv).not.toContain('@');
    expect((await t.call('marketing.stopList', { exportId: later!.id })).count).toBe(0);
    await expect(t.call('marketing.stopList', { exportId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    // An address corrected since (it may have been someone else's): the old one is to go too; the next export holds the new one.
    await t.call('customers.amend', {
      id: staying.customerId,
      name: '継続 一郎',
      email: 'stay-new@example.jp',
      phone: '',
      postalAddress: '',
      before: { name: '継続 一郎', email: 'stay@example.jp', phone: null, postalAddress: null },
      source: 'phone',
      evidence: '電話でアドレス変更の依頼',
    });
    // Their page warns that a list handed out still holds them (the old address), though they are on the list (the new one).
    expect(await t.call('customers.get', { id: staying.customerId })).toMatchObject({ onMailingList: true, onAStopList: true });
    const stopAfterAmendment = await t.call('marketing.stopList', { exportId: sent!.id });
    expect(stopAfterAmendment.csv).toMatch(new RegExp(`\\r\\n${staying.customerId},アドレス変更 \\(address changed\\),2026-11-24 \\d{2}:\\d{2}\\r\\n`));
    expect((await t.call('marketing.exportLog', {}))[0]).toMatchObject({ id: later!.id, noLongerMailable: 1 });
    await t.call('marketing.exportCsv', { handedTo: '株式会社メール配信' });
    expect((await t.call('marketing.exportLog', {}))[0]).toMatchObject({ rowCount: 1, noLongerMailable: 0 });
    expect((await t.call('customers.get', { id: staying.customerId })).onAStopList).toBe(true);
    expect((await t.call('customers.get', { id: optingOut.customerId })).onAStopList).toBe(true);

    // Opting in again takes them off the stop list.
    await t.call('consent.record', { customerId: optingOut.customerId, action: 'grant', purposes: ['new_product_information'], channels: ['email'], source: 'web_form', evidence: '再度同意' });
    expect((await t.call('marketing.exportLog', {})).find((entry) => entry.id === sent!.id)).toMatchObject({ noLongerMailable: 2 });
  });
});


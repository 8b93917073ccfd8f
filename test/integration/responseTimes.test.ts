import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/testApp';

/**
 * The response-time report counts every inquiry staff answered, however they answered it: a
 * phone, post or fax inquiry is answered outside Madoguchi, and marking it answered is its first
 * response. Times are set by the test's clock.
 */
describe('response times: inquiries logged by staff and answered outside Madoguchi', () => {
  let t: TestApp;
  let now = '2026-11-24T01:00:00.000Z';

  beforeEach(async () => {
    now = '2026-11-24T01:00:00.000Z';
    t = await startTestApp({ now: () => now });
  });
  afterEach(async () => t?.dispose());

  const log = (channel: 'phone' | 'post' | 'fax', subject: string) =>
    t.call('inquiries.logOffline', { channel, newCustomer: { name: `${subject}の顧客` }, receivedAt: '2026-11-24T01:00:00.000Z', subject, body: `${subject}の用件` });
  const report = async () => (await t.call('reports.responseTimes', { from: '2026-11-24', to: '2026-11-24' })).rows;

  it('reports a phone inquiry logged with a Tokyo time on its Tokyo day', async () => {
    // 2026-11-25 05:00 in Tokyo is 2026-11-24T20:00Z: the 25th's report has it, the 24th's not.
    now = '2026-11-25T00:00:00.000Z';
    const logged = await t.call('inquiries.logOffline', { channel: 'phone', newCustomer: { name: '時刻の顧客' }, receivedAt: '2026-11-25T05:00:00+09:00', subject: '朝の電話', body: '用件' });
    expect(logged.receivedAt).toBe('2026-11-24T20:00:00.000Z');
    expect((await report()).find((r) => r.channel === 'phone')).toMatchObject({ received: 0 });
    const next = (await t.call('reports.responseTimes', { from: '2026-11-25', to: '2026-11-25' })).rows;
    expect(next.find((r) => r.channel === 'phone')).toMatchObject({ received: 1 });
  });

  it('refuses an inquiry logged as received later than now, and says so in both languages', async () => {
    const later = { channel: 'phone' as const, newCustomer: { name: '未来の顧客' }, subject: '未来の電話', body: '用件' };
    await expect(t.call('inquiries.logOffline', { ...later, receivedAt: '2026-11-24T01:30:00.000Z' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The time received (2026-11-24 10:30) is later than now: check the date and time.',
    });
    const { localizeUserMessage } = await import('../../shared/userMessages');
    expect(localizeUserMessage('The time received (2026-11-24 10:30) is later than now: check the date and time.', 'ja')).toBe(
      '受付日時（2026-11-24 10:30）が現在より後になっています。日付と時刻を確認してください。',
    );
    expect(await t.call('customers.search', { query: '未来の顧客' })).toEqual([]);
    // Nor one with a year mistyped: it would fall in no report anyone reads.
    await expect(t.call('inquiries.logOffline', { ...later, receivedAt: '0026-11-24T10:00:00+09:00' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'The time received is before the year 2000: check the year.',
    });
    // A clock a minute or two ahead of the app's is not refused.
    expect((await t.call('inquiries.logOffline', { ...later, receivedAt: '2026-11-24T01:02:00.000Z' })).receivedAt).toBe('2026-11-24T01:02:00.000Z');
  });

  it('refuses a report day that does not exist instead of reading it as another', async () => {
    await expect(t.call('reports.responseTimes', { from: '2026-02-31', to: '2026-03-05' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('Enter a date that exists, as YYYY-MM-DD') });
    expect((await t.call('reports.responseTimes', { from: '2024-02-29', to: '2024-03-01' })).from).toBe('2024-02-29');
  });

  it('takes the moment a phone or post inquiry is marked answered as its first response, once; closing one unanswered is no response', async () => {
    const phone = await log('phone', '電話');
    const post = await log('post', '郵便');
    const fax = await log('fax', 'FAX');

    now = '2026-11-24T02:30:00.000Z';
    expect(await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'answered' })).toMatchObject({ status: 'answered', firstResponseAt: now });
    now = '2026-11-24T05:00:00.000Z';
    await t.call('inquiries.setStatus', { inquiryId: post.id, status: 'answered' });
    await t.call('inquiries.setStatus', { inquiryId: fax.id, status: 'closed' });
    // Reopened and marked answered again: the first response stays the first.
    now = '2026-11-25T00:00:00.000Z';
    await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'open' });
    expect(await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'answered' })).toMatchObject({ firstResponseAt: '2026-11-24T02:30:00.000Z' });

    const rows = await report();
    expect(rows.find((r) => r.channel === 'phone')).toMatchObject({ received: 1, answered: 1, medianMinutes: 90 });
    expect(rows.find((r) => r.channel === 'post')).toMatchObject({ received: 1, answered: 1, medianMinutes: 240 });
    expect(rows.find((r) => r.channel === 'fax')).toMatchObject({ received: 1, answered: 0, medianMinutes: null });
    expect(rows.find((r) => r.channel === 'all')).toMatchObject({ received: 3, answered: 2 });
  });

  it('counts a phone call answered during the call as answered at the time of the call, however late it is typed in; post and fax cannot be', async () => {
    now = '2026-11-24T07:00:00.000Z';
    const call = { channel: 'phone' as const, newCustomer: { name: '通話の顧客' }, receivedAt: '2026-11-24T01:00:00.000Z', subject: '在庫の確認', body: '在庫を確認してその場で回答', answeredDuringCall: true };
    expect(await t.call('inquiries.logOffline', call)).toMatchObject({ status: 'answered', firstResponseAt: '2026-11-24T01:00:00.000Z' });
    expect((await report()).find((r) => r.channel === 'phone')).toMatchObject({ received: 1, answered: 1, medianMinutes: 0 });
    await expect(t.call('inquiries.logOffline', { ...call, channel: 'fax' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining('Only a phone call can be answered during the call'),
    });
  });

  it('exports the report as CSV that Excel in Japan opens: a BOM, CRLF, the channels named as the headers are', async () => {
    const phone = await log('phone', '電話');
    now = '2026-11-24T02:30:00.000Z';
    await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'answered' });

    const { filename, csv } = await t.call('reports.responseTimesCsv', { from: '2026-11-24', to: '2026-11-24' });

    expect(filename).toBe('madoguchi-response-times-2026-11-24-2026-11-24.csv');
    expect(csv.startsWith('\uFEFF"期間開始 (from, JST)","期間終了 (to, JST)",チャネル (channel),')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines).toContain('2026-11-24,2026-11-24,電話 (phone),1,1,90,90');
    expect(lines.find((line) => line.includes('合計 (all)'))).toBe('2026-11-24,2026-11-24,合計 (all),1,1,90,90');
  });

  it('takes back the first response with an undo of "answered" picked by mistake, and only the one that change set', async () => {
    const phone = await log('phone', '電話');
    now = '2026-11-24T01:05:00.000Z';
    const marked = await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'answered' });
    expect(marked.firstResponseAt).toBe(now);
    now = '2026-11-24T01:06:00.000Z';
    expect(await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'open', undoFirstResponseAt: marked.firstResponseAt! })).toMatchObject({ status: 'open', firstResponseAt: null });
    expect((await report()).find((r) => r.channel === 'phone')).toMatchObject({ received: 1, answered: 0 });

    // Answered for real the next morning: that is the first response.
    now = '2026-11-25T00:00:00.000Z';
    const answered = await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'answered' });
    expect(answered.firstResponseAt).toBe(now);
    // An undo that names another time (a later change's) leaves the first response as it is.
    expect(await t.call('inquiries.setStatus', { inquiryId: phone.id, status: 'open', undoFirstResponseAt: '2026-11-24T01:05:00.000Z' })).toMatchObject({ firstResponseAt: now });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_INQUIRY_LIST_LIMIT, type InquirySummary } from '../../shared/domain';
import { startTestApp, type TestApp } from '../support/testApp';

/** The inbox reads a long list a page at a time, each after the last inquiry shown: none twice, none left out. */
describe('inquiries.list a page at a time', () => {
  let t: TestApp;
  let customerId: number;
  beforeEach(async () => {
    t = await startTestApp();
    customerId = (await t.call('inquiries.logOffline', { channel: 'post', newCustomer: { name: '山田花子' }, receivedAt: '2026-11-01T01:00:00.000Z', subject: '最初の問い合わせ', body: '本文' })).customerId;
  });
  afterEach(async () => t?.dispose());

  /** Logs inquiries received at these times (several at the same instant), subjects "問い合わせ N". */
  async function logAt(times: string[]): Promise<void> {
    for (const [n, receivedAt] of times.entries()) await t.call('inquiries.logOffline', { channel: 'phone', customerId, receivedAt, subject: `問い合わせ ${n}`, body: '本文' });
  }

  async function allPages(filter: { query?: string }, size: number): Promise<InquirySummary[][]> {
    const pages: InquirySummary[][] = [];
    let last: InquirySummary | undefined;
    for (;;) {
      const page = await t.call('inquiries.list', { ...filter, limit: size, ...(last ? { after: { id: last.id, receivedAt: last.receivedAt } } : {}) });
      if (page.length === 0) break;
      pages.push(page);
      last = page.at(-1);
      if (page.length < size) break;
    }
    return pages;
  }

  it('lists every inquiry once, newest first, across pages that split inquiries received at the same instant', async () => {
    await logAt(['2026-11-02T01:00:00.000Z', '2026-11-03T01:00:00.000Z', '2026-11-03T01:00:00.000Z', '2026-11-03T01:00:00.000Z', '2026-11-03T01:00:00.000Z', '2026-11-04T01:00:00.000Z']);
    const whole = await t.call('inquiries.list', {});
    expect(whole).toHaveLength(7);
    const pages = await allPages({}, 3);
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat().map((i) => i.id)).toEqual(whole.map((i) => i.id));
  });

  it('a bare number lists its inquiry first on the first page only; "#N" is that one alone', async () => {
    await logAt(['2026-11-02T01:00:00.000Z', '2026-11-03T01:00:00.000Z', '2026-11-04T01:00:00.000Z']);
    // Inquiry 1 is the oldest; subjects holding "1" ("問い合わせ 1") match the bare number too.
    await logAt(['2026-11-05T01:00:00.000Z', '2026-11-06T01:00:00.000Z']);
    const whole = await t.call('inquiries.list', { query: '1' });
    expect(whole[0]!.id).toBe(1);
    const pages = await allPages({ query: '1' }, 1);
    expect(pages.flat().map((i) => i.id)).toEqual(whole.map((i) => i.id));
    expect(await t.call('inquiries.list', { query: '#1', limit: 1, after: { id: 1, receivedAt: whole[0]!.receivedAt } })).toEqual([]);
  });

  it('reads a cursor written with another offset as the same instant', async () => {
    await logAt(['2026-11-02T01:00:00.000Z', '2026-11-03T01:00:00.000Z']);
    const [newest, middle] = await t.call('inquiries.list', {});
    // 2026-11-03T01:00Z written in Japan time, without milliseconds.
    expect(middle!.receivedAt).toBe('2026-11-02T01:00:00.000Z');
    const after = { id: newest!.id, receivedAt: '2026-11-03T10:00:00+09:00' };
    expect((await t.call('inquiries.list', { after })).map((i) => i.id)).toEqual([middle!.id, 1]);
  });

  it('refuses a page size out of range, and a cursor that is not an inquiry and a time', async () => {
    for (const input of [{ limit: 0 }, { limit: MAX_INQUIRY_LIST_LIMIT + 1 }, { after: { id: 1 } }, { after: { id: 1, receivedAt: 'yesterday' } }]) {
      await expect(t.call('inquiries.list', input as never), JSON.stringify(input)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
  });
});

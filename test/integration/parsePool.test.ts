import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { parseInboundMail, UnparseableMailError } from '../../electron/mail/parseInboundMail';
import { PARSER_STOPPED, ParsePool } from '../../electron/sync/parsePool';
import { attachedEmlWithAttachmentMail, nestedForwardMail } from '../support/forwardedMailFixtures';
import { bounceMail, japaneseMail, mailWithAttachment } from '../support/mailFixtures';
import { brokenBase64Mail } from '../support/malformedMailFixtures';

const WORKERS = fileURLToPath(new URL('../../electron/workers', import.meta.url));
const FALLBACK_DATE = '2025-04-01T00:00:00.000Z';

let pool: ParsePool | null = null;
afterEach(async () => {
  await pool?.close();
  pool = null;
});

/** Test workers: the real parse worker, but a mail with this header stops it as a parser crash would. */
const CRASHING_WORKERS = fileURLToPath(new URL('../support/workers', import.meta.url));
const crashingMail = () =>
  japaneseMail({ from: 'c@example.jp', to: 'support@toot.example', subject: '壊れる', text: '本文', extraHeaders: [['X-Test-Crash-Parser', 'yes']] });

describe('parsing on worker threads', () => {
  it('reads every kind of mail exactly as the main thread does, attachments as Buffers', async () => {
    pool = new ParsePool({ workersDir: WORKERS, size: 2 });
    const corpus = [
      japaneseMail({ from: 'yamada@example.jp', fromName: '山田 太郎', to: 'support@toot.example', subject: '①㈱№ の表示について', text: '機種依存文字 ①㈱№ です。', charset: 'iso-2022-jp' }),
      japaneseMail({ from: 'sato@example.jp', to: 'support@toot.example', subject: 'シフトJIS', text: '表示できますか', charset: 'shift_jis' }),
      mailWithAttachment({ from: 'kato@example.jp', to: 'support@toot.example', subject: '見積書', text: '添付します', attachment: Buffer.alloc(120_000, 7), fileName: '見積書.pdf' }),
      attachedEmlWithAttachmentMail(),
      nestedForwardMail(),
      bounceMail({ failedRecipient: 'gone@example.jp' }),
      brokenBase64Mail(),
    ];
    const inWorkers = await Promise.all(corpus.map((raw) => pool!.parse(raw, FALLBACK_DATE)));
    expect(pool.threadCount).toBe(2);
    for (const [i, raw] of corpus.entries()) {
      const here = await parseInboundMail(raw, FALLBACK_DATE);
      expect(inWorkers[i]).toEqual(here);
      for (const attachment of inWorkers[i]!.attachments) if (attachment.content) expect(Buffer.isBuffer(attachment.content)).toBe(true);
    }
    expect(inWorkers[0]!.subject).toBe('①㈱№ の表示について');
    expect(inWorkers[2]!.attachments[0]!.content!.equals(Buffer.alloc(120_000, 7))).toBe(true);
  });

  it('rejects data that is no mail as the main thread does', async () => {
    pool = new ParsePool({ workersDir: WORKERS, size: 1 });
    await expect(pool.parse(Buffer.from('\u0000\u0001 not a mail at all'), FALLBACK_DATE)).rejects.toBeInstanceOf(UnparseableMailError);
  });

  it('sets aside a mail that stops its worker, rereads the mails beside it, and goes on with a new worker', async () => {
    pool = new ParsePool({ workersDir: CRASHING_WORKERS, size: 1 });
    const before = japaneseMail({ from: 'a@example.jp', to: 'support@toot.example', subject: '前', text: '前のメール' });
    const after = japaneseMail({ from: 'b@example.jp', to: 'support@toot.example', subject: '後', text: '後のメール' });
    // The three are in flight together: the crash takes the worker while it holds all of them.
    const results = await Promise.allSettled([pool.parse(before, FALLBACK_DATE), pool.parse(crashingMail(), FALLBACK_DATE), pool.parse(after, FALLBACK_DATE)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { subject: '前' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: PARSER_STOPPED } });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { subject: '後' } });
    await expect(pool.parse(after, FALLBACK_DATE)).resolves.toMatchObject({ subject: '後' });
    expect(pool.threadCount).toBe(1);
  });

  it('answers many mails handed over at once, each with its own result, even when one of them stops the worker', async () => {
    pool = new ParsePool({ workersDir: CRASHING_WORKERS, size: 1 });
    // More than one message's worth: the worker receives them in several messages, the crash in the second.
    const mails = Array.from({ length: 40 }, (_, i) =>
      i === 20 ? crashingMail() : japaneseMail({ from: `c${i}@example.jp`, to: 'support@toot.example', subject: `問い合わせ ${i}`, text: `本文 ${i}`, charset: i % 2 ? 'iso-2022-jp' : 'utf-8' }),
    );
    const results = await Promise.allSettled(mails.map((raw) => pool!.parse(raw, FALLBACK_DATE)));
    for (const [i, result] of results.entries()) {
      if (i === 20) expect(result).toMatchObject({ status: 'rejected', reason: { message: PARSER_STOPPED } });
      else expect(result).toMatchObject({ status: 'fulfilled', value: { subject: `問い合わせ ${i}`, text: `本文 ${i}`, fromAddress: `c${i}@example.jp` } });
    }
  });

  it('stops a worker that answers nothing for too long, sets aside the mail it hangs on, and rereads the others', async () => {
    pool = new ParsePool({ workersDir: CRASHING_WORKERS, size: 1, stallMs: 2000 });
    const before = japaneseMail({ from: 'a@example.jp', to: 'support@toot.example', subject: '前', text: '前のメール' });
    const hanging = japaneseMail({ from: 'h@example.jp', to: 'support@toot.example', subject: '止まる', text: '本文', extraHeaders: [['X-Test-Hang-Parser', 'yes']] });
    const after = japaneseMail({ from: 'b@example.jp', to: 'support@toot.example', subject: '後', text: '後のメール' });
    const results = await Promise.allSettled([pool.parse(before, FALLBACK_DATE), pool.parse(hanging, FALLBACK_DATE), pool.parse(after, FALLBACK_DATE)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { subject: '前' } });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: PARSER_STOPPED } });
    expect(results[2]).toMatchObject({ status: 'fulfilled', value: { subject: '後' } });
    // And the pool goes on with a new worker.
    await expect(pool.parse(after, FALLBACK_DATE)).resolves.toMatchObject({ subject: '後' });
    expect(pool.threadCount).toBe(1);
  });

  it('sets aside a mail that stops its worker when it was the only one being read', async () => {
    pool = new ParsePool({ workersDir: CRASHING_WORKERS, size: 1 });
    await expect(pool.parse(crashingMail(), FALLBACK_DATE)).rejects.toThrow(PARSER_STOPPED);
    expect(pool.threadCount).toBe(0);
  });

  it('ends idle workers and starts them again when mail comes', async () => {
    pool = new ParsePool({ workersDir: WORKERS, size: 1, idleMs: 50 });
    const mail = japaneseMail({ from: 'a@example.jp', to: 'support@toot.example', subject: '件名', text: '本文' });
    await pool.parse(mail, FALLBACK_DATE);
    expect(pool.threadCount).toBe(1);
    await expect.poll(() => pool!.threadCount).toBe(0);
    await expect(pool.parse(mail, FALLBACK_DATE)).resolves.toMatchObject({ subject: '件名' });
  });

  it('blames no mail when a worker dies before it could start, and parses on this thread instead', async () => {
    pool = new ParsePool({ workersDir: fileURLToPath(new URL('../support/brokenWorkers', import.meta.url)), size: 1 });
    const mails = [1, 2, 3].map((i) => japaneseMail({ from: `a${i}@example.jp`, to: 'support@toot.example', subject: `件名 ${i}`, text: '本文' }));
    const parsed = await Promise.all(mails.map((mail) => pool!.parse(mail, FALLBACK_DATE)));
    expect(parsed.map((mail) => mail.subject)).toEqual(['件名 1', '件名 2', '件名 3']);
    expect(pool.threadCount).toBe(0);
  });

  it('parses on this thread where no worker can be started', async () => {
    pool = new ParsePool({ workersDir: '/nonexistent', size: 1 });
    const mail = japaneseMail({ from: 'a@example.jp', to: 'support@toot.example', subject: '件名', text: '本文' });
    await expect(pool.parse(mail, FALLBACK_DATE)).resolves.toMatchObject({ subject: '件名' });
    expect(pool.threadCount).toBe(0);
  });
});

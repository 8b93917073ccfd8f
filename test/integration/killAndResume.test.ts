import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseInboundMail } from '../../electron/mail/parseInboundMail';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { inspectDatabase } from '../support/inspectDatabase';
import { autoReplyMail, bounceMail, japaneseMail, noMessageIdMail, replyMail } from '../support/mailFixtures';
import { startTestApp, type TestApp } from '../support/testApp';

const root = join(import.meta.dirname, '..', '..');
const TOTAL = 300;
/** Mails per transaction in the worker: a sync of TOTAL mails commits about 60 times. */
const BATCH = 5;

interface CorpusMail {
  raw: Buffer;
  kind: 'new' | 'reply' | 'automatic' | 'duplicate';
  /** The message key it is stored under (automatic mail: none). */
  key: string | null;
}

/**
 * A support inbox with what makes resuming hard: replies whose parent was stored in an earlier
 * batch (or run), mails without a Message-ID (keyed by content hash), the same mail delivered
 * twice, auto-replies and a bounce (no inquiry), all in one folder.
 */
async function buildCorpus(): Promise<CorpusMail[]> {
  const corpus: CorpusMail[] = [];
  for (let i = 0; i < TOTAL; i++) {
    const base = { from: `customer${i % 40}@example.jp`, fromName: `顧客 ${i % 40}`, to: 'support@toot.example', date: 'Tue, 01 Apr 2025 10:00:00 +0900' };
    let mail: Omit<CorpusMail, 'key'>;
    if (i === 150) {
      mail = { raw: bounceMail({ failedRecipient: 'customer5@example.jp' }), kind: 'automatic' };
    } else if (i % 25 === 7) {
      mail = { raw: autoReplyMail('auto-submitted', { from: `away${i}@example.jp`, messageId: `<auto${i}@example.jp>` }), kind: 'automatic' };
    } else if (i % 50 === 19) {
      mail = { raw: (corpus[i - 1] as CorpusMail).raw, kind: 'duplicate' };
    } else if (i % 10 === 3 && i > 10 && corpus[i - 7]?.kind === 'new') {
      mail = { raw: replyMail({ ...base, subject: `Re: 問い合わせ ${i - 7}`, text: `追伸 ${i}`, messageId: `<m${i}@example.jp>`, parentMessageId: `<m${i - 7}@example.jp>` }), kind: 'reply' };
    } else if (i % 30 === 11) {
      mail = { raw: noMessageIdMail({ ...base, subject: `IDなしの問い合わせ ${i}`, text: `本文 ${i}` }), kind: 'new' };
    } else {
      mail = { raw: japaneseMail({ ...base, subject: `問い合わせ ${i}`, text: `本文 ${i}\n`.repeat(20), messageId: `<m${i}@example.jp>`, charset: i % 2 ? 'iso-2022-jp' : 'utf-8' }), kind: 'new' };
    }
    const parsed = await parseInboundMail(mail.raw, '2025-04-01T01:00:00.000Z');
    corpus.push({ ...mail, key: mail.kind === 'automatic' ? null : parsed.messageKey });
  }
  return corpus;
}

interface Snapshot {
  lastUid: number;
  messages: Array<{ key: string; uid: number }>;
  quarantinedUids: number[];
  inquiries: number;
  emptyInquiries: number;
  undeliverable: number;
}

function snapshot(dataDir: string, accountId: number): Promise<Snapshot> {
  return inspectDatabase(dataDir, (raw) => ({
    lastUid: (raw.prepare("SELECT last_uid FROM sync_state WHERE mail_account_id = ? AND folder = 'INBOX'").pluck().get(accountId) as number | undefined) ?? 0,
    messages: raw.prepare("SELECT message_key AS key, imap_uid AS uid FROM messages WHERE direction = 'in'").all() as Array<{ key: string; uid: number }>,
    quarantinedUids: raw.prepare('SELECT imap_uid FROM quarantine').pluck().all() as number[],
    inquiries: raw.prepare('SELECT count(*) FROM inquiries').pluck().get() as number,
    emptyInquiries: raw.prepare('SELECT count(*) FROM inquiries i WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.inquiry_id = i.id)').pluck().get() as number,
    undeliverable: raw.prepare('SELECT count(*) FROM customers WHERE email_undeliverable = 1').pluck().get() as number,
  }));
}

/** What must hold after any crash: everything up to the cursor stored exactly once, nothing stored past it, no half-written inquiry. */
function expectConsistent(state: Snapshot, corpus: CorpusMail[], uids: number[]): void {
  const stored = new Map<string, number>();
  for (const m of state.messages) {
    expect(stored.has(m.key), `message ${m.key} stored twice`).toBe(false);
    stored.set(m.key, m.uid);
    expect(m.uid, 'a message was stored without the cursor passing it').toBeLessThanOrEqual(state.lastUid);
  }
  const quarantined = new Set(state.quarantinedUids);
  corpus.forEach((mail, i) => {
    const uid = uids[i] as number;
    if (uid > state.lastUid) return;
    if (mail.key === null) expect(quarantined.has(uid), `automatic mail ${uid} below the cursor was not recorded`).toBe(true);
    else expect(stored.has(mail.key), `mail ${uid} below the cursor (${state.lastUid}) is missing`).toBe(true);
  });
  expect(state.emptyInquiries).toBe(0);
}

/**
 * Where to kill the worker. The worker stops at each step (after "unlocked", then after each
 * progress line: connecting, the folder listed, every batch committed) until told to go on.
 * At the chosen step it is killed either right there ('paused': between two transactions) or
 * `delayMs` after being let go ('running': somewhere in fetching, parsing or a transaction).
 */
interface Trigger {
  /** 0: after unlocking; 1: connecting; 2: folder listed; 3 and on: after the (n-2)th batch. */
  step: number;
  mode: 'paused' | 'running';
  delayMs?: number;
}

/** Runs the worker and SIGKILLs it at the trigger; resolves whether it finished before the kill landed. */
function runWorker(dataDir: string, accountId: number, trigger: Trigger): Promise<{ finished: boolean }> {
  // tsx's loader in this very process: the tsx command would run the script in a child of its
  // own, which a SIGKILL of the command leaves running.
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', 'syncWorker.ts'), dataDir, String(accountId), String(BATCH)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, SYNC_WORKER_STEP: '1' },
  });
  let finished = false;
  let step = -1;
  const go = () => child.stdin.write('g');
  child.stdin.on('error', () => undefined);
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('result')) finished = true;
      if (line !== 'unlocked' && !line.startsWith('progress')) continue;
      step++;
      if (step !== trigger.step) go();
      else if (trigger.mode === 'paused') child.kill('SIGKILL');
      else {
        go();
        setTimeout(() => child.kill('SIGKILL'), trigger.delayMs ?? 0);
      }
    }
  });
  return new Promise((resolve) => child.once('exit', () => resolve({ finished })));
}

describe('crash safety of the mail sync', () => {
  let dovecot: DovecotServer;
  let t: TestApp;
  let accountId: number;

  beforeAll(async () => {
    dovecot = await startDovecot();
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.dispose();
    await dovecot?.stop();
  });

  it('resumes after SIGKILL at many points of a sync, with every mail stored exactly once and none lost', async () => {
    const corpus = await buildCorpus();
    const uids = await dovecot.appendMails(corpus.map((m) => m.raw));
    accountId = (
      await t.call('accounts.save', {
        label: 'サポート', imapHost: dovecot.host, imapPort: dovecot.port, imapTls: false, imapUser: dovecot.user, imapPassword: dovecot.password,
        smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: 'support@toot.example', fromName: 'TOOT',
      })
    ).id;
    // The customer whose address bounces exists before the bounce arrives (mail i=5 is from customer5).
    await t.app.close();

    const triggers: Trigger[] = [
      { step: 0, mode: 'paused' },
      { step: 1, mode: 'running', delayMs: 0 },
      { step: 2, mode: 'paused' },
      { step: 3, mode: 'paused' },
      { step: 2, mode: 'running', delayMs: 1 },
      { step: 4, mode: 'running', delayMs: 2 },
      { step: 5, mode: 'paused' },
      { step: 3, mode: 'running', delayMs: 0 },
      { step: 6, mode: 'running', delayMs: 3 },
      { step: 4, mode: 'paused' },
      { step: 7, mode: 'running', delayMs: 1 },
      { step: 5, mode: 'running', delayMs: 5 },
      { step: 8, mode: 'paused' },
      { step: 3, mode: 'running', delayMs: 2 },
      { step: 6, mode: 'running', delayMs: 8 },
      { step: 9, mode: 'paused' },
    ];
    const killedAt: number[] = [];
    let before = await snapshot(t.dataDir, accountId);
    for (const trigger of triggers) {
      const { finished } = await runWorker(t.dataDir, accountId, trigger);
      const after = await snapshot(t.dataDir, accountId);
      expectConsistent(after, corpus, uids);
      expect(after.lastUid).toBeGreaterThanOrEqual(before.lastUid);
      if (finished) break;
      killedAt.push(after.lastUid);
      before = after;
    }
    // Killed mid-sync at many different places (the cursor each kill left behind), not just at the start or the end.
    const midSync = new Set(killedAt.filter((uid) => uid > 0 && uid < (uids.at(-1) as number)));
    expect(midSync.size).toBeGreaterThanOrEqual(10);

    await t.restart();
    const report = await t.call('sync.run', { accountId });
    expect(report.cancelled).toBeUndefined();
    const final = await (async () => {
      await t.app.close();
      const state = await snapshot(t.dataDir, accountId);
      await t.restart();
      return state;
    })();
    expect(final.lastUid).toBe(uids.at(-1));
    expectConsistent(final, corpus, uids);
    // Exactly one message per distinct mail: no loss, no duplicate.
    const expectedKeys = new Set(corpus.flatMap((m) => (m.key ? [m.key] : [])));
    expect(final.messages).toHaveLength(expectedKeys.size);
    expect(new Set(final.messages.map((m) => m.key))).toEqual(expectedKeys);
    // One inquiry per new mail; replies joined their threads, automatic mail opened none.
    expect(final.inquiries).toBe(corpus.filter((m) => m.kind === 'new').length);
    const inquiries = await t.call('inquiries.list', {});
    expect(inquiries.reduce((sum, i) => sum + i.messageCount, 0)).toBe(expectedKeys.size);
    // The bounce marked its customer, whichever run stored it.
    expect(final.undeliverable).toBe(1);
  }, 120_000);
});

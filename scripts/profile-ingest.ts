/**
 * Where a sync's time goes without the network: builds the benchmark's mails in memory, parses
 * them, and stores them in batches into a fresh encrypted database as the sync does (each batch
 * with its cursor in one transaction), timing each stage per slice of mails so that costs that
 * grow with the mailbox show. Run with `node --cpu-prof --import tsx` to see inside a stage.
 * Usage: npx tsx scripts/profile-ingest.ts [--mails 20000] [--batch 400]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../electron/db/openDatabase';
import { parseInboundMail, type InboundMail } from '../electron/mail/parseInboundMail';
import { ingestMail, ingestStore, type IngestContext } from '../electron/sync/ingestMail';
import { realisticMails } from './benchMailbox';

const { values } = parseArgs({ options: { mails: { type: 'string', default: '20000' }, batch: { type: 'string', default: '400' }, slice: { type: 'string', default: '5000' } } });
const count = Number(values.mails);
const batchSize = Number(values.batch);
const slice = Number(values.slice);

const dir = mkdtempSync(join(tmpdir(), 'profile-ingest-'));
const { raw, close } = openDatabase({ file: join(dir, 'madoguchi.db'), key: randomBytes(32) });
raw.prepare(
  `INSERT INTO mail_accounts (id, label, imap_host, imap_port, imap_tls, imap_user, smtp_host, smtp_port, smtp_tls, smtp_user, from_address, from_name)
   VALUES (1, 'bench', '127.0.0.1', 143, 0, 'u', '127.0.0.1', 25, 0, '', 'support@toot.example', 'TOOT')`,
).run();
const store = ingestStore(raw);
const ctx: IngestContext = { accountId: 1, folder: 'INBOX', uidValidity: '1', archiveBefore: null, ownAddresses: new Set(['support@toot.example']), now: new Date().toISOString() };

const realisticMail = await realisticMails();
let built = 0;
let parsed = 0;
let stored = 0;
let sliceStart = 0;
const internalDate = new Date().toISOString();
for (let first = 0; first < count; first += batchSize) {
  let t = performance.now();
  const raws: Buffer[] = [];
  for (let i = first; i < Math.min(count, first + batchSize); i++) raws.push(realisticMail(i));
  built += performance.now() - t;
  t = performance.now();
  const mails: InboundMail[] = [];
  for (const r of raws) mails.push(await parseInboundMail(r, internalDate));
  parsed += performance.now() - t;
  t = performance.now();
  raw.transaction(() => {
    mails.forEach((mail, k) => ingestMail(store, { uid: first + k + 1, internalDate, mail }, ctx));
    store.cursor.save(1, 'INBOX', '1', first + mails.length);
  }).immediate();
  stored += performance.now() - t;
  const done = first + mails.length;
  if (done - sliceStart >= slice || done === count) {
    const n = done - sliceStart;
    console.log(`mails ${String(sliceStart).padStart(6)}–${String(done).padStart(6)}: parse ${(parsed / n * 1000).toFixed(0).padStart(4)} µs/mail, store ${(stored / n * 1000).toFixed(0).padStart(4)} µs/mail (building the test mails ${(built / n * 1000).toFixed(0)} µs/mail, not part of a sync); heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
    parsed = stored = built = 0;
    sliceStart = done;
  }
}
const t = performance.now();
await close();
console.log(`closing the database (final checkpoint): ${(performance.now() - t).toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
rmSync(dir, { recursive: true, force: true });

/**
 * Sync benchmark (run by hand, never as a timed test): builds a mailbox of realistic mails in a
 * loopback Dovecot, then measures in one run, each in its own child process so peak memory is
 * its own:
 *   1. the reference: a raw imapflow FETCH of every mail's source (no parsing, no storage);
 *   2. Madoguchi's full sync: fetched, parsed, masked, threaded, indexed and stored encrypted;
 *   3. the floor: the same FETCH, each mail's source stored as it came into a database opened as
 *      the app opens it (encrypted, WAL), 100 to a transaction, nothing read: any sync that keeps
 *      the mail costs at least this, so it shows how much of the goal is left for the work itself;
 *   4. mbsync (Debian's isync) into a maildir, where it is installed.
 * Usage: npm run bench:sync -- [--mails 20000] [--rounds 3] [--profile DIR] [--threads] [--serve]
 *   --rounds N     measures N rounds (reference, then full sync) and reports each round's ratio
 *                  and their median: the load on a shared machine changes between runs;
 *   --profile DIR  writes a CPU profile of each measured child to DIR (open in Chrome DevTools);
 *   --threads      prints each measured run's CPU seconds per thread;
 *   --serve        only builds the mailbox and keeps Dovecot up, printing how to run a role
 *                  against it, so a change can be profiled again without rebuilding it.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ImapFlow } from 'imapflow';
import { startDovecot } from '../test/support/dovecot';
import { realisticMails, withheldQuotes } from './benchMailbox';

const { values } = parseArgs({
  options: {
    mails: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    role: { type: 'string' },
    port: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    profile: { type: 'string' },
    serve: { type: 'boolean', default: false },
    'build-roles': { type: 'boolean', default: false },
    threads: { type: 'boolean', default: false },
  },
});
const root = join(import.meta.dirname, '..');

interface Measure {
  mails: number;
  bytes: number;
  seconds: number;
  /**
   * CPU time of the main thread over the same span (the whole process's where /proc is missing):
   * on a shared, busy machine a steadier measure than the clock.
   */
  cpuSeconds: number;
  /** CPU time of the process's other threads over the span: the parse worker and V8's own helpers (JIT compiling, GC); null without /proc. */
  otherThreadsCpuSeconds: number | null;
  /** CPU time the whole machine was busy over the span (every process, Dovecot's too); null without /proc. */
  machineBusySeconds: number | null;
  /**
   * CPU time of each thread that used any over the span, most first; empty without /proc. Node
   * names every thread "node": they are told apart by what they use (the main thread, the parse
   * worker, V8's helper threads that compile and collect garbage, the checkpoint worker).
   */
  threadSeconds: number[];
  /** Madoguchi's run: the PDF attachments stored, and those withheld for a card number read in them. */
  pdfs?: { stored: number; withheld: number };
  peakRssMb: number;
}

/** CPU seconds used so far: by each thread of this process, and by the whole machine. */
interface CpuSnapshot {
  threads: Map<string, number>;
  machine: number | null;
}

/** utime + stime of a /proc stat line, in seconds (clock ticks, 100 per second on Linux, after the parenthesised name). */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cpuSnapshot(): CpuSnapshot {
  const threads = new Map<string, number>();
  let machine: number | null = null;
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      try {
        threads.set(tid, statCpuSeconds(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
      } catch {
        // The thread ended meanwhile.
      }
    }
    // user, nice, system, irq, softirq: busy time of every core together.
    const all = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
    machine = ((all[1] ?? 0) + (all[2] ?? 0) + (all[3] ?? 0) + (all[6] ?? 0) + (all[7] ?? 0)) / 100;
  } catch {
    threads.clear();
  }
  return { threads, machine };
}

/** The CPU fields of a Measure over the span since `start`. */
function cpuSince(start: CpuSnapshot): Pick<Measure, 'cpuSeconds' | 'otherThreadsCpuSeconds' | 'machineBusySeconds' | 'threadSeconds'> {
  const end = cpuSnapshot();
  const main = String(process.pid);
  if (!end.threads.has(main)) {
    const used = process.cpuUsage();
    return { cpuSeconds: (used.user + used.system) / 1e6, otherThreadsCpuSeconds: null, machineBusySeconds: null, threadSeconds: [] };
  }
  let others = 0;
  for (const [tid, seconds] of end.threads) if (tid !== main) others += seconds - (start.threads.get(tid) ?? 0);
  return {
    cpuSeconds: (end.threads.get(main) ?? 0) - (start.threads.get(main) ?? 0),
    otherThreadsCpuSeconds: others,
    machineBusySeconds: end.machine !== null && start.machine !== null ? end.machine - start.machine : null,
    threadSeconds: [...end.threads]
      .map(([tid, seconds]) => seconds - (start.threads.get(tid) ?? 0))
      .filter((seconds) => seconds > 0)
      .sort((a, b) => b - a),
  };
}

if (values.role === 'raw-fetch') {
  const started = performance.now();
  const cpuStarted = cpuSnapshot();
  const client = new ImapFlow({ host: '127.0.0.1', port: Number(values.port), secure: false, auth: { user: values.user!, pass: values.password! }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  let mails = 0;
  let bytes = 0;
  // The same items Madoguchi asks for (it needs INTERNALDATE for archiving), so the two compare like with like.
  for await (const message of client.fetch('1:*', { uid: true, internalDate: true, flags: true, source: true }, { uid: true })) {
    mails++;
    bytes += message.source?.length ?? 0;
  }
  lock.release();
  await client.logout();
  report({ mails, bytes, seconds: (performance.now() - started) / 1000, ...cpuSince(cpuStarted), peakRssMb: process.resourceUsage().maxRSS / 1024 });
} else if (values.role === 'store-raw') {
  const { openDatabase } = await import('../electron/db/openDatabase');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-store-raw-'));
  const { raw: database, close } = openDatabase({ file: join(dataDir, 'floor.db'), key: randomBytes(32), workersDir: join(root, 'dist', 'workers') });
  database.exec('CREATE TABLE raw_mail (uid INTEGER PRIMARY KEY, source BLOB NOT NULL)');
  const insert = database.prepare('INSERT INTO raw_mail (uid, source) VALUES (?, ?)');
  const storeBatch = database.transaction((batch: Array<{ uid: number; source: Buffer }>) => {
    for (const mail of batch) insert.run(mail.uid, mail.source);
  });
  const started = performance.now();
  const cpuStarted = cpuSnapshot();
  const client = new ImapFlow({ host: '127.0.0.1', port: Number(values.port), secure: false, auth: { user: values.user!, pass: values.password! }, logger: false });
  await client.connect();
  const lock = await client.getMailboxLock('INBOX');
  let batch: Array<{ uid: number; source: Buffer }> = [];
  let mails = 0;
  let bytes = 0;
  for await (const message of client.fetch('1:*', { uid: true, internalDate: true, flags: true, source: true }, { uid: true })) {
    mails++;
    bytes += message.source?.length ?? 0;
    batch.push({ uid: message.uid, source: message.source ?? Buffer.alloc(0) });
    if (batch.length === 100) {
      storeBatch(batch);
      batch = [];
    }
  }
  storeBatch(batch);
  lock.release();
  await client.logout();
  const measure = { mails, bytes, seconds: (performance.now() - started) / 1000, ...cpuSince(cpuStarted), peakRssMb: process.resourceUsage().maxRSS / 1024 };
  await close();
  rmSync(dataDir, { recursive: true, force: true });
  report(measure);
} else if (values.role === 'madoguchi') {
  const { startTestApp } = await import('../test/support/testApp');
  // The worker threads as the app runs them: built (see buildRoles).
  const t = await startTestApp({ workersDir: join(root, 'dist', 'workers') });
  const account = await t.call('accounts.save', {
    label: 'bench', imapHost: '127.0.0.1', imapPort: Number(values.port), imapTls: false, imapUser: values.user!, imapPassword: values.password!,
    smtpHost: '127.0.0.1', smtpPort: 25, smtpTls: false, smtpUser: '', fromAddress: 'support@toot.example', fromName: 'TOOT',
  });
  const started = performance.now();
  const cpuStarted = cpuSnapshot();
  const result = await t.call('sync.run', { accountId: account.id });
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuSince(cpuStarted);
  const dbBytes = spawnSync('du', ['-sb', t.dataDir]).stdout.toString().split('\t')[0];
  // Proof that the PDFs were read, not skipped (as when PDFium once failed to load in the built worker).
  await t.call('session.lock', {});
  const { inspectDatabase } = await import('../test/support/inspectDatabase');
  const pdfs = await inspectDatabase(t.dataDir, (raw) =>
    raw.prepare("SELECT count(*) AS stored, coalesce(sum(withheld), 0) AS withheld FROM attachments WHERE file_name LIKE '%.pdf'").get() as { stored: number; withheld: number },
  );
  await t.dispose();
  report({ mails: result.fetched, bytes: Number(process.env.BENCH_MAILBOX_BYTES ?? 0), seconds, ...cpu, peakRssMb: process.resourceUsage().maxRSS / 1024, pdfs });
  console.error(`  (inquiries opened: ${result.newInquiries}, threaded: ${result.addedToThreads}, database size: ${(Number(dbBytes) / 1e6).toFixed(1)} MB)`);
} else if (values['build-roles']) {
  console.log(`built ${await buildRoles()}`);
} else if (values.role !== undefined) {
  console.error(`No role "${values.role}": the roles are raw-fetch, store-raw and madoguchi.`);
  process.exit(2);
} else {
  await main();
}

/**
 * The roles run as the app does: bundled (as scripts/build.mjs bundles the app), with the built
 * worker threads, and not through tsx, whose loader and compiled sources would add some 80 MB to
 * every peak-memory figure. Returns the bundled script.
 */
async function buildRoles(): Promise<string> {
  if (spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--skip-renderer'], { cwd: root, stdio: 'ignore' }).status !== 0) {
    throw new Error('The build failed: run "node scripts/build.mjs" to see why');
  }
  const outfile = join(root, 'dist', 'bench-sync.mjs');
  const { build } = await import('esbuild');
  await build({
    entryPoints: [join(root, 'scripts', 'bench-sync.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    external: ['better-sqlite3-multiple-ciphers', 'bufferutil', 'utf-8-validate', 'esbuild'],
    banner: { js: "import { createRequire as __benchCreateRequire } from 'node:module'; const require = __benchCreateRequire(import.meta.url);" },
  });
  return outfile;
}

function report(m: Measure) {
  console.log(JSON.stringify(m));
}

async function main() {
  const count = Number(values.mails);
  const dovecot = await startDovecot();
  console.log(`Building a mailbox of ${count} mails in a loopback Dovecot…`);
  const client = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
  await client.connect();
  let mailboxBytes = 0;
  const buildStarted = performance.now();
  const realisticMail = await realisticMails();
  for (let i = 0; i < count; i++) {
    const raw = realisticMail(i);
    mailboxBytes += raw.length;
    await client.append('INBOX', raw);
  }
  await client.logout();
  console.log(`  ${count} mails, ${(mailboxBytes / 1e6).toFixed(1)} MB, appended in ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);

  const roleArgs = [await buildRoles(), '--port', String(dovecot.port), '--user', dovecot.user, '--password', dovecot.password];
  if (values.serve) {
    console.log(
      `Dovecot is up; profile a role with:\n  BENCH_MAILBOX_BYTES=${mailboxBytes} node --cpu-prof ${roleArgs.join(' ')} --role madoguchi\n` +
        `After changing the code, bundle the roles again with: npx tsx scripts/bench-sync.ts --build-roles\nCtrl-C stops it.`,
    );
    await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    await dovecot.stop();
    return;
  }
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : [];
  const child = (role: string): Measure => {
    const run = spawnSync(process.execPath, [...profile, ...roleArgs, '--role', role], {
      cwd: root,
      env: { ...process.env, BENCH_MAILBOX_BYTES: String(mailboxBytes) },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`${role} failed:\n${run.stderr}`);
    if (run.stderr.trim()) console.log(run.stderr.trimEnd());
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as Measure;
  };
  const cores = availableParallelism();
  const line = (name: string, m: Measure) => {
    console.log(`${name.padEnd(28)} ${String(m.mails).padStart(6)} mails  ${m.seconds.toFixed(1).padStart(7)} s  ${(m.mails / m.seconds).toFixed(0).padStart(6)} mails/s  ${(mailboxBytes / 1e6 / m.seconds).toFixed(2).padStart(6)} MB/s  peak RSS ${m.peakRssMb.toFixed(0)} MB`);
    // Where the time went: on a machine whose cores are all busy, the rate is bound by total CPU, not by any one thread.
    const others = m.otherThreadsCpuSeconds === null ? '' : ` + other threads ${m.otherThreadsCpuSeconds.toFixed(1)} s`;
    const machine = m.machineBusySeconds === null ? '' : `; the machine was busy ${m.machineBusySeconds.toFixed(1)} of ${(cores * m.seconds).toFixed(1)} core-seconds`;
    console.log(`${''.padEnd(28)} CPU: main thread ${m.cpuSeconds.toFixed(1)} s${others}${machine}`);
    if (values.threads && m.threadSeconds.length > 0) console.log(`${''.padEnd(28)} CPU seconds per thread: ${m.threadSeconds.map((seconds) => seconds.toFixed(2)).join(', ')}`);
  };

  // Rounds of one reference and one full sync each, back to back: on a shared machine the load
  // changes from minute to minute, so each round's ratio compares runs made under the same load.
  // Dovecot builds its caches on the first read of freshly appended mail, which made the first
  // round's reference slower than the rest (2.7 s against 1.5-1.9 s in one run), and that round's
  // ratio flattering: one fetch first, not measured, warms them.
  child('raw-fetch');
  const rounds = Math.max(1, Number(values.rounds));
  const ratios: number[] = [];
  const floorRatios: number[] = [];
  let peakRssMb = 0;
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) console.log(`Round ${round} of ${rounds}`);
    const raw = child('raw-fetch');
    line('raw imapflow FETCH', raw);
    const floor = child('store-raw');
    line('floor: FETCH + store as is', floor);
    const madoguchi = child('madoguchi');
    line('Madoguchi full sync', madoguchi);
    const { stored, withheld } = madoguchi.pdfs ?? { stored: 0, withheld: 0 };
    console.log(`${''.padEnd(28)} PDFs stored: ${stored}, withheld for a card number: ${withheld} (expected ${withheldQuotes(count)})`);
    if (withheld !== withheldQuotes(count)) throw new Error('The sync did not read the PDFs as it should: this run measured something else. Check that PDFium loads in the built parse worker.');
    const rate = (m: Measure) => m.mails / m.seconds / (raw.mails / raw.seconds);
    const ratio = rate(madoguchi);
    ratios.push(ratio);
    floorRatios.push(rate(floor));
    peakRssMb = Math.max(peakRssMb, madoguchi.peakRssMb);
    console.log(`Madoguchi / raw FETCH rate: ${ratio.toFixed(2)} (the floor's: ${rate(floor).toFixed(2)})`);
  }
  const spread = (figures: number[]) => {
    const sorted = [...figures].sort((a, b) => a - b);
    return `median ${sorted[Math.floor((sorted.length - 1) / 2)]!.toFixed(2)} (lowest ${sorted[0]!.toFixed(2)}, highest ${sorted.at(-1)!.toFixed(2)})`;
  };
  console.log(
    `Over ${rounds} round(s): Madoguchi / raw FETCH rate ${spread(ratios)}, goal ≥ 0.5; the floor's ${spread(floorRatios)}; ` +
      `Madoguchi's highest peak RSS ${peakRssMb.toFixed(0)} MB (goal < 300 MB)`,
  );

  const mbsync = spawnSync('which', ['mbsync']).status === 0;
  if (mbsync) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-mbsync-'));
    // isync 1.4 (Debian 12) wants the maildir root to exist, and knows SSLType rather than 1.5's TLSType;
    // its sync state is kept in the throwaway maildir (SyncState *), not in ~/.mbsync where an earlier run's would clash.
    mkdirSync(join(dir, 'mail'));
    writeFileSync(join(dir, 'mbsyncrc'), `IMAPAccount bench\nHost 127.0.0.1\nPort ${dovecot.port}\nUser ${dovecot.user}\nPass ${dovecot.password}\nSSLType None\nAuthMechs LOGIN PLAIN\n\nIMAPStore remote\nAccount bench\n\nMaildirStore local\nPath ${dir}/mail/\nInbox ${dir}/mail/INBOX\n\nChannel bench\nFar :remote:\nNear :local:\nPatterns INBOX\nCreate Near\nSync Pull\nSyncState *\n`);
    const started = performance.now();
    const run = spawnSync('mbsync', ['-c', join(dir, 'mbsyncrc'), 'bench'], { encoding: 'utf8' });
    const seconds = (performance.now() - started) / 1000;
    if (run.status === 0) console.log(`${'mbsync (isync) to maildir'.padEnd(28)} ${String(count).padStart(6)} mails  ${seconds.toFixed(1).padStart(7)} s  ${(count / seconds).toFixed(0).padStart(6)} mails/s`);
    else console.log(`mbsync failed: ${run.stderr.trim().split('\n').pop()}`);
    rmSync(dir, { recursive: true, force: true });
  } else {
    console.log('mbsync is not installed (apt-get install isync): its figure is left out.');
  }
  await dovecot.stop();
}

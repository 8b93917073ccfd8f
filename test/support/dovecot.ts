import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { testServerDirPrefix } from './leftoverServers';

/**
 * A real Dovecot IMAP server for tests, started from Debian's binary with a configuration of its
 * own in a fresh temporary directory: nothing in /etc/dovecot is read, nothing outside the
 * directory is written, and any number can run side by side on different ports.
 * Framework-agnostic: used by vitest and by Playwright's Node side.
 */
export interface DovecotServer {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  stop(): Promise<void>;
  /** Appends a mail to the folder (default INBOX, created if missing), without flags unless given; resolves to its UID. */
  appendMail(raw: string | Buffer, folder?: string, options?: AppendOptions): Promise<number>;
  /** Appends many mails over one connection, in order; resolves to their UIDs. */
  appendMails(raws: ReadonlyArray<string | Buffer>, folder?: string, options?: AppendOptions): Promise<number[]>;
  /** Gives the folder this UIDVALIDITY (doveadm), as another server's folder may happen to have the same. */
  setUidValidity(folder: string, uidValidity: number): void;
  /** Runs `work` with a logged-in client of the test user (to delete, create or inspect folders). */
  withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T>;
}

export interface AppendOptions {
  /** The INTERNALDATE (when the server received the mail); default now. */
  internalDate?: Date;
  /** Flags the mail carries from the start, such as '\\Answered'; default none. */
  flags?: string[];
}

export const DOVECOT_BINARY = '/usr/sbin/dovecot';
const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 15_000;

export interface DovecotOptions {
  user?: string;
  password?: string;
  /**
   * Also accept OAuth2 bearer tokens (SASL XOAUTH2 and OAUTHBEARER): Dovecot asks this URL
   * (RFC 7662 token introspection, POSTed) whether a token is active and whose it is.
   */
  oauth2IntrospectionUrl?: string;
  /**
   * Extensions the server does not offer, as servers without them (Gmail has CONDSTORE but not
   * QRESYNC; some servers have neither, and some no IDLE): Dovecot advertises its usual
   * capabilities without these.
   */
  without?: Array<'QRESYNC' | 'CONDSTORE' | 'IDLE'>;
  /**
   * The personal namespace's prefix, with "." as separator, as cPanel and many shared hosts set
   * Dovecot up ("INBOX."): the folder "Support" is then "INBOX.Support" on the server.
   */
  namespacePrefix?: string;
}

/** What this Dovecot offers once logged in, as it says (Debian's 2.3); `without` takes some away. */
const LOGGED_IN_CAPABILITIES =
  'IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT SORT=DISPLAY THREAD=REFERENCES THREAD=REFS THREAD=ORDEREDSUBJECT MULTIAPPEND ' +
  'URL-PARTIAL CATENATE UNSELECT CHILDREN NAMESPACE UIDPLUS LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES WITHIN ' +
  'CONTEXT=SEARCH LIST-STATUS BINARY MOVE LITERAL+';

export async function startDovecot(options: DovecotOptions = {}): Promise<DovecotServer> {
  if (!existsSync(DOVECOT_BINARY)) {
    throw new Error(
      `Dovecot is not installed (${DOVECOT_BINARY} is missing). Install it with "apt-get install -y dovecot-imapd" to run the mail tests.`,
    );
  }
  const user = options.user ?? 'support@toot.example';
  const password = options.password ?? 'dovecot-test-password';
  if (/[:\s]/.test(user) || /[\r\n]/.test(password)) throw new Error('test user names cannot hold ":" or spaces, nor passwords line breaks');

  let lastError: unknown;
  // A port picked as free can be taken by someone else before Dovecot binds it; then try another.
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(user, password, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOnce(user: string, password: string, options: DovecotOptions): Promise<DovecotServer> {
  const dir = await mkdtemp(testServerDirPrefix('dovecot'));
  // Dovecot's unprivileged login processes must be able to reach base_dir when we run as root.
  await chmod(dir, 0o755);
  const port = await pickFreePort();
  await writeConfig(dir, port, user, password, options);

  const child = spawn(DOVECOT_BINARY, ['-F', '-c', join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // If the test process dies without calling stop(), leave neither a server nor its files behind.
  const killOnExit = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);

  const cleanup = async () => {
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await waitForPort(port, exited, join(dir, 'dovecot.log'));
  } catch (error) {
    const log = await readFile(join(dir, 'dovecot.log'), 'utf8').catch(() => '');
    await cleanup();
    throw new Error(`Dovecot did not start on port ${port}: ${(error as Error).message}\n${output}\n${log}`);
  }

  let stopped = false;
  const server: DovecotServer = {
    host: '127.0.0.1',
    port,
    user,
    password,
    async stop() {
      if (stopped) return;
      stopped = true;
      await cleanup();
    },
    setUidValidity(folder, uidValidity) {
      const run = spawnSync('doveadm', ['-c', join(dir, 'dovecot.conf'), 'mailbox', 'update', '-u', user, '--uid-validity', String(uidValidity), folder], { encoding: 'utf8' });
      if (run.status !== 0) throw new Error(`doveadm could not set the UIDVALIDITY of ${folder}: ${run.stderr}`);
    },
    async appendMail(raw, folder = 'INBOX', options = {}) {
      const [uid] = await server.appendMails([raw], folder, options);
      return uid as number;
    },
    async appendMails(raws, folder = 'INBOX', options = {}) {
      return server.withClient(async (client) => {
        if (folder !== 'INBOX') await client.mailboxCreate(folder).catch(() => undefined);
        const uids: number[] = [];
        for (const raw of raws) {
          const result = await client.append(folder, typeof raw === 'string' ? Buffer.from(raw, 'utf8') : raw, options.flags ?? [], options.internalDate);
          if (!result || typeof result.uid !== 'number') throw new Error('Dovecot did not report the UID of the appended mail');
          uids.push(result.uid);
        }
        return uids;
      });
    },
    async withClient(work) {
      const client = new ImapFlow({
        host: '127.0.0.1',
        port,
        secure: false,
        doSTARTTLS: false,
        auth: { user, pass: password },
        logger: false,
        disableAutoIdle: true,
      });
      client.on('error', () => undefined);
      await client.connect();
      try {
        return await work(client);
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
  return server;
}

async function writeConfig(dir: string, port: number, user: string, password: string, options: DovecotOptions): Promise<void> {
  const { oauth2IntrospectionUrl, without = [] } = options;
  for (const sub of ['run', 'state', 'mail', 'home']) await mkdir(join(dir, sub), { recursive: true });
  const me = userInfo();
  const asRoot = me.uid === 0;
  // Dovecot refuses to run its login and internal processes as root; as root they run as the
  // package's own users. As an ordinary user nothing can change uid, so everything runs as us.
  const loginUser = asRoot ? firstExistingUser(['dovenull', 'nobody']) : me.username;
  const internalUser = asRoot ? firstExistingUser(['dovecot', 'nobody']) : me.username;
  const internalGroup = asRoot ? primaryGroupName(internalUser) : primaryGroupName(me.username);
  // Nor will it open a mailbox as uid 0: as root the mail belongs to the internal user.
  const mailUid = asRoot ? numericId('-u', internalUser) : me.uid;
  const mailGid = asRoot ? numericId('-g', internalUser) : me.gid;
  if (asRoot) {
    for (const sub of ['mail', 'home']) await chown(join(dir, sub), mailUid, mailGid);
  }

  await writeFile(join(dir, 'passwd'), `${user}:{PLAIN}${password}\n`, { mode: 0o644 });
  if (oauth2IntrospectionUrl) {
    await writeFile(
      join(dir, 'oauth2.conf.ext'),
      `introspection_mode = post\nintrospection_url = ${oauth2IntrospectionUrl}\nusername_attribute = username\nactive_attribute = active\nactive_value = true\nforce_introspection = yes\n`,
      { mode: 0o644 },
    );
  }
  const oauth2 = oauth2IntrospectionUrl
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${dir}/oauth2.conf.ext
}
`
    : '';
  const config = `# Written by test/support/dovecot.ts for one test server; reads nothing from /etc/dovecot.
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
instance_name = madoguchi-test-${port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2IntrospectionUrl ? ' xoauth2 oauthbearer' : ''}
# Tests log in with wrong passwords on purpose; Dovecot's delays for that would only slow them.
auth_failure_delay = 0
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
default_login_user = ${loginUser}
first_valid_uid = 0
first_valid_gid = 0
mail_location = maildir:${dir}/mail/%n
${options.namespacePrefix ? `namespace inbox {\n  inbox = yes\n  separator = .\n  prefix = ${options.namespacePrefix}\n}\n` : ''}${without.length ? `imap_capability = ${LOGGED_IN_CAPABILITIES.split(' ').filter((c) => !without.includes(c as 'QRESYNC' | 'CONDSTORE' | 'IDLE')).join(' ')}\n` : ''}passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
${oauth2}userdb {
  driver = static
  # allow_all_users: doveadm, which asks no passdb, finds the user too (setUidValidity).
  args = uid=${mailUid} gid=${mailGid} home=${dir}/home/%n allow_all_users=yes
}
# chroot needs root; the tests gain nothing from it, so it is off for every user.
service anvil {
  chroot =
  # No growing penalty for the IP after failed logins (Dovecot's documented way to turn it off).
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
  await writeFile(join(dir, 'dovecot.conf'), config, { mode: 0o644 });
}

function firstExistingUser(names: string[]): string {
  for (const name of names) {
    if (spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0) return name;
  }
  throw new Error(`none of the users ${names.join(', ')} exists to run Dovecot's unprivileged processes`);
}

function numericId(flag: '-u' | '-g', userName: string): number {
  const result = spawnSync('id', [flag, userName], { encoding: 'utf8' });
  const id = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(id)) throw new Error(`cannot find the ${flag === '-u' ? 'uid' : 'gid'} of ${userName}`);
  return id;
}

function primaryGroupName(userName: string): string {
  const result = spawnSync('id', ['-gn', userName], { encoding: 'utf8' });
  const name = result.stdout.trim();
  if (result.status !== 0 || !name) throw new Error(`cannot find the primary group of ${userName}`);
  return name;
}

function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}

async function waitForPort(port: number, exited: Promise<number | null>, logFile: string): Promise<void> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new Error(`dovecot exited with code ${exitCode}`);
    // A service that cannot start makes Dovecot retry with back-off rather than exit: fail fast instead.
    const log = await readFile(logFile, 'utf8').catch(() => '');
    if (/\bFatal:/.test(log)) throw new Error('dovecot logged a fatal error');
    if (await acceptsGreeting(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`port ${port} gave no IMAP greeting within ${READY_TIMEOUT_MS} ms`);
}

/** True once something on the port answers with an IMAP "* OK" greeting (so it is Dovecot, not a squatter). */
function acceptsGreeting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\n')) done(received.startsWith('* OK'));
    });
    socket.on('error', () => done(false));
    socket.on('close', () => done(false));
  });
}

async function terminate(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

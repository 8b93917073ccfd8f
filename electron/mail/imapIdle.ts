import type { Logger } from '../logging/logger';
import { createImapClient, IMAP_SOCKET_TIMEOUT_MS, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';

/** A connection that waits in IMAP IDLE for new mail in one folder. */
export interface MailWatch {
  /** Resolves when the watch ends: closed by us, or the connection dropped. */
  readonly ended: Promise<void>;
  close(): Promise<void>;
}

/**
 * IDLE is renewed this often (RFC 2177 asks for less than 29 minutes; a dead connection shows at
 * renewal). Sooner than the socket's silence timeout, so that a quiet mailbox is not taken for a
 * dead connection: renewing is traffic both ways.
 */
const MAX_IDLE_MS = IMAP_SOCKET_TIMEOUT_MS - 20_000;

/**
 * How long closing a watch waits for the server to answer LOGOUT before it drops the connection.
 * A server behind a link that died silently (a dropped VPN, a hung server) never answers, and
 * locking Madoguchi closes every watch: it must not wait on one.
 */
const LOGOUT_WAIT_MS = 1000;

export interface WatchOptions {
  logger?: Logger;
  maxIdleTimeMs?: number;
  /** For tests: a shorter silence before the connection is checked (see IMAP_SOCKET_TIMEOUT_MS). */
  socketTimeoutMs?: number;
}

/** Waits for `work`, or `ms` at most. */
async function atMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

/**
 * Opens `folder` read-only and waits in IDLE; calls `onNewMail` when the server reports more
 * mail than before. Resolves to null when the server does not offer IDLE (the caller polls
 * instead). Never changes anything on the server.
 */
export async function watchFolder(
  config: ImapConfig,
  folder: string,
  onNewMail: () => void,
  options: WatchOptions = {},
): Promise<MailWatch | null> {
  const client = createImapClient(config, { maxIdleTimeMs: options.maxIdleTimeMs ?? MAX_IDLE_MS, ...(options.socketTimeoutMs ? { socketTimeoutMs: options.socketTimeoutMs } : {}) });
  try {
    await client.connect();
    if (!client.capabilities.has('IDLE')) {
      await client.logout().catch(() => client.close());
      return null;
    }
    await client.mailboxOpen(folder, { readOnly: true });
  } catch (error) {
    client.close();
    throw toImapAppError(error, config, folder);
  }
  client.on('exists', (event: { count: number; prevCount: number }) => {
    if (event.count > event.prevCount) onNewMail();
  });
  const ended = new Promise<void>((resolve) => client.once('close', () => resolve()));
  // idle() returns when the connection ends (imapflow renews IDLE itself every maxIdleTime), and
  // also when a silence made imapflow check the connection with a NOOP (which ends IDLE): while
  // the connection still serves, the watch idles again, and ends only with the connection.
  const keepIdling = async () => {
    for (;;) {
      const started = Date.now();
      const idled = await client.idle();
      // Ended with the connection, refused, or at once (no folder open any more): the watch ends, not a spin.
      if (!client.usable || idled === false || Date.now() - started < 200) return;
    }
  };
  void keepIdling()
    .catch(() => undefined)
    .finally(() => client.close());
  options.logger?.info('imap.idle_started');
  return {
    ended,
    async close() {
      // A polite LOGOUT where the server answers; then the socket is closed either way (a no-op after LOGOUT).
      if (client.usable) await atMost(client.logout().catch(() => undefined), LOGOUT_WAIT_MS);
      client.close();
      await ended;
    },
  };
}

/**
 * Folders watched in IDLE at once, each over a connection of its own (IDLE waits on the one
 * selected folder). Servers limit connections per user and address (Dovecot: 10 by default):
 * three, with the sync's own, leave room for a second computer behind the same office address.
 * Further folders are found by the regular poll.
 */
export const MAX_WATCHED_FOLDERS = 3;

/**
 * Watches each of `folders` (up to MAX_WATCHED_FOLDERS) in IDLE: `onNewMail` when any has new
 * mail. A folder that cannot be opened (renamed or removed on the server) is left to the poll
 * and logged; the sync reports it. One watch ended (a dropped connection) ends them all, so the
 * caller starts them again together. Null when the server offers no IDLE; throws only when no
 * folder could be watched.
 */
export async function watchFolders(
  config: ImapConfig,
  folders: readonly string[],
  onNewMail: () => void,
  options: WatchOptions = {},
): Promise<MailWatch | null> {
  const watches: MailWatch[] = [];
  const closeAll = () => Promise.all(watches.map((watch) => watch.close())).then(() => undefined);
  let firstError: unknown = null;
  for (const folder of folders.slice(0, MAX_WATCHED_FOLDERS)) {
    let watch: MailWatch | null;
    try {
      watch = await watchFolder(config, folder, onNewMail, options);
    } catch (error) {
      firstError ??= error;
      options.logger?.warn('imap.idle_folder_failed', { code: (error as { code?: string }).code ?? 'unknown' });
      continue;
    }
    if (!watch) {
      await closeAll();
      return null;
    }
    watches.push(watch);
  }
  if (watches.length === 0) throw firstError ?? new Error('No folder to watch');
  const ended = Promise.race(watches.map((watch) => watch.ended)).then(closeAll);
  return { ended, close: async () => void (await closeAll()) };
}

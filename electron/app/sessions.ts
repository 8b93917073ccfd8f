import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import { cancelOAuthSignIns } from '../accounts/oauthSignIn';
import { openDatabase, type OpenedDatabase } from '../db/openDatabase';
import { createOutbox, type Outbox } from '../replies/outbox';
import { assertRoomForKeyChange, completeKeyChange, settleInterruptedKeyChange } from '../security/keyChange';
import type { KeyVault } from '../security/keyVault';
import { SecretBox } from '../security/secretBox';
import { createSyncService, type SyncService, type SyncServiceOptions } from '../sync/syncService';
import type { AppOptions } from './createApp';
import type { MethodName } from '../../shared/contract';
import type { Handlers } from './router';
import type { Workspace } from './workspace';

/** Left alone this long, the customer data on screen is locked away (an unattended desk). */
const DEFAULT_IDLE_LOCK_MS = 15 * 60_000;

/** What is open while the database is unlocked. */
export interface Session {
  database: OpenedDatabase;
  workspace: Workspace;
  syncs: SyncService;
  outbox: Outbox;
}

type SessionMethod = 'session.status' | 'session.create' | 'session.unlock' | 'session.changePassphrase' | 'session.touch' | 'session.lock';

export interface Sessions {
  /** The open session's workspace; LOCKED when there is none. */
  requireWorkspace(): Workspace;
  /** The open session; LOCKED when there is none. */
  require(): Session;
  current(): Session | null;
  /** How many times a session was locked (or taken over) so far: a passphrase change, which reopens the session, is none. */
  locksSoFar(): number;
  handlers: Pick<Handlers, SessionMethod>;
  /** The app quits: the session closes, the keychain left as it was (see lock). */
  close(): Promise<void>;
}

/**
 * The session: setting up, unlocking (with the passphrase, or the OS keychain), changing the
 * passphrase, locking by hand and after idleLockMs; the database is open, and syncs and the
 * outbox run, only while it is unlocked.
 */
export function createSessions(
  options: AppOptions,
  { vault, databaseFile, now, syncOptions, push }: { vault: KeyVault; databaseFile: string; now: () => string; syncOptions: SyncServiceOptions; push: Workspace['push'] },
): Sessions {
  let session: Session | null = null;
  /** While the passphrase is changed, the session is closed for a moment, but not locked: staff stay at their screen. */
  let changingPassphrase = false;

  const requireSession = (): Session => {
    if (!session) throw new AppError('LOCKED', userMessage(changingPassphrase ? 'passphraseBeingChanged' : 'locked'));
    return session;
  };
  // What the syncs and the outbox tell the screens; not while the passphrase is changed (they stop and start again then).
  const workspacePush: Workspace['push'] = (name, payload) => {
    if (!changingPassphrase) push(name, payload);
  };

  // Locked when no screen has reported staff at it for idleLockMs: the Electron shell also locks
  // on sleep and the system's lock screen, but a desk left with Windows unlocked would stay open.
  const idleLockMs = options.idleLockMs ?? DEFAULT_IDLE_LOCK_MS;
  let lastActivity = Date.now();

  const open = (key: Buffer, operator: string) => {
    let database: OpenedDatabase;
    try {
      // A passphrase change the app did not live to finish, settled before the database is read.
      const keyChange = settleInterruptedKeyChange(vault, databaseFile);
      if (keyChange !== 'none') options.logger.warn('session.key_change_settled', { how: keyChange });
      database = openDatabase({
        file: databaseFile,
        key,
        ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
        ...(options.workersDir ? { workersDir: options.workersDir } : {}),
      });
    } finally {
      key.fill(0);
    }
    const workspace: Workspace = {
      db: database.db,
      raw: database.raw,
      secrets: new SecretBox(fieldKey(database)),
      operator,
      logger: options.logger,
      push: workspacePush,
      now,
    };
    lastActivity = Date.now();
    session = { database, workspace, syncs: createSyncService(workspace, syncOptions), outbox: createOutbox(workspace, options.outbox) };
    push('session.changed', { unlocked: true });
    // Mail syncs in the background while unlocked; stopped again by lock().
    session.syncs.start().catch((error: unknown) => options.logger.warn('sync.start_failed', { error: error instanceof Error ? error.name : 'unknown' }));
  };

  /**
   * From a lock on, only the passphrase unlocks, even after a restart (see KeyVault.disarmKeychain):
   * known here at once, so that a key file that cannot be written does not leave the keychain serving.
   */
  let keychainDisarmed = false;
  /** Locks so far (see locksSoFar). */
  let locks = 0;

  const close = async (current: Session) => {
    cancelOAuthSignIns(current.workspace);
    // Running syncs are cancelled (what they fetched is stored first) before the database closes.
    await current.syncs.stop();
    await current.outbox.stop();
    await current.database.close();
  };

  /**
   * `quitting`: the app closes with the session open (or another operator takes it over with the
   * passphrase); the next start may be unlocked by the keychain as this one was.
   */
  const lock = async ({ quitting = false } = {}) => {
    const current = session;
    session = null;
    if (current) locks++;
    if (!quitting) keychainDisarmed = true;
    try {
      if (current) {
        // Screens forget what they show at once, while syncs and the outbox stop (which can take seconds).
        push('session.changed', { unlocked: false });
        await close(current);
      }
    } finally {
      // After the session is closed: a full disk or a held key file must not keep it open.
      if (!quitting) disarmKeychain();
    }
  };

  const disarmKeychain = () => {
    try {
      vault.disarmKeychain();
    } catch (error) {
      options.logger.error('session.keychain_disarm_failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    }
  };

  /**
   * Setting up, unlocking and locking run one at a time, in the order asked: two windows
   * unlocking at once would each open a session (the first left running, unseen by lock()), and
   * a lock asked for while an unlock derives its key (the computer going to sleep) would find
   * nothing to lock and be lost.
   */
  let sessionChanges: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(change: () => Promise<T>): Promise<T> => {
    const done = sessionChanges.then(change, change);
    sessionChanges = done.catch(() => undefined);
    return done;
  };

  const idleCheck = setInterval(() => {
    if (!session || Date.now() - lastActivity < idleLockMs) return;
    options.logger.info('session.idle_lock', { idleMinutes: Math.round(idleLockMs / 60_000) });
    void oneAtATime(() => lock()).catch(() => undefined);
  }, Math.min(30_000, Math.max(100, Math.floor(idleLockMs / 4))));
  idleCheck.unref();

  const handlers: Sessions['handlers'] = {
    'session.status': async () => ({
      initialized: vault.exists(),
      unlocked: session !== null || changingPassphrase,
      operator: session?.workspace.operator ?? null,
      keychainUnlock: !keychainDisarmed && vault.canUnlockWithKeychain(),
    }),
    'session.create': ({ passphrase, operator }) =>
      oneAtATime(async () => {
        // The data is here but its key file is not: a new key would not open it, and setting up would leave both stuck.
        if (!vault.exists() && existsSync(databaseFile)) throw new AppError('CONFLICT', userMessage('keyFileMissing', { dir: options.dataDir }));
        const key = await vault.create(passphrase);
        open(key, operator);
        options.logger.info('session.created');
        return { ok: true as const };
      }),
    'session.unlock': ({ passphrase, operator }) =>
      oneAtATime(async () => {
        // A lock would disarm the keychain: a session already open is taken over with the passphrase only.
        if (passphrase === undefined && session) throw new AppError('WRONG_PASSPHRASE', userMessage('passphraseNeeded'));
        if (passphrase === undefined && keychainDisarmed) throw new AppError('WRONG_PASSPHRASE', userMessage('passphraseAfterLock'));
        // The passphrase is checked first: a wrong one leaves an open session (and the keychain) as they are.
        const key = await vault.unlock(passphrase);
        // Taken over with the right passphrase: the keychain serves on as it did (no disarming).
        if (session) await lock({ quitting: true }).catch((error: unknown) => {
          key.fill(0);
          throw error;
        });
        open(key, operator);
        if (passphrase !== undefined) keychainDisarmed = false;
        options.logger.info('session.unlocked', { with: passphrase === undefined ? 'keychain' : 'passphrase' });
        return { ok: true as const };
      }),
    'session.changePassphrase': ({ current, next }) =>
      oneAtATime(async () => {
        const changing = requireSession();
        const operator = changing.workspace.operator;
        try {
          assertRoomForKeyChange(databaseFile);
        } catch (error) {
          throw passphraseChangeFailed(error);
        }
        // A wrong current passphrase changes nothing, and leaves the session open.
        const keys = await vault.beginKeyChange(current, next);
        changingPassphrase = true;
        session = null;
        let failure: unknown = null;
        let reopenFailure: unknown = null;
        try {
          try {
            await close(changing);
            await completeKeyChange(vault, databaseFile, keys, { nativeBinding: options.nativeBinding, workersDir: options.workersDir });
          } catch (error) {
            failure = error;
          }
          // Opened again with the key it has now: the new one, or the old one where the change was undone.
          try {
            open(failure === null ? keys.newKey : keys.oldKey, operator);
          } catch (error) {
            reopenFailure = error;
          }
        } finally {
          keys.oldKey.fill(0);
          keys.newKey.fill(0);
          changingPassphrase = false;
        }
        if (reopenFailure !== null) {
          // No session after all: the screens lock, and only a passphrase unlocks (the next unlock settles what is left).
          keychainDisarmed = true;
          disarmKeychain();
          push('session.changed', { unlocked: false });
        }
        if (failure !== null) {
          options.logger.error('session.passphrase_change_failed', { code: (failure as NodeJS.ErrnoException).code ?? 'unknown' });
          throw passphraseChangeFailed(failure);
        }
        // Changed, but the data would not open again at once: the new passphrase is the one now.
        if (reopenFailure !== null) throw new AppError('INTERNAL', userMessage('passphraseChangedNotReopened'));
        options.logger.info('session.passphrase_changed');
        return { ok: true as const };
      }),
    'session.touch': async () => {
      lastActivity = Date.now();
      return { ok: true as const };
    },
    'session.lock': () =>
      oneAtATime(async () => {
        await lock();
        return { ok: true as const };
      }),
  };

  return {
    requireWorkspace: () => requireSession().workspace,
    require: requireSession,
    current: () => session,
    locksSoFar: () => locks,
    handlers,
    close: () => {
      clearInterval(idleCheck);
      return oneAtATime(() => lock({ quitting: true }));
    },
  };
}

/**
 * The handlers, answering only within the session they started in: a call still running when the
 * session locks (or is taken over) answers LOCKED, not with what it read, which would reach screens
 * that have just forgotten the data. What it did stays done, and the message says it may have been.
 */
export function answeredWithinSession<M extends MethodName>(sessions: Pick<Sessions, 'locksSoFar'>, handlers: Pick<Handlers, M>): Pick<Handlers, M> {
  const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [method, handler] of Object.entries(handlers) as Array<[string, (input: unknown) => Promise<unknown>]>) {
    wrapped[method] = async (input) => {
      const locksBefore = sessions.locksSoFar();
      const value = await handler(input);
      if (sessions.locksSoFar() !== locksBefore) throw new AppError('LOCKED', userMessage('lockedBeforeAnswer'));
      return value;
    };
  }
  return wrapped as unknown as Pick<Handlers, M>;
}

/** What staff are told when a passphrase change failed (and was undone): a full disk in words of its own. */
function passphraseChangeFailed(error: unknown): AppError {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'SQLITE_FULL') return new AppError('INTERNAL', userMessage('passphraseChangeNoSpace'));
  return new AppError('INTERNAL', userMessage('passphraseChangeFailed', { code: typeof code === 'string' ? code : 'unknown' }));
}

/**
 * Mail passwords are sealed with a field key kept inside the encrypted database (made on first
 * use), so they are unreadable without unlocking and a dump of a query never shows them.
 */
function fieldKey(database: OpenedDatabase): Buffer {
  const row = database.raw.prepare("SELECT value FROM app_secrets WHERE name = 'field_key'").get() as { value: Buffer } | undefined;
  if (row) return row.value;
  const key = randomBytes(32);
  database.raw.prepare("INSERT INTO app_secrets (name, value) VALUES ('field_key', ?)").run(key);
  return key;
}

import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';

/**
 * How a running sync gets over a dropped IMAP connection (a server restart, a network blip, a
 * reset socket): it waits a little, logs in again and goes on from the stored cursor, instead of
 * failing and leaving the rest to the background scheduler's back-off of minutes.
 */
export interface ReconnectPolicy {
  /** The wait before each attempt, in order; as many attempts as waits. */
  delaysMs: readonly number[];
  /** Waits `ms`, or rejects with the signal's reason as soon as it aborts (a cancel never waits out the back-off). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Three attempts, 1 s, 2 s and 4 s apart: a server restart or a blip is over by then; longer outages are the scheduler's. */
export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = { delaysMs: [1000, 2000, 4000], sleep: abortableSleep };

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('The sync was cancelled', 'AbortError');
}

/**
 * The connection was lost while it was in use: reset, closed, timed out. This is the class that
 * toImapAppError (through transportFailure) already names IMAP_UNREACHABLE; a refused login
 * (IMAP_AUTH_FAILED), a certificate or TLS problem (IMAP_TLS_FAILED), a folder the server does not
 * have or any other refusal (IMAP_ERROR) would only fail the same way again, and are not retried.
 */
export function isDroppedConnection(error: unknown): boolean {
  return error instanceof AppError && error.code === 'IMAP_UNREACHABLE';
}

export interface ReconnectHooks {
  /** Before each wait: attempt (1-based) of attempts, and how long it waits. */
  onWaiting(attempt: number, attempts: number, delayMs: number): void;
  onReconnected(attempt: number): void;
  onGaveUp(attempts: number): void;
}

/**
 * Reopens a session after drops. Attempts are counted until the sync gets somewhere again
 * (`madeProgress`): a connection that comes back and drops again before a single mail was stored
 * uses up the next attempt, so a server that accepts logins and then always hangs up cannot keep
 * a sync going round for ever; one that drops now and then, between long stretches of progress,
 * gets the full set of attempts each time.
 */
export class Reconnector<S> {
  private attemptsUsed = 0;

  constructor(
    private readonly open: () => Promise<S>,
    private readonly where: { host: string; port: number },
    private readonly policy: ReconnectPolicy,
    private readonly hooks: ReconnectHooks,
    private readonly signal?: AbortSignal,
  ) {}

  madeProgress(): void {
    this.attemptsUsed = 0;
  }

  /**
   * Waits and logs in again until it works. Rethrows at once a cancel or a failure that is not a
   * lost connection (a password changed meanwhile is reported as such); after the last attempt,
   * throws an error that says what happened and what to do.
   */
  async reopen(): Promise<S> {
    const attempts = this.policy.delaysMs.length;
    while (this.attemptsUsed < attempts) {
      const delayMs = this.policy.delaysMs[this.attemptsUsed] ?? 0;
      this.attemptsUsed++;
      this.hooks.onWaiting(this.attemptsUsed, attempts, delayMs);
      await this.policy.sleep(delayMs, this.signal);
      try {
        const session = await this.open();
        this.hooks.onReconnected(this.attemptsUsed);
        return session;
      } catch (error) {
        if (this.signal?.aborted || !isDroppedConnection(error)) throw error;
      }
    }
    this.hooks.onGaveUp(attempts);
    throw connectionLostError(this.where, attempts);
  }
}

export function connectionLostError(where: { host: string; port: number }, attempts: number): AppError {
  return new AppError('IMAP_UNREACHABLE', userMessage('imapConnectionLost', { where: `${where.host}:${where.port}`, attempts }));
}

import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 that keeps every mail it is given, for tests of sending.
 * Cleartext only (no STARTTLS), as the app allows on loopback. Framework-agnostic: used by vitest
 * and by Playwright's Node side.
 */
export interface CapturedMail {
  /** The envelope sender (MAIL FROM). */
  from: string;
  /** The envelope recipients (RCPT TO). */
  to: string[];
  /** The message exactly as received after DATA. */
  raw: Buffer;
}

export interface SmtpReceiver {
  host: '127.0.0.1';
  port: number;
  user: string;
  password: string;
  received: CapturedMail[];
  /** Every recipient a client asked to send to (RCPT TO), refused ones too, in order: how often a mail was tried. */
  attempted: string[];
  /** Resolves once at least `count` mails arrived (with all of them), or rejects after `timeoutMs` (default 10 s). */
  waitFor(count: number, timeoutMs?: number): Promise<CapturedMail[]>;
  stop(): Promise<void>;
}

export interface SmtpReceiverOptions {
  requireAuth?: boolean;
  user?: string;
  password?: string;
  /** Also accept SASL XOAUTH2: whether this bearer token is valid for this user (as the test OAuth provider says). */
  acceptsToken?: (user: string, accessToken: string) => Promise<boolean>;
  /** Recipients refused at RCPT TO, each with the SMTP code answered (550: no such mailbox, for good; 450: try later). */
  refuseRecipients?: Record<string, number>;
  /**
   * The first this many mails are read whole and kept in `received` (they arrived), then the
   * connection drops before the server answers: a link that broke while the server scanned the
   * mail, so the sender cannot know whether it went.
   */
  dropAfterData?: number;
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const user = options.user ?? 'support@toot.example';
  const password = options.password ?? 'smtp-test-password';
  const received: CapturedMail[] = [];
  const attempted: string[] = [];
  const waiters = new Set<() => void>();
  let drops = options.dropAfterData ?? 0;

  const serverOptions: SMTPServerOptions = {
    secure: false,
    disabledCommands: ['STARTTLS'],
    authMethods: options.acceptsToken ? ['PLAIN', 'LOGIN', 'XOAUTH2'] : ['PLAIN', 'LOGIN'],
    authOptional: !options.requireAuth,
    allowInsecureAuth: true,
    logger: false,
    banner: 'madoguchi test receiver',
    onAuth(auth, _session, callback) {
      if (auth.method === 'XOAUTH2' && options.acceptsToken) {
        const { acceptsToken } = options;
        // As the RFC has it: a refused token gets a JSON challenge, which the client answers with an empty line.
        acceptsToken(auth.username ?? '', auth.accessToken ?? '').then(
          (valid) => (valid ? callback(null, { user: auth.username }) : callback(null, { data: { status: '401', schemes: 'bearer', scope: 'mail' } })),
          (error: Error) => callback(error),
        );
        return;
      }
      if (auth.username === user && auth.password === password) return callback(null, { user });
      const error: Error & { responseCode?: number } = new Error('Authentication credentials invalid');
      error.responseCode = 535;
      return callback(error);
    },
    onRcptTo(address, _session, callback) {
      attempted.push(address.address.toLowerCase());
      const code = options.refuseRecipients?.[address.address.toLowerCase()];
      if (code === undefined) return callback();
      const error: Error & { responseCode?: number } = new Error(code >= 500 ? '5.1.1 Recipient address rejected: User unknown' : '4.2.0 Mailbox busy, try again later');
      error.responseCode = code;
      return callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (error: Error) => callback(error));
      stream.on('end', () => {
        const mailFrom = session.envelope.mailFrom;
        received.push({
          from: mailFrom ? mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks),
        });
        for (const wake of [...waiters]) wake();
        if (drops > 0) {
          drops--;
          // smtp-server hands onData no socket: its connection is found by the session it owns.
          for (const connection of (server as unknown as { connections: Set<{ session: unknown; _socket: Socket }> }).connections) {
            if (connection.session === session) connection._socket.destroy();
          }
          return;
        }
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  // Errors of single client connections (a client hanging up) are expected in tests of failures.
  server.on('error', () => undefined);

  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      if (typeof address === 'object' && address) resolve(address.port);
      else reject(new Error('the SMTP receiver did not get a port'));
    });
  });

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    received,
    attempted,
    waitFor(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        if (received.length >= count) return resolve([...received]);
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`the SMTP receiver got ${received.length} of ${count} expected mails within ${timeoutMs} ms`));
        }, timeoutMs);
        const check = () => {
          if (received.length < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve([...received]);
        };
        waiters.add(check);
      });
    },
    stop() {
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sendMail } from '../../electron/mail/smtpSend';
import { appFailure } from '../support/appFailure';

/**
 * An SMTP server that follows the protocol until one step, then drops the connection without an
 * answer: the cases where only the moment of the drop tells whether the customer may have the mail.
 */
async function serverDroppingAt(step: 'RCPT' | 'DATA' | 'END_OF_DATA'): Promise<{ port: number; received: string[]; server: Server }> {
  const received: string[] = [];
  const server = createServer((socket: Socket) => {
    let inData = false;
    let pending = '';
    const answer = (line: string) => socket.write(`${line}\r\n`);
    answer('220 drop.test ESMTP');
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let end: number;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 2);
        if (inData) {
          received.push(line);
          if (line === '.') {
            if (step === 'END_OF_DATA') return socket.destroy();
            inData = false;
            answer('250 queued');
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'RCPT' && step === 'RCPT') return socket.destroy();
        if (verb === 'DATA' && step === 'DATA') return socket.destroy();
        if (verb === 'EHLO') answer('250-drop.test\r\n250 8BITMIME');
        else if (verb === 'HELO' || verb === 'MAIL' || verb === 'RCPT' || verb === 'RSET' || verb === 'NOOP') answer('250 ok');
        else if (verb === 'DATA') {
          inData = true;
          answer('354 go ahead');
        } else if (verb === 'QUIT') {
          answer('221 bye');
          socket.end();
        } else answer('502 not here');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, received, server };
}

const mail = { from: { name: 'TOOT', address: 'support@toot.example' }, to: 'yamada@example.jp', subject: 'お問い合わせの件', text: 'ご連絡ありがとうございます。', messageIdDomain: 'toot.example' };
let running: Server | null = null;
afterEach(async () => {
  await new Promise<void>((resolve) => (running ? running.close(() => resolve()) : resolve()));
  running = null;
});

describe('sendMail when the link drops mid-conversation', () => {
  it.each(['RCPT', 'DATA'] as const)('calls a drop at %s a failure to retry: no byte of the mail had gone', async (step) => {
    const drop = await serverDroppingAt(step);
    running = drop.server;
    const error = await appFailure(sendMail({ host: '127.0.0.1', port: drop.port, tls: false, user: '', password: null }, mail));
    expect(drop.received).toEqual([]);
    expect(error.code).not.toBe('SMTP_OUTCOME_UNKNOWN');
    expect(error.code).toBe('SMTP_UNREACHABLE');
  });

  it('asks staff to check when the whole mail went and no answer came: it may have been queued', async () => {
    const drop = await serverDroppingAt('END_OF_DATA');
    running = drop.server;
    const error = await appFailure(sendMail({ host: '127.0.0.1', port: drop.port, tls: false, user: '', password: null }, mail));
    expect(drop.received.at(-1)).toBe('.');
    expect(error.code).toBe('SMTP_OUTCOME_UNKNOWN');
  });
});

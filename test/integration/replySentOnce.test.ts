import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { inspectDatabase } from '../support/inspectDatabase';
import { testMailAccount } from '../support/mailAccount';
import { japaneseMail } from '../support/mailFixtures';
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtpReceiver';
import { startTestApp, type TestApp } from '../support/testApp';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value) || Date.now() > end) return value;
    await sleep(50);
  }
}

/** A TCP server on 127.0.0.1; `onSocket` plays the server's side. */
async function listen(onSocket: (socket: Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** An SMTP server that reads the whole mail, then drops the connection instead of answering (as a link that breaks while the server scans the mail). */
function droppingAfterData(received: string[]): (socket: Socket) => void {
  return (socket) => {
    let buffer = '';
    let inData = false;
    socket.write('220 flaky.example ESMTP\r\n');
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n');
          if (end < 0) return;
          received.push(buffer.slice(0, end));
          socket.destroy();
          return;
        }
        const eol = buffer.indexOf('\r\n');
        if (eol < 0) return;
        const line = buffer.slice(0, eol).toUpperCase();
        buffer = buffer.slice(eol + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 flaky.example\r\n');
        else if (line.startsWith('DATA')) {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (line.startsWith('QUIT')) socket.end('221 bye\r\n');
        else socket.write('250 OK\r\n');
      }
    });
  };
}

describe('a reply reaches the customer once: never sent again after the server may have taken it', () => {
  let dovecot: DovecotServer;
  let smtp: SmtpReceiver;
  let t: TestApp;
  let accountId: number;
  let inquiryId: number;

  beforeAll(async () => {
    smtp = await startSmtpReceiver({ requireAuth: true, user: 'support', password: 'smtp-pass' });
  });
  afterAll(async () => smtp.stop());
  beforeEach(async () => {
    dovecot = await startDovecot();
    t = await startTestApp({ operator: '佐藤', outbox: { undoMs: 60_000, retryBaseMs: 300, tickMs: 50 } });
    accountId = (await t.call('accounts.save', testMailAccount(dovecot, smtp))).id;
    await dovecot.appendMail(japaneseMail({ from: 'hanako@example.jp', fromName: '山田花子', to: 'support@toot.example', subject: '返品について', text: '返品できますか' }));
    await t.call('sync.run', { accountId });
    inquiryId = (await t.call('inquiries.list', {}))[0]!.id;
    smtp.received.length = 0;
  });
  afterEach(async () => {
    try {
      await t.dispose();
    } finally {
      await dovecot.stop();
    }
  });

  const send = async (body: string) => {
    const queued = await t.call('outbox.queue', { inquiryId, body, quoteOriginal: false });
    await t.call('outbox.sendNow', { id: queued.id });
    return queued.id;
  };

  /** Sends a reply through an SMTP server that reads it whole and drops the link before answering; resolves once the reply failed, with what that server read. */
  const sendWhereTheLinkBreaks = async (body: string) => {
    const received: string[] = [];
    const flaky = await listen(droppingAfterData(received));
    try {
      await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp, { smtpPort: flaky.port, smtpUser: '', smtpPassword: '' }) });
      const id = await send(body);
      const [item] = await until(() => t.call('outbox.list', { inquiryId }), (list) => list[0]?.status === 'failed');
      return { id, item: item!, received };
    } finally {
      await flaky.close();
    }
  };

  it('records the reply as sent as soon as the SMTP server took it, before its copy goes to the Sent folder', async () => {
    // The Sent folder's server accepts the connection and never answers: the copy hangs.
    const silent = await listen(() => undefined);
    try {
      await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp, { imapPort: silent.port }) });
      const id = await send('返品を承ります。');
      await smtp.waitFor(1, 10_000);
      // Were Madoguchi killed now, the database already says sent: it is never offered for sending again.
      const stored = await until(
        () => inspectDatabase(t.dataDir, (raw) => raw.prepare('SELECT status, message_id AS messageId FROM outbox WHERE id = ?').get(id) as { status: string; messageId: number | null }),
        (row) => row.status === 'sent',
        5000,
      );
      expect(stored.status).toBe('sent');
      expect(stored.messageId).not.toBeNull();
      expect((await t.call('inquiries.get', { id: inquiryId })).messages.map((m) => m.direction)).toEqual(['in', 'out']);
      await expect(t.call('outbox.sendNow', { id })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/already sent/) });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await silent.close();
    }
  });

  it('does not send again when the sent reply cannot be stored, and says not to', async () => {
    await t.app.close();
    await inspectDatabase(t.dataDir, (raw) =>
      raw.exec("CREATE TRIGGER disk_full BEFORE INSERT ON messages WHEN NEW.direction = 'out' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"),
    );
    await t.restart();
    const id = await send('返金いたします');
    // Sent, only not stored: listed as sent, with its text, and never offered to be sent or taken back again.
    const [item] = await until(() => t.call('outbox.list', { inquiryId }), (list) => list[0]?.status === 'sent');
    expect(item).toMatchObject({ status: 'sent', attempts: 1, messageId: null, body: '返金いたします' });
    expect(item!.lastError).toBe(
      "The reply was sent to the customer, but Madoguchi could not store it (SQLITE_CONSTRAINT_TRIGGER): do not send it again. Free disk space or restart Madoguchi, then note the reply on the inquiry; its text is here and, where the copy could be made, in the account's Sent folder.",
    );
    await expect(t.call('outbox.sendNow', { id })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(t.call('outbox.cancel', { id })).rejects.toMatchObject({ code: 'CONFLICT' });
    // It was answered when it went, for the response-time report too.
    expect((await t.call('inquiries.get', { id: inquiryId })).inquiry).toMatchObject({ status: 'answered', firstResponseAt: expect.stringMatching(/^\d{4}-/) });
    await sleep(1500);
    expect(smtp.received).toHaveLength(1);
    // What went out is in the Sent folder, as the message says.
    const sent = await dovecot.withClient((client) => client.status('Sent', { messages: true }));
    expect(sent && sent.messages).toBe(1);
  });

  it('says only what the failure says when a reply sent at once may have reached the customer: never to send it from the outbox', async () => {
    await t.app.close();
    await inspectDatabase(t.dataDir, (raw) =>
      raw.exec("CREATE TRIGGER disk_full BEFORE INSERT ON messages WHEN NEW.direction = 'out' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;"),
    );
    await t.restart();
    await expect(t.call('inquiries.reply', { inquiryId, body: '返金いたします', quoteOriginal: false })).rejects.toMatchObject({
      code: 'SENT_NOT_RECORDED',
      message: expect.not.stringMatching(/kept in the outbox|send it from there/),
    });
    expect(smtp.received).toHaveLength(1);
  });

  it('does not send again when the connection broke after the whole mail went, before the server confirmed it; only once staff checked, and then the same mail', async () => {
    const { id, item, received } = await sendWhereTheLinkBreaks('返金いたします');
    expect(item).toMatchObject({ status: 'failed', attempts: 1, mayHaveGone: true });
    // Madoguchi appended no copy to Sent (it does so once the server confirmed): the message does not send staff looking there.
    expect(item.lastError).toMatch(/may have been delivered, and Madoguchi put no copy in the Sent folder\. Ask the customer/);
    await sleep(1500);
    expect(received).toHaveLength(1);
    // Neither sent again nor taken back (which would leave the inquiry unanswered) until staff say they checked.
    await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp) });
    const refusal = { code: 'CONFLICT', message: expect.stringContaining('may have reached the customer') };
    await expect(t.call('outbox.sendNow', { id })).rejects.toMatchObject(refusal);
    await expect(t.call('outbox.cancel', { id })).rejects.toMatchObject(refusal);
    expect(smtp.received).toHaveLength(0);

    // It did not arrive: sent again, with the Message-ID of the first attempt, so a copy that went after all is the same mail.
    await t.call('outbox.sendNow', { id, checked: true });
    const [again] = await smtp.waitFor(1);
    const messageIdOf = (raw: string) => /^Message-ID: (\S+)/im.exec(raw)?.[1];
    expect(messageIdOf(again!.raw.toString('latin1'))).toBe(messageIdOf(received[0]!));
    await until(() => t.call('outbox.list', { inquiryId }), (list) => list.length === 0);
    expect((await t.call('inquiries.get', { id: inquiryId })).inquiry.status).toBe('answered');
  });

  it('records the reply sent again even when a copy of the first attempt came back into a synced folder under the same Message-ID', async () => {
    const { id, received } = await sendWhereTheLinkBreaks('返金いたします');
    // The first attempt did go, and its copy reached the account's INBOX (a Bcc to the shared address, a rule that files sent mail): the next sync meets it.
    await dovecot.appendMail(Buffer.from(received[0]!.replace(/\r\n\.\./g, '\r\n.'), 'latin1'));
    await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp) });
    await t.call('sync.run', { accountId });
    // From Madoguchi's own address: set aside, not an inquiry, and not a stored message that the second attempt would collide with.
    expect(await t.call('inquiries.list', {})).toHaveLength(1);
    expect((await t.call('inquiries.get', { id: inquiryId })).messages.map((m) => m.direction)).toEqual(['in']);

    await t.call('outbox.sendNow', { id, checked: true });
    await smtp.waitFor(1);
    await until(() => t.call('outbox.list', { inquiryId }), (list) => list.length === 0);
    const detail = await t.call('inquiries.get', { id: inquiryId });
    expect(detail.messages.map((m) => m.direction)).toEqual(['in', 'out']);
    expect(detail.inquiry.status).toBe('answered');
  });

  it('marks a reply Madoguchi stopped in the middle of sending (killed, a power cut) as one that may have gone: not sent again until staff checked', async () => {
    const queued = await t.call('outbox.queue', { inquiryId, body: '停止中の返信', quoteOriginal: false });
    await t.app.close();
    // What a kill in the middle of sending leaves: the reply claimed, not recorded as sent.
    await inspectDatabase(t.dataDir, (raw) => raw.prepare("UPDATE outbox SET status = 'sending', attempts = 1 WHERE id = ?").run(queued.id));
    await t.restart();
    const [item] = await until(() => t.call('outbox.list', { inquiryId }), (list) => list[0]?.status === 'failed');
    expect(item).toMatchObject({ id: queued.id, mayHaveGone: true, lastError: expect.stringContaining('Madoguchi stopped while this reply was being sent: it may have reached the customer') });
    await expect(t.call('outbox.sendNow', { id: queued.id })).rejects.toMatchObject({ code: 'CONFLICT' });
    // It did arrive: taken back, once staff say they checked.
    await expect(t.call('outbox.cancel', { id: queued.id, checked: true })).resolves.toMatchObject({ status: 'cancelled' });
    await sleep(1000);
    expect(smtp.received).toHaveLength(0);
  });

  it('records no withdrawal of consent to be answered while a reply to the customer is on its way: staff record it a moment later', async () => {
    // The SMTP server takes the connection and never answers: the reply stays on its way.
    const silent = await listen(() => undefined);
    try {
      await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp, { smtpPort: silent.port, smtpUser: '', smtpPassword: '' }) });
      await send('回答です');
      await until(() => t.call('outbox.list', { inquiryId }), (list) => list[0]?.status === 'sending');
      const customerId = (await t.call('inquiries.get', { id: inquiryId })).customer.id;
      const withdraw = { customerId, action: 'withdraw' as const, purposes: ['inquiry_response' as const], channels: ['any' as const], source: 'phone' as const, sourceInquiryId: inquiryId, evidence: '電話で「もう連絡しないでほしい」' };

      await expect(t.call('consent.record', withdraw)).rejects.toMatchObject({ code: 'CONFLICT', message: 'A reply to this customer is being sent right now: wait a moment, then record the withdrawal again.' });
      expect((await t.call('inquiries.get', { id: inquiryId })).inquiryResponseWithdrawnAt).toBeNull();
      // Any other record goes in as it is.
      await t.call('consent.record', { ...withdraw, purposes: ['new_product_information'], channels: ['email'] });
    } finally {
      await silent.close();
    }
  });

  it('refuses to queue a reply that still holds a placeholder written wrong', async () => {
    await expect(t.call('outbox.queue', { inquiryId, body: '{{customername}}様\nお問い合わせありがとうございます。' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/\{\{customername\}\}.*\{\{customerName\}\}/),
    });
    expect(await t.call('outbox.list', { inquiryId })).toEqual([]);
    // Braces written with a backslash go as they are: a customer's "{{ price }}" quoted back.
    const quoted = await t.call('outbox.queue', { inquiryId, body: 'ページに \\{{ price }}円 と表示される件、確認します。', quoteOriginal: false });
    expect(quoted.body).toBe('ページに {{ price }}円 と表示される件、確認します。');
  });

  it('does not retry a refused SMTP login, which could lock the account: staff fix it and send again', async () => {
    await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp, { smtpPassword: 'wrong' }) });
    const id = await send('回答です');
    const [item] = await until(() => t.call('outbox.list', { inquiryId }), (list) => list[0]?.status === 'failed');
    expect(item).toMatchObject({ status: 'failed', attempts: 1 });
    expect(item!.lastError).toMatch(/login failed/);
    await sleep(1000);
    expect((await t.call('outbox.list', { inquiryId }))[0]).toMatchObject({ status: 'failed', attempts: 1 });

    await t.call('accounts.save', { id: accountId, ...testMailAccount(dovecot, smtp) });
    await t.call('outbox.sendNow', { id });
    await smtp.waitFor(1, 10_000);
    expect(await until(() => t.call('outbox.list', { inquiryId }), (list) => list.length === 0)).toEqual([]);
  });
});

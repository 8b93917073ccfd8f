import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createImapClient } from '../../electron/mail/imapClient';
import { openFolderWithChanges, type KnownFolderState } from '../../electron/mail/folderChanges';
import { startDovecot, type DovecotServer } from '../support/dovecot';
import { japaneseMail } from '../support/mailFixtures';

/** CONDSTORE/QRESYNC against a real Dovecot: what changed on the server to mails already synced. */
describe('changes to synced mail, learned with QRESYNC or CONDSTORE', () => {
  let dovecot: DovecotServer;
  beforeEach(async () => {
    dovecot = await startDovecot();
  });
  afterEach(async () => dovecot.stop());

  const mails = (n: number) =>
    Array.from({ length: n }, (_, i) => japaneseMail({ from: `c${i}@example.jp`, to: 'support@toot.example', subject: `問い合わせ ${i}`, text: '本文' }));
  const config = () => ({ host: dovecot.host, port: dovecot.port, tls: false, user: dovecot.user, password: dovecot.password });

  async function open(known: KnownFolderState | null, options: { qresync?: boolean } = {}) {
    const client = createImapClient(config());
    if (options.qresync === false) Object.assign(client.options, { qresync: false });
    await client.connect();
    try {
      const opened = await openFolderWithChanges(client, 'INBOX', known);
      return { ...opened, enabled: new Set(client.enabled), uidValidity: opened.mailbox.uidValidity.toString() };
    } finally {
      await client.logout();
    }
  }

  it('learns deleted and answered mails from the EXAMINE answer, changing nothing on the server', async () => {
    await dovecot.appendMails(mails(4));
    const first = await open(null);
    expect(first.enabled.has('QRESYNC')).toBe(true);
    expect(first.highestModseq).toMatch(/^\d+$/);
    expect(first.changes).toEqual({ removed: [], answered: [], stillOnServer: null, method: 'none' });
    const known = { uidValidity: first.uidValidity, highestModseq: first.highestModseq, lastUid: 4 };

    expect((await open(known)).changes.method).toBe('unchanged');

    // A colleague answers mail 1 in another mail client and deletes mail 3; mail 5 arrives (not yet synced).
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('1', ['\\Answered'], { uid: true });
      await client.messageDelete('3', { uid: true });
    });
    await dovecot.appendMail(mails(1)[0]!);
    const after = await open(known);
    expect(after.changes).toEqual({ removed: [3], answered: [1], stillOnServer: null, method: 'qresync' });
    expect(BigInt(after.highestModseq!)).toBeGreaterThan(BigInt(first.highestModseq!));

    // Opening read-only changed nothing: the flags are as the colleague left them, mail 2 still unseen.
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX', { readOnly: true });
      const flags = new Map<number, string[]>();
      for await (const m of client.fetch('1:*', { uid: true, flags: true }, { uid: true })) flags.set(m.uid, [...(m.flags ?? [])]);
      expect(flags.get(1)).toEqual(['\\Answered']);
      expect(flags.get(2)).toEqual([]);
      expect(flags.has(3)).toBe(false);
    });
  });

  it('falls back to CONDSTORE when QRESYNC is not enabled: changed flags, and the list of mails still there; ignores a renumbered folder', async () => {
    await dovecot.appendMails(mails(3));
    const first = await open(null, { qresync: false });
    expect(first.enabled.has('QRESYNC')).toBe(false);
    const known = { uidValidity: first.uidValidity, highestModseq: first.highestModseq, lastUid: 3 };
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('2', ['\\Answered'], { uid: true });
      await client.messageDelete('1', { uid: true });
    });
    // Mail 4 is new: beyond lastUid, it is no stored mail's business.
    await dovecot.appendMail(mails(1)[0]!);
    expect((await open(known, { qresync: false })).changes).toEqual({ removed: [], answered: [2], stillOnServer: [2, 3], method: 'condstore' });
    // Another UIDVALIDITY: the stored UIDs mean other mails now; nothing is reported for them.
    expect((await open({ ...known, uidValidity: '1' })).changes).toEqual({ removed: [], answered: [], stillOnServer: null, method: 'none' });
  });
});

describe('changes to synced mail on servers without QRESYNC or CONDSTORE', () => {
  let dovecot: DovecotServer;
  afterEach(async () => dovecot.stop());

  it('a Gmail-like server (CONDSTORE only): flags changed since, and the mails still there', async () => {
    dovecot = await startDovecot({ without: ['QRESYNC'] });
    await dovecot.appendMails(mails(dovecot, 2));
    const first = await open(dovecot, null);
    expect(first.capabilities.has('QRESYNC')).toBe(false);
    expect(first.highestModseq).toMatch(/^\d+$/);
    const known = { uidValidity: first.uidValidity, highestModseq: first.highestModseq, lastUid: 2 };
    expect((await open(dovecot, known)).changes.method).toBe('unchanged');
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('1', ['\\Answered'], { uid: true });
      await client.messageDelete('2', { uid: true });
    });
    expect((await open(dovecot, known)).changes).toEqual({ removed: [], answered: [1], stillOnServer: [1], method: 'condstore' });
  });

  it('takes no mail for gone when the server lists fewer mails than the folder holds', async () => {
    dovecot = await startDovecot({ without: ['QRESYNC'] });
    await dovecot.appendMails(mails(dovecot, 3));
    const first = await open(dovecot, null);
    const known = { uidValidity: first.uidValidity, highestModseq: first.highestModseq, lastUid: 3 };
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageFlagsAdd('2', ['\\Answered'], { uid: true });
    });
    expect((await open(dovecot, known)).changes.stillOnServer).toEqual([1, 2, 3]);
    expect((await open(dovecot, known, { shortList: true })).changes).toEqual({ removed: [], answered: [2], stillOnServer: null, method: 'condstore' });
  });

  it('a server without mod-sequences: the mails still there, on every sync', async () => {
    dovecot = await startDovecot({ without: ['QRESYNC', 'CONDSTORE'] });
    await dovecot.appendMails(mails(dovecot, 3));
    const first = await open(dovecot, null);
    expect(first.capabilities.has('CONDSTORE')).toBe(false);
    expect(first.highestModseq).toBeNull();
    const known = { uidValidity: first.uidValidity, highestModseq: null, lastUid: 3 };
    expect((await open(dovecot, known)).changes).toEqual({ removed: [], answered: [], stillOnServer: [1, 2, 3], method: 'uid-list' });
    await dovecot.withClient(async (client) => {
      await client.mailboxOpen('INBOX');
      await client.messageDelete('1:2', { uid: true });
    });
    expect((await open(dovecot, known)).changes).toEqual({ removed: [], answered: [], stillOnServer: [3], method: 'uid-list' });
  });

  const mails = (server: DovecotServer, n: number) =>
    Array.from({ length: n }, (_, i) => japaneseMail({ from: `c${i}@example.jp`, to: server.user, subject: `問い合わせ ${i}`, text: '本文' }));

  /** `shortList`: the server answers UID SEARCH without its first mail, as a server that truncates long answers would. */
  async function open(server: DovecotServer, known: KnownFolderState | null, options: { shortList?: boolean } = {}) {
    const client = createImapClient({ host: server.host, port: server.port, tls: false, user: server.user, password: server.password });
    if (options.shortList) {
      const search = client.search.bind(client);
      client.search = async (...args) => {
        const found = await search(...args);
        return Array.isArray(found) ? found.slice(1) : found;
      };
    }
    await client.connect();
    try {
      const opened = await openFolderWithChanges(client, 'INBOX', known);
      return { ...opened, capabilities: new Set(client.capabilities.keys()), uidValidity: opened.mailbox.uidValidity.toString() };
    } finally {
      await client.logout();
    }
  }
});

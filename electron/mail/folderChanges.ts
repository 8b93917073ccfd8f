import type { ImapFlow, MailboxObject } from 'imapflow';

/** What the last sync of a folder knew: enough to ask the server only what changed since. */
export interface KnownFolderState {
  uidValidity: string;
  /** HIGHESTMODSEQ when the folder was last synced (CONDSTORE, RFC 7162); null: never known. */
  highestModseq: string | null;
  /** Mails up to this UID are stored; changes are asked for them only. */
  lastUid: number;
}

/** What happened on the server to mails already stored, since the last sync. */
export interface FolderChanges {
  /** Stored mails deleted (expunged) on the server: learned from QRESYNC's VANISHED. */
  removed: number[];
  /** Stored mails someone answered from another mail client (the \Answered flag was set). */
  answered: number[];
  /**
   * Where the server cannot list deletions (no QRESYNC, as with Gmail): the UIDs up to lastUid
   * still in the folder, so that stored mails of this numbering not among them are known gone
   * (deleted, or moved to another folder). Null where deletions came with `removed`, nothing can
   * have changed, or the server's list was not the whole folder.
   */
  stillOnServer: number[] | null;
  /**
   * How the changes were learned: 'qresync'; 'condstore' (flags changed since, and the UIDs still
   * there); 'uid-list' (a server without mod-sequences: the UIDs still there, flags not learned);
   * 'unchanged' (HIGHESTMODSEQ as before: nothing changed); 'none' (first sync, or a renumbered folder).
   */
  method: 'qresync' | 'condstore' | 'uid-list' | 'unchanged' | 'none';
}

export interface OpenedFolder {
  mailbox: MailboxObject;
  /** The folder's HIGHESTMODSEQ now, to remember for the next sync; null when the server has none. */
  highestModseq: string | null;
  changes: FolderChanges;
}

/**
 * Opens a folder read-only (EXAMINE) and learns what changed to the mails already stored, as
 * cheaply as the server allows: with QRESYNC the answer to EXAMINE itself lists the mails
 * deleted and the flags changed since the last sync; with CONDSTORE alone one FETCH asks for
 * flags changed since then and one UID SEARCH lists the mails still there (one line however many);
 * a server with neither gives that list only. An unchanged HIGHESTMODSEQ means nothing changed
 * at all. Nothing on the server is modified.
 */
export async function openFolderWithChanges(client: ImapFlow, folder: string, known: KnownFolderState | null): Promise<OpenedFolder> {
  const removed = new Set<number>();
  const flagged = new Map<number, Set<string>>();
  const lastUid = known?.lastUid ?? 0;
  // Events name the folder as imapflow normalised it (with the namespace's prefix, such as cPanel's
  // "INBOX."), which may not be the name staff typed: they are kept with it, and those of the folder
  // as it opened are taken afterwards.
  const vanished: Array<{ path?: string; uid: number }> = [];
  const flagChanges: Array<{ path?: string; uid: number; flags: Set<string> }> = [];
  const onExpunge = (event: { path?: string; uid?: number; vanished?: boolean }) => {
    if (event.vanished && event.uid !== undefined && event.uid <= lastUid) vanished.push({ path: event.path, uid: event.uid });
  };
  const onFlags = (event: { path?: string; uid?: number; flags?: Set<string> }) => {
    if (event.uid !== undefined && event.uid <= lastUid && event.flags) flagChanges.push({ path: event.path, uid: event.uid, flags: event.flags });
  };
  const askQresync = known !== null && known.highestModseq !== null && client.enabled.has('QRESYNC');
  client.on('expunge', onExpunge);
  client.on('flags', onFlags);
  let mailbox: MailboxObject;
  try {
    mailbox = await client.mailboxOpen(folder, {
      readOnly: true,
      ...(askQresync ? { uidValidity: BigInt(known.uidValidity), changedSince: BigInt(known.highestModseq as string) } : {}),
    });
  } finally {
    client.off('expunge', onExpunge);
    client.off('flags', onFlags);
  }
  const opened = (event: { path?: string }) => event.path === mailbox.path || event.path === folder;
  for (const event of vanished) if (opened(event)) removed.add(event.uid);
  for (const event of flagChanges) if (opened(event)) flagged.set(event.uid, event.flags);
  const highestModseq = mailbox.highestModseq !== undefined && !mailbox.noModseq ? mailbox.highestModseq.toString() : null;
  const sameFolder = known !== null && known.uidValidity === mailbox.uidValidity.toString();
  const bothModseqs = highestModseq !== null && known?.highestModseq != null;
  let method: FolderChanges['method'] = 'none';
  let stillOnServer: number[] | null = null;
  if (!known || !sameFolder || lastUid === 0) {
    // First sync or a renumbered folder: nothing to compare with.
  } else if (bothModseqs && highestModseq === known.highestModseq) {
    method = 'unchanged';
  } else if (bothModseqs && askQresync && (mailbox as MailboxObject & { qresync?: boolean }).qresync) {
    method = 'qresync';
  } else {
    method = bothModseqs ? 'condstore' : 'uid-list';
    if (bothModseqs) {
      for await (const message of client.fetch(`1:${lastUid}`, { uid: true, flags: true }, { uid: true, changedSince: BigInt(known.highestModseq as string) })) {
        if (message.uid <= lastUid && message.flags) flagged.set(message.uid, message.flags);
      }
    }
    stillOnServer = await storedUidsStillThere(client, mailbox, lastUid);
  }
  if (method !== 'qresync') removed.clear();
  if (method !== 'qresync' && method !== 'condstore') flagged.clear();
  const answered = [...flagged].filter(([uid, flags]) => flags.has('\\Answered') && !removed.has(uid)).map(([uid]) => uid);
  return { mailbox, highestModseq, changes: { removed: [...removed].sort((a, b) => a - b), answered: answered.sort((a, b) => a - b), stillOnServer, method } };
}

/**
 * The UIDs of the open folder up to `lastUid`, ascending; null when the server's list is not
 * the whole folder (it holds fewer mails than the folder counts, or the count changed meanwhile):
 * then no mail is taken for deleted this time, since a short list would make all the rest look so.
 */
async function storedUidsStillThere(client: ImapFlow, mailbox: MailboxObject, lastUid: number): Promise<number[] | null> {
  const all = await searchUids(client, { all: true });
  if (all.length !== mailbox.exists) return null;
  return all.filter((uid) => uid <= lastUid);
}

/** A UID SEARCH in the open folder, ascending; throws when the server refuses it. */
export async function searchUids(client: ImapFlow, query: Parameters<ImapFlow['search']>[0]): Promise<number[]> {
  const found = await client.search(query, { uid: true });
  if (!Array.isArray(found)) throw Object.assign(new Error('The server refused to list the mails'), { code: 'ESearchFailed' });
  return found.sort((a, b) => a - b);
}

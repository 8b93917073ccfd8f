import type { ImapFlow } from 'imapflow';
import { searchUids } from './folderChanges';
import { isMailRefusal } from './imapFetchAlone';
import { MAX_MAIL_BYTES } from './mailLimits';
import { messageIdOf, originDateOf } from './messageIdentity';

/**
 * What a folder sync asks the server for (see imapFetch.ts): the new UIDs and which of them are
 * oversized, in groups of one FETCH each, and which are known already by their Message-ID.
 */

/** Mails per FETCH command at most. */
const GROUP_MAILS = 1000;

/**
 * The UIDs >= firstUid, ascending, and those of them larger than MAX_MAIL_BYTES, in two SEARCHes
 * that each answer in one line, where a FETCH of each mail's size took a response per mail (a
 * sixth of a large sync's time). ("n:*" always includes the highest UID, even below n, hence the filter.)
 */
export async function listNewMail(client: ImapFlow, firstUid: number): Promise<{ uids: number[]; oversized: Set<number> }> {
  const search = async (query: Parameters<ImapFlow['search']>[0]) => (await searchUids(client, query)).filter((uid) => uid >= firstUid);
  const uids = await search({ uid: `${firstUid}:*` });
  const oversized = new Set(uids.length ? await search({ uid: `${firstUid}:*`, larger: MAX_MAIL_BYTES }) : []);
  return { uids, oversized };
}

export interface FetchGroup {
  uids: number[];
  /** Only the first MAX_MAIL_BYTES of each mail (groups of one oversized mail). */
  truncate: boolean;
}

/**
 * Runs of up to GROUP_MAILS UIDs, each oversized mail in a group of its own. Only those are
 * asked for as a byte range: imapflow takes a third longer over each ranged answer.
 */
export function groupForFetch(uids: number[], oversized: ReadonlySet<number>): FetchGroup[] {
  const groups: FetchGroup[] = [];
  let current: number[] = [];
  for (const uid of uids) {
    if (oversized.has(uid)) {
      if (current.length) groups.push({ uids: current, truncate: false });
      groups.push({ uids: [uid], truncate: true });
      current = [];
      continue;
    }
    current.push(uid);
    if (current.length >= GROUP_MAILS) {
      groups.push({ uids: current, truncate: false });
      current = [];
    }
  }
  if (current.length) groups.push({ uids: current, truncate: false });
  return groups;
}

/**
 * The UIDs among `uids` whose mail the caller has stored, by its Message-ID and Date headers
 * (only those are read), with the key its copy is stored under.
 */
export async function knownByMessageId(client: ImapFlow, uids: number[], storedKeyOf: (messageId: string, originDate: string | null) => string | null): Promise<Map<number, string>> {
  const known = new Map<number, string>();
  const header = (headers: string, pattern: RegExp) => pattern.exec(headers)?.[1]?.replace(/\r?\n(?=[ \t])/g, '').trim() ?? null;
  try {
    for await (const message of client.fetch(toSequenceSet(uids), { uid: true, headers: ['message-id', 'date'] }, { uid: true })) {
      const headers = message.headers?.toString('latin1') ?? '';
      const id = messageIdOf(header(headers, MESSAGE_ID_HEADER));
      const key = id ? storedKeyOf(id, originDateOf(header(headers, DATE_HEADER))) : null;
      if (key) known.set(message.uid, key);
    }
  } catch (error) {
    // Some mail's header refused: the mails not known by now are fetched whole (and a stored one
    // is recognised when it is stored), where a refused one is dealt with like any other.
    if (!isMailRefusal(error) || !client.usable) throw error;
  }
  return known;
}

/** A header's value with its folded lines, as FETCH BODY[HEADER.FIELDS] answers it. */
const foldedHeader = (name: string) => new RegExp(`^${name}:([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'im');
const MESSAGE_ID_HEADER = foldedHeader('message-id');
const DATE_HEADER = foldedHeader('date');

/** 1,2,3,7,9,10 → "1:3,7,9:10" */
export function toSequenceSet(uids: number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < uids.length) {
    const first = uids[i] as number;
    let last = first;
    while (i + 1 < uids.length && uids[i + 1] === last + 1) last = uids[++i] as number;
    parts.push(first === last ? String(first) : `${first}:${last}`);
    i++;
  }
  return parts.join(',');
}


import type { ImapFlow } from 'imapflow';
import type { FetchedMail } from './imapFetch';
import { fetchAloneUnlessRefused, fetchedMail, isMailRefusal } from './imapFetchAlone';
import { toSequenceSet, type FetchGroup } from './imapFetchPlan';
import { MAX_MAIL_BYTES } from './mailLimits';

/**
 * Mails that arrive ahead of their turn (out of UID order) are held up to this many bytes
 * together; any more are dropped and fetched again on their own, so memory stays bounded.
 */
const OUT_OF_ORDER_BYTES = 16 * 1024 * 1024;

/**
 * Fetches mails and hands them over strictly in UID order. Servers answer in mailbox order, which
 * is UID order, so normally each mail goes straight through; one that arrives early waits for
 * those before it (beyond OUT_OF_ORDER_BYTES it is fetched again later instead). An oversized
 * mail comes as its first MAX_MAIL_BYTES.
 *
 * Every listed mail that did not come is asked for again on its own: one expunged meanwhile (the
 * server answers nothing for it, not even its flags) is never handed over. A server that will not
 * hand over some mail answers the others and ends the FETCH with NO, or leaves it out and ends
 * OK. Then one it sends alone is dealt with as above; one it still withholds is handed to `refuse`
 * if the server still answers for that mail's flags, so that one unreadable mail does not hold up
 * its folder for good, and is never taken for gone. Without `refuse`, or when the server answers
 * nothing for a mail it refused, the fault is the server's: the error is thrown.
 */
export async function fetchInUidOrder(
  client: ImapFlow,
  group: FetchGroup,
  deliver: (mail: FetchedMail) => Promise<void>,
  refuse: ((uid: number, serverText: string) => Promise<void>) | null,
): Promise<void> {
  const { uids } = group;
  // The flags too: a mail answered from another client before it was fetched is never reported as a change later.
  const query = { uid: true, internalDate: true, flags: true, source: group.truncate ? { maxLength: MAX_MAIL_BYTES } : true } as const;
  const wanted = new Set(uids);
  const waiting = new Map<number, FetchedMail>();
  let waitingBytes = 0;
  let next = 0;
  try {
    for await (const message of client.fetch(toSequenceSet(uids), query, { uid: true })) {
      if (!message.source || !wanted.has(message.uid)) continue;
      wanted.delete(message.uid);
      const mail = fetchedMail(message, message.source);
      if (message.uid !== uids[next]) {
        // Beyond the bound it is dropped, and fetched again on its own below.
        if (waitingBytes + mail.raw.length <= OUT_OF_ORDER_BYTES) {
          waiting.set(mail.uid, mail);
          waitingBytes += mail.raw.length;
        }
        continue;
      }
      next++;
      await deliver(mail);
      for (let held = waiting.get(uids[next] as number); held; held = waiting.get(uids[next] as number)) {
        waiting.delete(held.uid);
        waitingBytes -= held.raw.length;
        next++;
        await deliver(held);
      }
    }
  } catch (error) {
    if (!refuse || !isMailRefusal(error) || !client.usable) throw error;
  }
  // What is left was preceded by a mail that did not come (gone, refused or left out), or came too early: keep the order among the rest.
  for (; next < uids.length; next++) {
    const uid = uids[next] as number;
    const held = waiting.get(uid);
    if (held) {
      await deliver(held);
      continue;
    }
    await handOverAlone(uid, await fetchAloneUnlessRefused(client, uid, query, { patient: true }), deliver, refuse);
  }
}

/** A mail fetched on its own goes to `deliver`, or to `refuse` when the server withholds it (without `refuse`, its error is thrown); one that is gone, nowhere. */
export async function handOverAlone(
  uid: number,
  outcome: Awaited<ReturnType<typeof fetchAloneUnlessRefused>>,
  deliver: (mail: FetchedMail) => Promise<void>,
  refuse: ((uid: number, serverText: string) => Promise<void>) | null,
): Promise<void> {
  if ('refusal' in outcome) {
    if (!refuse) throw outcome.error;
    await refuse(uid, outcome.refusal);
  } else if (outcome.mail) await deliver(outcome.mail);
}

import type { ImapFlow } from 'imapflow';
import { userMessage } from '../../shared/userMessages';
import type { FetchedMail } from './imapFetch';

/**
 * One mail fetched by UID on its own, and telling a mail the server will not hand over (a NO that
 * blames the mail, while the server still answers for its flags) from a server that fails (a NO
 * naming its own fault, or no answer at all): what imapFetch.ts falls back to after a FETCH of many
 * mails ended in NO, and how it asks again for mails set aside for such a refusal.
 */

/** The server answered for the mail (its flags, or `BODY[] NIL`) but sent none of its content. */
const WITHHELD = 'withheld';

async function fetchAlone(client: ImapFlow, uid: number, query: Parameters<ImapFlow['fetch']>[1]): Promise<FetchedMail | typeof WITHHELD | undefined> {
  let found: FetchedMail | typeof WITHHELD | undefined;
  try {
    for await (const message of client.fetch(String(uid), query, { uid: true })) {
      if (message.uid !== uid) continue;
      found = message.source ? fetchedMail(message, message.source) : (found ?? WITHHELD);
    }
  } catch (error) {
    // The whole mail came before the connection dropped (or the FETCH ended badly): it is not lost for that.
    if (found && found !== WITHHELD) return found;
    throw error;
  }
  return found;
}

/**
 * What a FETCH of a mail's content that ended OK without it is taken for: the server's answer
 * ("OK, but without the mail's content"), as a NO's words are, so that it reads the same to staff.
 */
function withheldContent(): Error {
  return Object.assign(new Error('The IMAP server answered OK without the mail\'s content'), { responseText: userMessage('answeredWithoutContent') });
}

/** How long a mail the server refused waits to be asked for once more: a refusal that passes (a server busy for a moment) is no reason to set it aside. */
const REFUSAL_RETRY_MS = 1000;

/**
 * One mail fetched on its own (undefined when it is gone), or why the server will not hand it
 * over: it refused it (a NO that names no fault of its own), or ended the FETCH OK without its
 * content (a server that leaves a mail out of its answer), `patient`ly once more after a moment,
 * while it still answers for the mail's flags. Only a mail the server answers nothing for, not
 * even its flags, is gone. A server that answers nothing for a mail it refused, or names its own
 * fault, fails: its error is thrown.
 */
export async function fetchAloneUnlessRefused(
  client: ImapFlow,
  uid: number,
  query: Parameters<ImapFlow['fetch']>[1],
  options: { patient: boolean },
): Promise<{ mail: FetchedMail | undefined } | { refusal: string; error: unknown }> {
  for (let attempt = options.patient ? 2 : 1; ; attempt--) {
    try {
      const mail = await fetchAlone(client, uid, query);
      if (mail !== WITHHELD && (mail || !(await answersForFlags(client, uid)))) return { mail };
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, REFUSAL_RETRY_MS));
        continue;
      }
      const error = withheldContent();
      return { refusal: serverText(error), error };
    } catch (error) {
      if (!isMailRefusal(error) || !client.usable) throw error;
      if (attempt > 1) {
        await new Promise((resolve) => setTimeout(resolve, REFUSAL_RETRY_MS));
        continue;
      }
      // Still there, and the server answers for it: the mail is what it cannot hand over.
      if (!(await answersForFlags(client, uid).catch(() => false))) throw error;
      return { refusal: serverText(error), error };
    }
  }
}

/**
 * The server answers a FETCH of this mail's flags alone with the mail (true) or, ending it OK,
 * with nothing (false: the mail is gone). A FETCH that fails throws: a mail is never taken for
 * gone because the server could not say.
 */
async function answersForFlags(client: ImapFlow, uid: number): Promise<boolean> {
  const message = await client.fetchOne(String(uid), { uid: true, flags: true }, { uid: true });
  return Boolean(message && message.uid === uid);
}

/**
 * Response codes (RFC 5530) with which a server names a fault that may lie in the mail itself;
 * every other code names the server's own state (UNAVAILABLE: its storage is down; SERVERBUG,
 * LIMIT, INUSE, OVERQUOTA …), where no mail is to blame.
 */
const MAIL_FAULT_CODES = new Set(['CORRUPTION', 'EXPUNGEISSUED']);

/**
 * A tagged NO that blames the mail, not the server: one without a response code (Gmail's "Some
 * messages could not be FETCHed") or with one that names the mail's fault.
 */
export function isMailRefusal(error: unknown): boolean {
  if ((error as { responseStatus?: unknown } | null)?.responseStatus !== 'NO') return false;
  const code = responseCodeOf(error);
  return code === null || MAIL_FAULT_CODES.has(code);
}

/** The [CODE] of a tagged answer, upper-case; null without one. imapflow leaves FETCH errors with the parsed answer only. */
function responseCodeOf(error: unknown): string | null {
  const { serverResponseCode, response } = error as { serverResponseCode?: unknown; response?: { attributes?: Array<{ section?: Array<{ value?: unknown }> }> } };
  const code = typeof serverResponseCode === 'string' ? serverResponseCode : response?.attributes?.[0]?.section?.[0]?.value;
  return typeof code === 'string' && code.trim() ? code.trim().toUpperCase() : null;
}

/** What the server said with its NO, for staff (a server's words, never the mail's). */
function serverText(error: unknown): string {
  const text = (error as { responseText?: unknown }).responseText;
  return typeof text === 'string' && text.trim() ? text.trim().slice(0, 200) : 'NO';
}

export function fetchedMail(message: { uid: number; internalDate?: Date | string; flags?: Set<string> }, raw: Buffer): FetchedMail {
  const mail: FetchedMail = { uid: message.uid, raw, internalDate: toIso(message.internalDate) };
  if (message.flags?.has('\\Answered')) mail.answered = true;
  return mail;
}

function toIso(date: Date | string | undefined): string {
  const parsed = date === undefined ? new Date(NaN) : new Date(date);
  return Number.isNaN(parsed.getTime()) ? new Date().toISOString() : parsed.toISOString();
}


import type { ImapFlow, ListResponse } from 'imapflow';
import { createImapClient, type ImapConfig } from './imapClient';
import { toImapAppError } from './imapError';

/** Names mail clients and servers give the sent folder when it carries no \Sent special-use flag. */
const SENT_NAMES = ['sent', 'sent items', 'sent messages', 'sent mail', 'inbox.sent', '送信済み', '送信済みアイテム', '送信済みメール'];
const CREATED_NAME = 'Sent';

/**
 * Stores a copy of a sent reply in the account's Sent folder, so the mailbox shows it like any
 * mail sent from a mail client: the \Sent special-use folder, else one named like it, else a new
 * "Sent". Returns the folder used. The caller treats a failure as a warning: the reply has gone.
 */
export async function appendToSentFolder(config: ImapConfig, raw: Buffer): Promise<string> {
  const client = createImapClient(config);
  try {
    await client.connect();
    const folder = await sentFolderOf(client);
    await client.append(folder, raw, ['\\Seen']);
    return folder;
  } catch (error) {
    throw toImapAppError(error, config);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function sentFolderOf(client: ImapFlow): Promise<string> {
  const folders: ListResponse[] = await client.list();
  const special = folders.find((f) => f.specialUse === '\\Sent');
  if (special) return special.path;
  for (const name of SENT_NAMES) {
    const named = folders.find((f) => f.path.toLowerCase() === name || f.name.toLowerCase() === name);
    if (named) return named.path;
  }
  const created = await client.mailboxCreate(CREATED_NAME);
  return created.path;
}

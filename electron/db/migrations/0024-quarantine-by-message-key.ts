import type { Migration } from '../migrate';

/**
 * Set-aside mail found by its key (Message-ID or content hash) within an account: every mail the
 * sync reads asks whether the same mail is still listed as set aside from a mailbox the account read
 * before, so this is a look-up per mail, not a scan of the list.
 */
export const quarantineByMessageKey: Migration = {
  version: 24,
  name: 'quarantine-by-message-key',
  sql: `CREATE INDEX quarantine_account_message_key ON quarantine(mail_account_id, message_key) WHERE message_key IS NOT NULL;`,
};

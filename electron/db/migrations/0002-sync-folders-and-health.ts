import type { Migration } from '../migrate';

/**
 * The sync engine per account: which folders to sync (each with its own cursor in sync_state),
 * from which Tokyo day mail opens inquiries (older mail is imported archived), and the account's
 * health for the background scheduler (consecutive failures, when it tries again).
 */
export const syncFoldersAndHealth: Migration = {
  version: 2,
  name: 'sync-folders-and-health',
  sql: `
    ALTER TABLE mail_accounts ADD COLUMN folders TEXT NOT NULL DEFAULT '["INBOX"]';  -- JSON array of IMAP folder names
    ALTER TABLE mail_accounts ADD COLUMN import_since TEXT;                          -- YYYY-MM-DD (Tokyo) or NULL: everything is new
    ALTER TABLE mail_accounts ADD COLUMN failure_count INTEGER NOT NULL DEFAULT 0;   -- consecutive failed syncs
    ALTER TABLE mail_accounts ADD COLUMN next_retry_at TEXT;                         -- ISO UTC, set by the scheduler
  `,
};

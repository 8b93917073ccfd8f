import BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { migrate } from '../../electron/db/migrate';
import { MIGRATIONS } from '../../electron/db/migrations';

/**
 * An in-memory database as a Madoguchi that had only the first `migrations` of them left it, with
 * one mail account (id 1): a migration's test fills it as that version did, then migrates it.
 */
export function databaseBefore(migrations: number): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:');
  migrate(db, MIGRATIONS.slice(0, migrations));
  db.prepare(
    `INSERT INTO mail_accounts (id, label, imap_host, imap_port, imap_tls, imap_user, smtp_host, smtp_port, smtp_tls, smtp_user, from_address, from_name)
     VALUES (1, 'support', '127.0.0.1', 143, 0, 'u', '127.0.0.1', 25, 0, '', 'support@toot.example', 'TOOT')`,
  ).run();
  return db;
}

import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import type { Kysely } from 'kysely';
import type { PushName, PushPayload } from '../../shared/pushes';
import type { Database } from '../db/schema';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../security/secretBox';

/** What services work with once the database is unlocked: one per unlocked session. */
export interface Workspace {
  db: Kysely<Database>;
  /**
   * The raw handle under `db`, for hot paths that run cached prepared statements in one
   * synchronous transaction (mail ingest; see db/rawTransaction.ts). Queries stay in their
   * concern's repository module either way.
   */
  raw: BetterSqlite3.Database;
  secrets: SecretBox;
  /** Who is operating: recorded as "who" on consent records, replies and exports. */
  operator: string;
  logger: Logger;
  push<P extends PushName>(name: P, payload: PushPayload<P>): void;
  /** The clock, injectable so tests can place events in time. */
  now(): string;
}

import type { Kysely } from 'kysely';
import type { PushName, PushPayload } from '../../shared/contract';
import type { Database } from '../db/schema';
import type { Logger } from '../logging/logger';
import type { SecretBox } from '../security/secretBox';

/** What services work with once the database is unlocked: one per unlocked session. */
export interface Workspace {
  db: Kysely<Database>;
  secrets: SecretBox;
  /** Who is operating: recorded as "who" on consent records, replies and exports. */
  operator: string;
  logger: Logger;
  push<P extends PushName>(name: P, payload: PushPayload<P>): void;
  /** The clock, injectable so tests can place events in time. */
  now(): string;
}

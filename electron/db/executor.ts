import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

/** Repositories take either the database or a transaction, so callers choose the unit of work. */
export type Executor = Kysely<Database> | Transaction<Database>;

export const nowIso = (): string => new Date().toISOString();

import type { ThirdPartyProvision } from '../../shared/domain';
import type { Executor } from '../db/executor';

/** Appends one provision (the table refuses updates and deletes). */
export async function appendThirdPartyProvision(db: Executor, provision: Omit<ThirdPartyProvision, 'id'>): Promise<void> {
  await db.insertInto('thirdPartyProvisions').values(provision).execute();
}

/** The customer's provisions to third parties, oldest first. */
export async function listThirdPartyProvisions(db: Executor, customerId: number): Promise<ThirdPartyProvision[]> {
  return db.selectFrom('thirdPartyProvisions').selectAll().where('customerId', '=', customerId).orderBy('id').execute();
}

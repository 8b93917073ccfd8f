import type { ThirdPartyProvision } from '../../shared/domain';
import type { Executor } from '../db/executor';

/** The customer's provisions to third parties, oldest first. */
export async function listThirdPartyProvisions(db: Executor, customerId: number): Promise<ThirdPartyProvision[]> {
  return db.selectFrom('thirdPartyProvisions').selectAll().where('customerId', '=', customerId).orderBy('id').execute();
}

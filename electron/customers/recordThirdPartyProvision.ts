import type { MethodInput } from '../../shared/contract';
import type { CustomerDetail } from '../../shared/domain';
import { maskCardNumbers } from '../../shared/cardMask';
import { AppError } from '../../shared/result';
import { tokyoDate } from '../../shared/tokyoTime';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { getCustomerDetail } from './customerDetail';
import { getCustomer } from './customerRepository';
import { requireInquiryOfCustomer } from './sourceInquiry';
import { appendThirdPartyProvision } from './thirdPartyProvisionRepository';

/**
 * Records a provision of the customer's personal information to a third party (the policy allows
 * one with their consent, to protect life, health or property, or at a request under a law):
 * append-only, with who recorded it and when. A record is kept after the customer's registration
 * is cancelled too (the law asks for it), so it can also be recorded then.
 */
export async function recordThirdPartyProvision(ws: Workspace, input: MethodInput<'customers.recordProvision'>): Promise<CustomerDetail> {
  const at = ws.now();
  if (input.providedOn > tokyoDate(at)) throw new AppError('BAD_REQUEST', userMessage('provisionInFuture', { day: input.providedOn }));
  await ws.db.transaction().execute(async (trx) => {
    if (!(await getCustomer(trx, input.customerId))) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: input.customerId }));
    await requireInquiryOfCustomer(trx, input.customerId, input.sourceInquiryId);
    await appendThirdPartyProvision(trx, {
      customerId: input.customerId,
      recipient: maskCardNumbers(input.recipient),
      items: maskCardNumbers(input.items),
      basis: input.basis,
      evidence: maskCardNumbers(input.evidence),
      providedOn: input.providedOn,
      recordedBy: ws.operator,
      recordedAt: at,
      sourceInquiryId: input.sourceInquiryId ?? null,
    });
  });
  // Ids and the ground only: whom it went to, and what, are about the customer.
  ws.logger.info('customer.provision_recorded', { customerId: input.customerId, basis: input.basis });
  return getCustomerDetail(ws, input.customerId);
}

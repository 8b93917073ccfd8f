import type { MethodInput } from '../../shared/contract';
import { EMAIL_ADDRESS, type CustomerDetail, type CustomerField } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { getCustomerDetail } from './customerDetail';
import { listInquiries } from '../inquiries/inquiryRepository';
import { appendCustomerAmendment, cleanCustomerDetails, findCustomerByEmail, getCustomer, updateCustomerDetails } from './customerRepository';
import { requireInquiryOfCustomer } from './sourceInquiry';
import { settleMailKnownByAddress } from '../inquiries/senderRepository';

/** Enough to tell an address from a typo (a name, a phone number); the mail server is the judge of the rest. */

/**
 * Amends a customer's registration details at their request, as the policy promises through the
 * point of contact: the details are changed and an append-only record says who did it, when, how
 * the request came, the evidence, and which fields changed (not what they were). Card numbers are
 * masked; an empty field clears it. Mail from a new address joins this customer from then on.
 */
export async function amendCustomer(ws: Workspace, input: MethodInput<'customers.amend'>): Promise<CustomerDetail> {
  const details = cleanCustomerDetails(input);

  const fields = await ws.db.transaction().execute(async (trx) => {
    const current = await getCustomer(trx, input.id);
    if (!current) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: input.id }));
    if (current.registrationCancelledAt !== null) throw new AppError('CONFLICT', userMessage('customerRegistrationCancelled', { id: input.id }));
    await requireInquiryOfCustomer(trx, input.id, input.sourceInquiryId);
    if ((Object.keys(details) as CustomerField[]).some((field) => input.before[field] !== current[field])) {
      throw new AppError('CONFLICT', userMessage('customerChangedMeanwhile'));
    }
    // An address left as stored stays as stored, even one kept in a form mail does not carry (a pair
    // migration 0027 left for staff: its ASCII form is another customer's): other details can be amended.
    if (current.email !== null && input.email?.trim() === current.email) details.email = current.email;
    const changed = (Object.keys(details) as CustomerField[]).filter((field) => details[field] !== current[field]);
    if (changed.length === 0) throw new AppError('BAD_REQUEST', userMessage('customerNothingToAmend'));
    // Only a new address is checked: one that came with mail stays as it is when other details change.
    if (changed.includes('email') && details.email !== null) {
      if (!EMAIL_ADDRESS.test(details.email)) throw new AppError('BAD_REQUEST', userMessage('customerEmailInvalid', { email: details.email }));
      const holder = await findCustomerByEmail(trx, details.email);
      if (holder && holder.id !== input.id) throw new AppError('CONFLICT', userMessage('customerEmailTaken', { email: details.email, id: holder.id }));
    }
    // Their mail known by the address they had stays theirs.
    if (changed.includes('email')) await settleMailKnownByAddress(trx, input.id);
    await updateCustomerDetails(trx, input.id, details, changed.includes('email'));
    await appendCustomerAmendment(trx, {
      customerId: input.id,
      fields: changed,
      recordedBy: ws.operator,
      recordedAt: ws.now(),
      source: input.source,
      sourceInquiryId: input.sourceInquiryId ?? null,
      evidence: input.evidence,
    });
    return changed;
  });
  // Field names only: the values are personal data.
  ws.logger.info('customer.amended', { customerId: input.id, fields: fields.join(',') });
  // The inbox and inquiry views show the customer's name and address.
  const inquiryIds = (await listInquiries(ws.db, { customerId: input.id })).map((inquiry) => inquiry.id);
  if (inquiryIds.length > 0) ws.push('inquiries.changed', { inquiryIds });
  return getCustomerDetail(ws, input.id);
}

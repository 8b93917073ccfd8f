import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import type { Executor } from '../db/executor';
import { getInquiryRow } from '../inquiries/inquiryRepository';
import { wroteIn } from '../inquiries/senderRepository';

/**
 * A record of the customer's word names the inquiry it came in: one of theirs, or another
 * customer's that they wrote in (copied on its mail, they asked there to be sent no more).
 */
export async function requireInquiryOfCustomer(db: Executor, customerId: number, inquiryId: number | undefined): Promise<void> {
  if (inquiryId === undefined) return;
  const inquiry = await getInquiryRow(db, inquiryId);
  if (inquiry && (inquiry.customerId === customerId || (await wroteIn(db, customerId, inquiryId)))) return;
  throw new AppError('BAD_REQUEST', userMessage('inquiryOfAnotherCustomer', { id: inquiryId }));
}

import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import type { Executor } from '../db/executor';
import { getInquiryRow } from '../inquiries/inquiryRepository';

/** A record of the customer's word names the inquiry it came in: that must be one of theirs. */
export async function requireInquiryOfCustomer(db: Executor, customerId: number, inquiryId: number | undefined): Promise<void> {
  if (inquiryId === undefined) return;
  const inquiry = await getInquiryRow(db, inquiryId);
  if (!inquiry || inquiry.customerId !== customerId) throw new AppError('BAD_REQUEST', userMessage('inquiryOfAnotherCustomer', { id: inquiryId }));
}

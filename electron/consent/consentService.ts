import type { MethodInput } from '../../shared/contract';
import { purposeByKey } from '../../shared/purposes';
import { AppError } from '../../shared/result';
import type { Workspace } from '../app/workspace';
import { getCustomer } from '../customers/customerRepository';
import { requireInquiryOfCustomer } from '../customers/sourceInquiry';
import { listInquiries } from '../inquiries/inquiryRepository';
import { cancelUnsentRepliesToCustomer, isReplyToCustomerBeingSent } from '../replies/outbox';
import { appendConsentEvent, INQUIRY_RESPONSE } from './consentRepository';
import { channelsForPurpose } from './consentState';
import { userMessage } from '../../shared/userMessages';

/**
 * Records the customer's word (a consent, or an opt-out / discontinuation of use) as one
 * append-only record per purpose and channel, with who, when, source and evidence.
 */
export async function recordConsent(ws: Workspace, input: MethodInput<'consent.record'>): Promise<{ recorded: number }> {
  const at = ws.now();
  const recorded = await ws.db.transaction().execute(async (trx) => {
    const customer = await getCustomer(trx, input.customerId);
    if (!customer) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: input.customerId }));
    if (customer.registrationCancelledAt !== null) throw new AppError('CONFLICT', userMessage('customerRegistrationCancelled', { id: input.customerId }));
    await requireInquiryOfCustomer(trx, input.customerId, input.sourceInquiryId);
    // No longer to be used to answer them: replies waiting in the outbox are taken back with it.
    const stopsReplies = input.action === 'withdraw' && input.purposes.includes(INQUIRY_RESPONSE);
    // One on its way now cannot be: the withdrawal is recorded once it went, so that what it says holds.
    if (stopsReplies && (await isReplyToCustomerBeingSent(trx, input.customerId))) throw new AppError('CONFLICT', userMessage('replyBeingSentWithdrawAgain'));
    let count = 0;
    for (const key of new Set(input.purposes)) {
      const purpose = purposeByKey(key);
      const channels = channelsForPurpose(purpose.channels, input.channels);
      if (channels.length === 0) {
        throw new AppError('BAD_REQUEST', userMessage('consentChannelNeeded', { number: purpose.number, channels: purpose.channels.join('/') }));
      }
      for (const channel of channels) {
        await appendConsentEvent(trx, {
          customerId: input.customerId,
          purpose: key,
          channel,
          action: input.action,
          recordedBy: ws.operator,
          recordedAt: at,
          source: input.source,
          sourceInquiryId: input.sourceInquiryId ?? null,
          evidence: input.evidence,
        });
        count++;
      }
    }
    const inquiryIds = stopsReplies ? await cancelUnsentRepliesToCustomer(trx, input.customerId) : [];
    return { count, inquiryIds };
  });
  ws.logger.info('consent.recorded', { customerId: input.customerId, action: input.action, records: recorded.count, repliesTakenBack: recorded.inquiryIds.length });
  if (recorded.inquiryIds.length) ws.push('outbox.changed', { inquiryIds: recorded.inquiryIds });
  if (input.purposes.includes(INQUIRY_RESPONSE)) {
    // Whether their inquiries can be answered changed: an inquiry open on screen shows it (the reply box, or why not).
    const inquiryIds = (await listInquiries(ws.db, { customerId: input.customerId })).map((inquiry) => inquiry.id);
    if (inquiryIds.length > 0) ws.push('inquiries.changed', { inquiryIds });
  }
  return { recorded: recorded.count };
}

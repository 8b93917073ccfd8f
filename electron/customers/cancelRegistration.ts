import type { MethodInput } from '../../shared/contract';
import type { CustomerDetail } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { STORED_PLACEHOLDERS } from '../../shared/storedPlaceholders';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { forgetQuarantineFrom } from '../accounts/syncStateRepository';
import { appendConsentEvent, listConsentEvents } from '../consent/consentRepository';
import { currentConsentStates } from '../consent/consentState';
import { foldWriteAheadLogNow } from '../db/foldWriteAheadLog';
import { eraseInquiryContentsOfCustomer } from '../inquiries/inquiryContentErasure';
import { listInquiries } from '../inquiries/inquiryRepository';
import { setAsideSendersOf, settleMailKnownByAddress } from '../inquiries/senderRepository';
import { cancelUnsentRepliesToCustomer, isReplyToCustomerBeingSent } from '../replies/outbox';
import { getCustomerDetail } from './customerDetail';
import { eraseCustomerDetails, getCustomer } from './customerRepository';
import { appendRegistrationCancellation } from './registrationCancellationRepository';
import { requireInquiryOfCustomer } from './sourceInquiry';


/**
 * Cancels a customer's registration at their request, as the policy promises through the point
 * of contact, in one transaction:
 *
 * - every use of their data still permitted is withdrawn: one append-only consent record per
 *   purpose and channel, with the request's source and evidence (the discontinuation of use);
 * - replies to them waiting in the outbox, or failed, are taken back (while one is being sent,
 *   the cancellation is refused: that reply would store their address and words again);
 * - their details (name, e-mail, phone, address) are erased; their number stays, with the
 *   records that refer to it (consents, amendments, disclosures), which prove the request was honoured;
 * - with `deleteInquiryContents`, what their inquiries said goes too (see
 *   inquiryContentErasure.ts), and the sender and subject of their mail that was set aside (from
 *   any address they wrote from), which can no longer be filed;
 *   without, the inquiries stay as business records;
 * - an append-only record says who, when, how the request came, the evidence, and which choice.
 *
 * Mail from their address opens a new customer from then on, and never joins their old threads.
 * Mail on the server is not touched (Madoguchi never changes it).
 */
export async function cancelRegistration(ws: Workspace, input: MethodInput<'customers.cancelRegistration'>): Promise<CustomerDetail> {
  const at = ws.now();
  const inquiryIds = await ws.db.transaction().execute(async (trx) => {
    const customer = await getCustomer(trx, input.id);
    if (!customer) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: input.id }));
    if (customer.registrationCancelledAt !== null) throw new AppError('CONFLICT', userMessage('customerRegistrationCancelled', { id: input.id }));
    await requireInquiryOfCustomer(trx, input.id, input.sourceInquiryId);
    // A reply on its way has read their address and the mail it quotes: it would store them again once sent.
    if (await isReplyToCustomerBeingSent(trx, input.id)) throw new AppError('CONFLICT', userMessage('customerReplyBeingSent'));
    const request = { recordedBy: ws.operator, recordedAt: at, source: input.source, sourceInquiryId: input.sourceInquiryId ?? null, evidence: input.evidence };

    for (const state of currentConsentStates(await listConsentEvents(trx, input.id))) {
      if (state.state === 'permitted') await appendConsentEvent(trx, { customerId: input.id, purpose: state.purpose, channel: state.channel, action: 'withdraw', ...request });
    }
    await cancelUnsentRepliesToCustomer(trx, input.id);
    if (input.deleteInquiryContents) {
      // Their mail set aside, from the address they have now and from any they wrote from before.
      const from = await setAsideSendersOf(trx, input.id, customer.email);
      await eraseInquiryContentsOfCustomer(trx, input.id, STORED_PLACEHOLDERS.deletedWithRegistration);
      await forgetQuarantineFrom(trx, from);
    }
    // What they wrote in others' threads stays theirs once their address is erased (with the contents kept, too).
    await settleMailKnownByAddress(trx, input.id);
    await eraseCustomerDetails(trx, input.id, STORED_PLACEHOLDERS.cancelledCustomer, at);
    await appendRegistrationCancellation(trx, {
      customerId: input.id,
      cancelledBy: ws.operator,
      cancelledAt: at,
      source: input.source,
      sourceInquiryId: input.sourceInquiryId ?? null,
      evidence: input.evidence,
      contentsDeleted: input.deleteInquiryContents,
    });
    return (await listInquiries(trx, { customerId: input.id }, null)).map((inquiry) => inquiry.id);
  });
  // The write-ahead log still holds the erased details as they were (secure_delete clears the database's own pages).
  foldWriteAheadLogNow(ws.raw);
  ws.logger.info('customer.registrationCancelled', { customerId: input.id, inquiries: inquiryIds.length, contentsDeleted: input.deleteInquiryContents });
  if (inquiryIds.length > 0) {
    ws.push('inquiries.changed', { inquiryIds });
    ws.push('outbox.changed', { inquiryIds });
  }
  return getCustomerDetail(ws, input.id);
}

import type { MethodInput, MethodOutput } from '../../shared/contract';
import type { Message } from '../../shared/domain';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import type { Workspace } from '../app/workspace';
import { listQuarantineFrom } from '../accounts/syncStateRepository';
import { listInquiries } from '../inquiries/inquiryRepository';
import { messagesOfSenderElsewhere, setAsideSendersOf } from '../inquiries/senderRepository';
import { listUnsentRepliesOfCustomer } from '../replies/outbox';
import { getInquiryDetail } from '../inquiries/inquiryService';
import { getCustomer } from './customerRepository';
import { getCustomerDetail } from './customerDetail';
import { appendDisclosure } from './disclosureRepository';
import { requireInquiryOfCustomer } from './sourceInquiry';

/**
 * Gathers everything held about a customer, to disclose to them at their request (the policy's
 * "disclosure"): their details, consents and their history, amendments, earlier disclosures, every
 * inquiry with its messages, replies not sent, mail from their address that was set aside, and
 * what they wrote in other customers' threads.
 * The disclosure is logged first, append-only, with who, when, how the request came and the
 * evidence (how the customer was identified); what was disclosed is not copied into the log.
 */
export async function discloseCustomer(ws: Workspace, input: MethodInput<'customers.disclose'>): Promise<MethodOutput<'customers.disclose'>> {
  const entry = await ws.db.transaction().execute(async (trx) => {
    if (!(await getCustomer(trx, input.id))) throw new AppError('NOT_FOUND', userMessage('customerNotFound', { id: input.id }));
    await requireInquiryOfCustomer(trx, input.id, input.sourceInquiryId);
    return appendDisclosure(trx, {
      customerId: input.id,
      disclosedBy: ws.operator,
      disclosedAt: ws.now(),
      source: input.source,
      sourceInquiryId: input.sourceInquiryId ?? null,
      evidence: input.evidence,
    });
  });
  // What is disclosed is the customer's own: not the records of others who wrote in their threads
  // (nor their mail there, see withoutOthersMail), nor of the customers whose threads they wrote in.
  const customer = { ...(await getCustomerDetail(ws, input.id)), wroteIn: [] };
  // Every inquiry, oldest first (the customer page lists the newest 500).
  const inquiries = [];
  for (const inquiry of (await listInquiries(ws.db, { customerId: input.id }, null)).reverse()) {
    const detail = await getInquiryDetail(ws, inquiry.id);
    inquiries.push({ ...detail, participants: [], messages: detail.messages.map(withoutOthersMail) });
  }
  const unsentReplies = await listUnsentRepliesOfCustomer(ws.db, input.id);
  // Mail set aside from the address they have now, and from any they wrote from before (as a cancellation erases it).
  const setAside = await listQuarantineFrom(ws.db, await setAsideSendersOf(ws.db, input.id, customer.customer.email));
  // Their mail in other customers' threads: those messages, not the rest of the thread.
  const writtenElsewhere = [];
  const elsewhere = await messagesOfSenderElsewhere(ws.db, input.id);
  for (const inquiryId of new Set(elsewhere.map((m) => m.inquiryId))) {
    const ids = new Set(elsewhere.filter((m) => m.inquiryId === inquiryId).map((m) => m.id));
    for (const { senderCustomerId: _theirs, ...message } of (await getInquiryDetail(ws, inquiryId)).messages) if (ids.has(message.id)) writtenElsewhere.push({ inquiryId, message });
  }
  ws.logger.info('customer.disclosed', { customerId: input.id, inquiries: inquiries.length });
  return { entry, customer, inquiries, unsentReplies, setAside, writtenElsewhere };
}

/**
 * Another customer's mail in the thread (someone copied, replying to all) is theirs, not to be
 * disclosed to this customer: only that a mail came from someone else, and when, is kept.
 */
function withoutOthersMail(message: Message): Message {
  if (message.senderCustomerId === undefined) return message;
  const { id, direction, at } = message;
  return { id, direction, at, fromAddress: null, toAddress: null, subject: '', body: '', author: null, messageId: null, html: null, attachments: [], forwarded: [], withheld: true };
}

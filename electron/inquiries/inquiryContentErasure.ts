import type { Executor } from '../db/executor';
import { erasedMessageKey } from '../mail/messageIdentity';
import { settleOwnMail } from './senderRepository';

/**
 * Deletes what a customer's inquiries said, and what they wrote in other customers' threads (their
 * registration was cancelled with the contents of their mail): the subjects become `subject`; every message's text, HTML, addresses, threading
 * headers, attachments and forwarded mail go, and so do the texts of replies in the outbox (and the
 * server's words on them, which can quote an address). What stays says only that something was
 * asked and answered, and when: the inquiries' channel, status and dates (the response-time
 * reports count them) and each message's direction, date and author; and each mail's key (its
 * Message-ID or content hash), without which the sync would import the same mail from the server
 * again, as a hash only (see erasedMessageKey). Run it in a transaction. Answers how many messages were emptied.
 */
export async function eraseInquiryContentsOfCustomer(db: Executor, customerId: number, subject: string): Promise<number> {
  const inquiryIds = db.selectFrom('inquiries').select('id').where('customerId', '=', customerId);
  // Their inquiries' messages, and what they wrote in another customer's thread (copied on it, replying to all).
  // Their own mail is marked theirs first: it is known partly by its address, which is erased below.
  await settleOwnMail(db, customerId);
  const messageIds = db
    .selectFrom('messages')
    .select('id')
    .where((eb) => eb.or([eb('inquiryId', 'in', inquiryIds), eb('senderCustomerId', '=', customerId)]));
  // Attachments first: some belong to forwarded mail, which they refer to.
  await db.deleteFrom('attachments').where('messageId', 'in', messageIds).execute();
  await db.deleteFrom('forwardedMessages').where('messageId', 'in', messageIds).execute();
  await db.deleteFrom('messageHtml').where('messageId', 'in', messageIds).execute();
  const emptied = await db
    .updateTable('messages')
    .set({ subject, body: '', fromAddress: null, toAddress: null, inReplyTo: null, referenceIds: null })
    .where('id', 'in', messageIds)
    .executeTakeFirst();
  const keyed = await db.selectFrom('messages').select(['id', 'messageKey']).where('id', 'in', messageIds).where('messageKey', 'is not', null).execute();
  for (const { id, messageKey } of keyed) {
    await db.updateTable('messages').set({ messageKey: erasedMessageKey(messageKey as string) }).where('id', '=', id).execute();
  }
  await db.updateTable('outbox').set({ body: '', lastError: null }).where('inquiryId', 'in', inquiryIds).execute();
  await db.updateTable('inquiries').set({ subject }).where('customerId', '=', customerId).execute();
  return Number(emptied.numUpdatedRows);
}

import type { Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { InboundMail } from '../mail/parseInboundMail';
import { findCustomerByEmail, getCustomer, insertCustomer } from '../customers/customerRepository';
import * as inquiries from '../inquiries/inquiryRepository';

export type IngestOutcome =
  | { kind: 'new'; inquiryId: number }
  | { kind: 'threaded'; inquiryId: number }
  | { kind: 'duplicate' }
  | { kind: 'automatic' };

export interface MailOrigin {
  accountId: number;
  folder: string;
  uid: number;
}

const INQUIRY_NUMBER = /\[#(\d{1,9})\]/;

/**
 * Files one parsed mail: a mail already stored (same Message-ID, or same content hash) is
 * skipped; a reply joins its thread by In-Reply-To/References, then by an inquiry number
 * "[#123]" in the subject from the same customer; anything else opens a new inquiry. Subjects
 * alone never merge mails. Automatic mail (auto-replies, bounces) opens nothing.
 */
export async function ingestMail(trx: Transaction<Database>, mail: InboundMail, origin: MailOrigin, now: string): Promise<IngestOutcome> {
  if (await inquiries.messageKeyExists(trx, mail.messageKey)) return { kind: 'duplicate' };
  if (mail.automatic) return { kind: 'automatic' };

  let inquiryId = await inquiries.findInquiryByMessageKeys(trx, [
    ...(mail.inReplyTo ? [mail.inReplyTo] : []),
    ...mail.references,
  ]);
  if (inquiryId === null) inquiryId = await inquiryNumberedBySameCustomer(trx, mail);

  const kind = inquiryId === null ? 'new' : 'threaded';
  if (inquiryId === null) {
    const customer =
      (mail.fromAddress ? await findCustomerByEmail(trx, mail.fromAddress) : null) ??
      (await insertCustomer(trx, { name: mail.fromName || mail.fromAddress || '(差出人不明)', email: mail.fromAddress }, now));
    inquiryId = await inquiries.insertInquiry(trx, {
      customerId: customer.id,
      channel: 'email',
      subject: mail.subject || '(件名なし)',
      receivedAt: mail.date,
      mailAccountId: origin.accountId,
      loggedBy: null,
    });
  } else {
    // The customer wrote again: the inquiry needs attention.
    await inquiries.setInquiryStatus(trx, inquiryId, 'open');
  }
  await inquiries.insertMessage(trx, {
    inquiryId,
    direction: 'in',
    messageKey: mail.messageKey,
    inReplyTo: mail.inReplyTo,
    referenceIds: mail.references,
    fromAddress: mail.fromAddress,
    toAddress: mail.toAddress,
    subject: mail.subject,
    body: mail.text,
    at: mail.date,
    author: null,
    mailAccountId: origin.accountId,
    imapFolder: origin.folder,
    imapUid: origin.uid,
  });
  return { kind, inquiryId };
}

async function inquiryNumberedBySameCustomer(trx: Transaction<Database>, mail: InboundMail): Promise<number | null> {
  const match = INQUIRY_NUMBER.exec(mail.subject);
  if (!match || !mail.fromAddress) return null;
  const inquiry = await inquiries.getInquiryRow(trx, Number(match[1]));
  if (!inquiry) return null;
  const customer = await getCustomer(trx, inquiry.customerId);
  return customer?.email === mail.fromAddress ? inquiry.id : null;
}

/**
 * The inquiry number in a mail's subject, "[#123]": Madoguchi writes it into the subject of every
 * reply, so that a customer who answers from another mail client, or writes a new mail and copies
 * the subject, still reaches the same inquiry (threading falls back to it when a mail's headers
 * name no mail Madoguchi knows). Customers who type it again with a Japanese input method write
 * it in full-width characters ("［＃１２３］"), which read the same.
 */

const NUMBER_TAG = /\[#(\d{1,9})\]/g;

/** "[#123]" */
export function inquiryNumberTag(inquiryId: number): string {
  return `[#${inquiryId}]`;
}

/**
 * The inquiry numbers a subject carries, half- or full-width, the last written first: a subject
 * may carry another system's ticket number too ("Fwd: 障害報告 [#1234]"), and Madoguchi's own
 * tag is written after it.
 */
export function inquiryNumbersIn(subject: string): number[] {
  // NFKC reads ［＃１２３］ as [#123]; the brackets, hash and digits are all it changes here.
  return [...subject.normalize('NFKC').matchAll(NUMBER_TAG)].map((match) => Number(match[1])).reverse();
}

/** "Re: 件名 [#123]": a reply's subject, with "Re:" once and the inquiry's number once. */
export function replySubject(subject: string, inquiryId: number): string {
  const answered = /^\s*(re|ｒｅ)\s*[:：]/i.test(subject) ? subject : `Re: ${subject}`.trimEnd();
  return inquiryNumbersIn(answered).includes(inquiryId) ? answered : `${answered} ${inquiryNumberTag(inquiryId)}`;
}

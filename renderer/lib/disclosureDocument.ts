import type { MethodOutput } from '../../shared/contract';
import type { Language, Message } from '../../shared/domain';
import { PURPOSES } from '../../shared/purposes';
import type { TFunction } from 'i18next';
import { formatBytes, NONE, tokyoDateTimeOrNone } from './format';

export type Disclosure = MethodOutput<'customers.disclose'>;

/**
 * The document handed to a customer who asked what is held about them: plain text in `t`'s
 * language (`language` names the purposes), readable as it is, printed or attached to a reply. Everything the main process gave is
 * in it (details, consents and their records, amendments, disclosures, inquiries and their
 * messages), as stored: card numbers already masked.
 */
export function disclosureDocument(disclosure: Disclosure, t: TFunction, language: Language): string {
  const { entry, customer: detail, inquiries } = disclosure;
  const { customer } = detail;
  const lines: string[] = [];
  const section = (title: string) => lines.push('', `■ ${title}`);
  const field = (label: string, value: string | null) => lines.push(`${label}: ${value ?? NONE}`);

  lines.push(t('disclose.document.title'), t('disclose.document.preparedFor', { customer: customer.name }), t('disclose.document.preparedAt', { at: tokyoDateTimeOrNone(entry.disclosedAt) }));
  lines.push(t('disclose.document.preparedBy', { company: t('app.company'), operator: entry.disclosedBy }), t('disclose.document.cardNote'));

  section(t('disclose.document.details'));
  field(t('customer.name'), customer.name);
  field(t('customer.email'), customer.email);
  field(t('customer.phone'), customer.phone);
  field(t('customer.address'), customer.postalAddress);
  field(t('customer.since'), tokyoDateTimeOrNone(customer.createdAt));

  section(t('disclose.document.consents'));
  for (const purpose of PURPOSES) {
    const states = detail.consents
      .filter((c) => c.purpose === purpose.key)
      .map((c) => `${t(`consentChannel.${c.channel}`)}: ${t(`consentState.${c.state}`)}`);
    lines.push(`(${purpose.number}) ${purpose.label[language]} — ${states.join(' / ') || NONE}`);
  }

  section(t('disclose.document.consentHistory'));
  if (detail.history.length === 0) lines.push(t('disclose.document.none'));
  for (const event of detail.history) {
    const purpose = PURPOSES.find((p) => p.key === event.purpose);
    lines.push(
      `${tokyoDateTimeOrNone(event.recordedAt)}  ${t(`consent.action.${event.action}`)}  ${purpose ? `(${purpose.number}) ${purpose.label[language]}` : event.purpose}  ` +
        `${t(`consentChannel.${event.channel}`)}  ${t(`source.${event.source}`)}  ${event.evidence}`,
    );
  }

  section(t('disclose.document.amendments'));
  if (detail.amendments.length === 0) lines.push(t('disclose.document.none'));
  for (const amendment of detail.amendments) {
    lines.push(`${tokyoDateTimeOrNone(amendment.recordedAt)}  ${amendment.fields.map((f) => t(`amend.field.${f}`)).join('・')}  ${t(`source.${amendment.source}`)}`);
  }

  section(t('disclose.document.disclosures'));
  for (const earlier of detail.disclosures) lines.push(`${tokyoDateTimeOrNone(earlier.disclosedAt)}  ${t(`source.${earlier.source}`)}`);

  section(t('disclose.document.inquiries'));
  if (inquiries.length === 0) lines.push(t('disclose.document.none'));
  for (const { inquiry, messages } of inquiries) {
    lines.push('', `#${inquiry.id} ${inquiry.subject}`);
    lines.push(`${t(`channel.${inquiry.channel}`)}  ${t('disclose.document.received')}: ${tokyoDateTimeOrNone(inquiry.receivedAt)}  ${t('disclose.document.status')}: ${t(`status.${inquiry.status}`)}`);
    for (const message of messages) lines.push(...messageLines(message, t));
  }
  return `${lines.join('\n')}\n`;
}

function messageLines(message: Message, t: TFunction): string[] {
  const who = [message.fromAddress, message.toAddress ? `→ ${message.toAddress}` : null].filter(Boolean).join(' ');
  const lines = ['', `--- ${tokyoDateTimeOrNone(message.at)}  ${t(`inquiry.direction.${message.direction}`)}  ${who}`.trimEnd(), message.subject, '', message.body];
  for (const a of message.attachments ?? []) lines.push(t('disclose.document.attachment', { name: a.fileName || t('mail.unnamed'), size: formatBytes(a.size) }));
  for (const forwarded of message.forwarded ?? []) lines.push('', `> ${forwarded.from}  ${forwarded.subject}`, ...forwarded.body.split('\n').map((line) => `> ${line}`));
  return lines;
}

import type { TFunction } from 'i18next';
import type { MethodOutput } from '../../shared/contract';
import type { AttachmentInfo, ForwardedMessage, Language, Message } from '../../shared/domain';
import { PURPOSES } from '../../shared/purposes';
import { localizeUserMessage } from '../../shared/userMessages';
import { formatBytes, tokyoDateTimeOrNone } from './format';
import { shownValue } from './storedPlaceholders';

export type Disclosure = MethodOutput<'customers.disclose'>;

/**
 * The document handed to a customer who asked what is held about them: plain text in `t`'s
 * language (`language` names the purposes), readable as it is, printed or attached to a reply.
 * Everything the main process gave is in it (details, consents and their records, amendments,
 * disclosures, every inquiry with its messages and what was forwarded in them, their mail in other
 * customers' threads (those messages alone), replies not sent,
 * mail from them that was set aside), as stored: card
 * numbers already masked. Another customer's mail in their threads is not in it (only that one
 * came, and when); what may still be someone else's (a mail in the thread from an address no
 * customer has, a forwarded mail) is marked for staff to check before handing it over.
 */
export function disclosureDocument(disclosure: Disclosure, t: TFunction, language: Language): string {
  const { entry, customer: detail, inquiries } = disclosure;
  const { customer } = detail;
  const list = (items: string[]) => items.join(t('common.listSeparator'));
  const lines: string[] = [];
  const section = (title: string, entries: string[]) => lines.push('', `■ ${title}`, ...(entries.length ? entries : [t('disclose.document.none')]));
  const value = (text: string | null) => text ?? t('disclose.document.notRegistered');
  const purposeName = (key: string) => {
    const purpose = PURPOSES.find((p) => p.key === key);
    return purpose ? `(${purpose.number}) ${purpose.label[language]}` : key;
  };

  lines.push(
    t('disclose.document.title'),
    t('disclose.document.preparedFor', { customer: shownValue(customer.name, t) }),
    t('disclose.document.preparedAt', { at: tokyoDateTimeOrNone(entry.disclosedAt) }),
    t('disclose.document.preparedBy', { company: t('app.company'), operator: entry.disclosedBy }),
    t('disclose.document.cardNote'),
  );

  section(t('disclose.document.details'), [
    `${t('customer.name')}: ${shownValue(customer.name, t)}`,
    `${t('customer.email')}: ${value(customer.email)}${customer.emailUndeliverable ? t('disclose.document.undeliverable') : ''}`,
    `${t('customer.phone')}: ${value(customer.phone)}`,
    `${t('customer.address')}: ${value(customer.postalAddress)}`,
    `${t('customer.since')}: ${tokyoDateTimeOrNone(customer.createdAt)}`,
    ...(detail.cancellation
      ? [
          t('disclose.document.cancelled', {
            at: tokyoDateTimeOrNone(detail.cancellation.cancelledAt),
            contents: t(detail.cancellation.contentsDeleted ? 'cancelRegistration.bannerDeleted' : 'cancelRegistration.bannerKept'),
          }),
        ]
      : []),
  ]);

  section(
    t('disclose.document.consents'),
    PURPOSES.map((purpose) => {
      const states = detail.consents.filter((c) => c.purpose === purpose.key).map((c) => `${t(`consentChannel.${c.channel}`)}: ${t(`consentState.${c.state}`)}`);
      return `${purposeName(purpose.key)} — ${states.join(' / ')}`;
    }),
  );

  section(
    t('disclose.document.consentHistory'),
    detail.history.map((event) =>
      t('disclose.document.consentEvent', {
        at: tokyoDateTimeOrNone(event.recordedAt),
        action: t(`consent.action.${event.action}`),
        purpose: purposeName(event.purpose),
        channel: t(`consentChannel.${event.channel}`),
        source: t(`source.${event.source}`),
        evidence: event.evidence,
      }),
    ),
  );

  section(
    t('disclose.document.amendments'),
    detail.amendments.map((amendment) =>
      t('disclose.document.amendment', {
        at: tokyoDateTimeOrNone(amendment.recordedAt),
        fields: list(amendment.fields.map((field) => t(`amend.field.${field}`))),
        source: t(`source.${amendment.source}`),
        evidence: amendment.evidence,
      }),
    ),
  );

  section(
    t('disclose.document.disclosures'),
    detail.disclosures.map((earlier) => t('disclose.document.disclosure', { at: tokyoDateTimeOrNone(earlier.disclosedAt), source: t(`source.${earlier.source}`), evidence: earlier.evidence })),
  );

  section(
    t('disclose.document.provisions'),
    detail.provisions.map((p) => {
      const line = t('disclose.document.provision', { day: p.providedOn, recipient: p.recipient, items: p.items, basis: t(`provision.basisOption.${p.basis}`), evidence: p.evidence });
      // Disclosing a provision to the police (or in an emergency) may hinder what it was for: staff decide before handing it over.
      return p.basis === 'consent' ? line : `${t('disclose.document.checkProvision')} ${line}`;
    }),
  );

  section(
    t('disclose.document.mailingListExports'),
    detail.mailingListExports.map((entry) => entry.handedTo
        ? t('disclose.document.mailingListExport', { at: tokyoDateTimeOrNone(entry.exportedAt), to: entry.handedTo })
        : t('disclose.document.mailingListExportUnnamed', { at: tokyoDateTimeOrNone(entry.exportedAt) })),
  );

  section(
    t('disclose.document.inquiries'),
    inquiries.flatMap(({ inquiry, messages }) => [
      '',
      `#${inquiry.id} ${shownValue(inquiry.subject, t)}`,
      t('disclose.document.inquiry', { channel: t(`channel.${inquiry.channel}`), received: tokyoDateTimeOrNone(inquiry.receivedAt), status: t(`status.${inquiry.status}`) }),
      ...messages.flatMap((message) => messageLines(message, customer.email, t)),
    ]),
  );

  section(
    t('disclose.document.writtenElsewhere'),
    disclosure.writtenElsewhere.flatMap(({ inquiryId, message }) => [t('disclose.document.inThreadOf', { inquiry: inquiryId }), ...messageLines(message, message.fromAddress, t), '']),
  );

  section(
    t('disclose.document.unsentReplies'),
    disclosure.unsentReplies.flatMap((reply) => [
      t('disclose.document.unsentReply', { at: tokyoDateTimeOrNone(reply.queuedAt), inquiry: reply.inquiryId, status: t(`mail.outboxStatus.${reply.status}`) }),
      reply.body,
      '',
    ]),
  );

  section(
    t('disclose.document.setAside'),
    disclosure.setAside.map((mail) =>
      t('disclose.document.setAsideMail', {
        at: tokyoDateTimeOrNone(mail.sentAt ?? mail.at),
        subject: mail.subject ?? t('disclose.document.none'),
        reason: localizeUserMessage(mail.reason, language),
      }),
    ),
  );
  return `${lines.join('\n')}\n`;
}

function messageLines(message: Message, customerEmail: string | null, t: TFunction): string[] {
  // Another customer's mail in the thread: the main process gave only that it came, and when.
  if (message.withheld) return ['', `--- ${tokyoDateTimeOrNone(message.at)}  ${t('disclose.document.othersMailWithheld')}`];
  const fromSomeoneElse = message.direction === 'in' && message.fromAddress !== null && message.fromAddress !== customerEmail;
  const head = [
    `--- ${tokyoDateTimeOrNone(message.at)}`,
    t(message.direction === 'in' ? 'disclose.document.fromCustomer' : 'disclose.document.fromUs'),
    [message.fromAddress, message.toAddress].filter(Boolean).join(' → '),
    fromSomeoneElse ? t('disclose.document.checkOtherSender') : '',
  ];
  const lines = ['', head.filter(Boolean).join('  '), shownValue(message.subject, t), '', message.body, ...attachmentLines(message.attachments ?? [], t)];
  for (const forwarded of message.forwarded ?? []) lines.push(...forwardedLines(forwarded, t));
  return lines;
}

function attachmentLines(attachments: readonly AttachmentInfo[], t: TFunction): string[] {
  return attachments.map((a) => {
    const values = { name: a.fileName || t('mail.unnamed'), size: formatBytes(a.size) };
    return a.kept ? t('disclose.document.attachment', values) : t('disclose.document.attachmentNotKept', values);
  });
}

function forwardedLines(forwarded: ForwardedMessage, t: TFunction): string[] {
  const head = t('disclose.document.forwarded', { from: forwarded.from, date: tokyoDateTimeOrNone(forwarded.date), subject: forwarded.subject });
  const quoted = [...forwarded.body.split('\n'), ...attachmentLines(forwarded.attachments, t)];
  return ['', `> ${head}  ${t('disclose.document.checkForwarded')}`, ...quoted.map((line) => `> ${line}`)];
}

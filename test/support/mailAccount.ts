import type { MethodInput } from '../../shared/contract';
import type { DovecotServer } from './dovecot';
import type { SmtpReceiver } from './smtpReceiver';

export type MailAccountInput = MethodInput<'accounts.save'>;

/** The support account every mail test sets up: the test Dovecot for IMAP, the test receiver for SMTP. */
export function testMailAccount(imap: DovecotServer, smtp: SmtpReceiver, overrides: Partial<MailAccountInput> = {}): MailAccountInput {
  return {
    label: 'サポート窓口',
    imapHost: imap.host,
    imapPort: imap.port,
    imapTls: false,
    imapUser: imap.user,
    imapPassword: imap.password,
    smtpHost: smtp.host,
    smtpPort: smtp.port,
    smtpTls: false,
    smtpUser: smtp.user,
    smtpPassword: smtp.password,
    fromAddress: 'support@toot.example',
    fromName: 'TOOT サポート',
    ...overrides,
  };
}

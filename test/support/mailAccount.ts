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

/**
 * The support account with its IMAP reached through `via` (a test proxy in front of the test
 * Dovecot) and no SMTP server to send with: for sync tests, which send nothing.
 */
export function proxiedSyncAccount(imap: DovecotServer, via: { host: string; port: number }, overrides: Partial<MailAccountInput> = {}): MailAccountInput {
  return {
    label: 'サポート窓口',
    imapHost: via.host,
    imapPort: via.port,
    imapTls: false,
    imapUser: imap.user,
    imapPassword: imap.password,
    smtpHost: '127.0.0.1',
    smtpPort: 25,
    smtpTls: false,
    smtpUser: '',
    fromAddress: 'support@toot.example',
    fromName: 'TOOT サポート',
    ...overrides,
  };
}

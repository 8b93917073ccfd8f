import { describe, expect, it } from 'vitest';
import { changesMailbox, changesMailLogin } from '../../electron/accounts/mailLoginChange';
import type { MailAccount, MailAccountInput } from '../../shared/mailAccounts';

const stored: MailAccount = {
  id: 1,
  label: 'サポート',
  imapHost: 'imap.example.jp',
  imapPort: 993,
  imapTls: true,
  imapUser: 'support@example.jp',
  smtpHost: 'smtp.example.jp',
  smtpPort: 465,
  smtpTls: true,
  smtpUser: 'support@example.jp',
  fromAddress: 'support@example.jp',
  fromName: 'TOOT',
  folders: ['INBOX'],
  authMethod: 'oauth2',
  oauthTokenUrl: 'https://login.example.jp/token',
  oauthClientId: 'madoguchi',
  hasImapPassword: false,
  hasSmtpPassword: false,
  hasOAuthAccessToken: true,
  hasOAuthRefresh: true,
  oauthExpiresAt: null,
  lastSyncAt: null,
  lastError: null,
};
const input = (changes: Partial<MailAccountInput> = {}): MailAccountInput => ({ ...stored, ...changes });

describe('which edits of an account change how its mail is read', () => {
  it('a new name does not; corrected OAuth2 client settings do, since the renewal of the token may have failed on them', () => {
    expect(changesMailLogin(stored, { ...stored, label: '窓口' }, input({ label: '窓口' }))).toBe(false);
    expect(changesMailLogin(stored, { ...stored, oauthClientId: 'madoguchi-2' }, input({ oauthClientId: 'madoguchi-2' }))).toBe(true);
    expect(changesMailLogin(stored, { ...stored, oauthTokenUrl: 'https://login.example.jp/v2/token' }, input())).toBe(true);
    expect(changesMailLogin(stored, stored, input({ oauthClientSecret: 'new-secret' }))).toBe(true);
  });

  it('another server or user is another mailbox; another port or TLS setting is not', () => {
    expect(changesMailbox(stored, { ...stored, imapUser: 'info@example.jp' })).toBe(true);
    expect(changesMailbox(stored, { ...stored, imapHost: 'outlook.office365.com' })).toBe(true);
    expect(changesMailbox(stored, { ...stored, imapHost: 'IMAP.example.jp ' })).toBe(false);
    expect(changesMailbox(stored, { ...stored, imapPort: 143, imapTls: false })).toBe(false);
  });
});

import type { MailAccount, MailAccountInput } from '../../shared/mailAccounts';

/**
 * Whether an edit of an account (`before` and `after` as stored, from `input`) changes how its
 * mail is read: the IMAP server, user or sign-in method, a new password or token, the OAuth2
 * client settings that renew the token, or the folders.
 * Such an edit is synced again at once with the new settings (a corrected password should not
 * wait out the back-off of the old one); one that only renames the account or changes its
 * signature or SMTP server leaves the background sync as it is, its IDLE connections open.
 */
export function changesMailLogin(before: MailAccount, after: MailAccount, input: MailAccountInput): boolean {
  const folders = (a: MailAccount) => JSON.stringify(a.folders ?? []);
  return (
    after.imapHost !== before.imapHost ||
    after.imapPort !== before.imapPort ||
    after.imapTls !== before.imapTls ||
    after.imapUser !== before.imapUser ||
    after.authMethod !== before.authMethod ||
    folders(after) !== folders(before) ||
    input.imapPassword !== undefined ||
    input.oauthAccessToken !== undefined ||
    Boolean(input.oauthRefreshToken) ||
    // Corrected client settings may be what the renewal of the token failed on.
    after.oauthTokenUrl !== before.oauthTokenUrl ||
    after.oauthClientId !== before.oauthClientId ||
    Boolean(input.oauthClientSecret)
  );
}

/** Whether an edit points the account at another mailbox: another IMAP server or user (not only another port or TLS setting). */
export function changesMailbox(before: MailAccount, after: MailAccount): boolean {
  return after.imapHost.trim().toLowerCase() !== before.imapHost.trim().toLowerCase() || after.imapUser !== before.imapUser;
}

import type { Migration } from '../migrate';

/**
 * Mail accounts that log in with OAuth2 (SASL XOAUTH2) instead of a password. Tokens and the
 * client secret are sealed by the secret box like the passwords, inside the encrypted database.
 */
export const oauth2Accounts: Migration = {
  version: 6,
  name: 'oauth2-accounts',
  sql: `
    ALTER TABLE mail_accounts ADD COLUMN auth_method TEXT NOT NULL DEFAULT 'password' CHECK (auth_method IN ('password', 'oauth2'));
    ALTER TABLE mail_accounts ADD COLUMN oauth_access_token TEXT;   -- sealed
    ALTER TABLE mail_accounts ADD COLUMN oauth_expires_at TEXT;     -- ISO UTC, when the provider said the access token expires
    ALTER TABLE mail_accounts ADD COLUMN oauth_refresh_token TEXT;  -- sealed
    ALTER TABLE mail_accounts ADD COLUMN oauth_token_url TEXT;      -- the provider's token endpoint, for the refresh grant
    ALTER TABLE mail_accounts ADD COLUMN oauth_client_id TEXT;
    ALTER TABLE mail_accounts ADD COLUMN oauth_client_secret TEXT;  -- sealed
  `,
};

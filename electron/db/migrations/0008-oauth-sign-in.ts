import type { Migration } from '../migrate';

/** Signing in with the provider from Madoguchi (OAuth2 authorization code with PKCE): where, and for which permissions. */
export const oauthSignIn: Migration = {
  version: 8,
  name: 'oauth-sign-in',
  sql: `
    ALTER TABLE mail_accounts ADD COLUMN oauth_authorize_url TEXT;  -- the provider's authorization endpoint
    ALTER TABLE mail_accounts ADD COLUMN oauth_scope TEXT;          -- the permissions asked for, space-separated
  `,
};

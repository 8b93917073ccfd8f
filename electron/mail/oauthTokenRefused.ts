import { AppError } from '../../shared/result';

/** The server refused an OAuth2 access token: almost always because it expired (they last about an hour) or was revoked. */
export function oauthTokenRefused(protocol: 'IMAP' | 'SMTP', user: string): AppError {
  return new AppError(
    'OAUTH_TOKEN_EXPIRED',
    `The ${protocol} server refused the OAuth2 access token for ${user}: it has expired or was revoked. Enter a new access token in Settings (or a refresh token, so that Madoguchi renews it).`,
  );
}

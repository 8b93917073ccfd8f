import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';

/** The server refused an OAuth2 access token: almost always because it expired (they last about an hour) or was revoked. */
export function oauthTokenRefused(protocol: 'IMAP' | 'SMTP', user: string): AppError {
  return new AppError('OAUTH_TOKEN_EXPIRED', userMessage('oauthTokenRefused', { protocol, user }));
}

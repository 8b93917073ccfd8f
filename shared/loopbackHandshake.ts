/**
 * How a window and the loopback host prove to each other that they share the per-launch token,
 * before anything else goes over the WebSocket, and without the token itself ever going over it.
 * A window that lost its host (it stopped) keeps reconnecting to the same port, where another
 * program on this computer may listen by then: without this, that program would be handed the
 * token, then every call (passphrases, replies), and could answer with what it liked.
 *
 *   1. The window opens ws://127.0.0.1:PORT/ipc?challenge=C (C: 16 random bytes, base64url).
 *   2. The host answers first: { handshake: 'hello', proof: HMAC(token, HOST_PROOF + C), challenge: S }.
 *      A window that finds the proof wrong closes the socket and stops reconnecting.
 *   3. The window sends { handshake: 'auth', proof: HMAC(token, WINDOW_PROOF + S) }; a host that
 *      finds it wrong closes the socket (4403). Only then do calls and pushes go.
 *
 * HMAC is HMAC-SHA-256 keyed with the token's UTF-8 bytes; proofs are base64url. Each side computes
 * it with its own crypto (node:crypto, WebCrypto).
 */
export const HOST_PROOF = 'madoguchi loopback host\n';
export const WINDOW_PROOF = 'madoguchi loopback window\n';
/** A challenge as the host accepts it: 16 to 48 random bytes, base64url. */
export const CHALLENGE_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
/** The host closes a socket whose window did not prove itself with this code. */
export const HANDSHAKE_REFUSED = 4403;

export interface HelloFrame {
  handshake: 'hello';
  proof: string;
  challenge: string;
}
export interface AuthFrame {
  handshake: 'auth';
  proof: string;
}

export function isHelloFrame(value: unknown): value is HelloFrame {
  const frame = value as Partial<HelloFrame> | null;
  return typeof frame === 'object' && frame !== null && frame.handshake === 'hello' && typeof frame.proof === 'string' && typeof frame.challenge === 'string' && CHALLENGE_PATTERN.test(frame.challenge);
}

export function isAuthFrame(value: unknown): value is AuthFrame {
  const frame = value as Partial<AuthFrame> | null;
  return typeof frame === 'object' && frame !== null && frame.handshake === 'auth' && typeof frame.proof === 'string';
}

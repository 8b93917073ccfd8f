import type { PushFrame } from '../../shared/pushes';
import type { Result } from '../../shared/result';

/** `refused`: what answers at the host's address is not the host that opened the window (see shared/loopbackHandshake.ts): no more reconnecting. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'refused';

/**
 * A way to carry contract calls to the main process. The client is the same over every
 * transport (VS Code's "one contract, many transports"): only this interface differs.
 */
export interface Transport {
  readonly kind: 'electron' | 'loopback' | 'none';
  /** Resolves with the router's Result; rejects only when the transport itself failed. */
  call(method: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (frame: PushFrame) => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  connectionState(): ConnectionState;
}

/** Raised by a transport when a call could not be carried; the client turns it into an ApiError. */
export class TransportError extends Error {
  constructor(
    readonly code: 'DISCONNECTED' | 'NO_TRANSPORT',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

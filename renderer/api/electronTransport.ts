import type { MadoguchiBridge } from './bridge';
import { TransportError, type Transport } from './transport';
import { userMessage } from '../../shared/userMessages';

/** Calls through the preload bridge. IPC inside one app does not drop, so the state is always open. */
export function createElectronTransport(bridge: MadoguchiBridge): Transport {
  return {
    kind: 'electron',
    async call(method, input) {
      try {
        return await bridge.call(method, input);
      } catch (error) {
        throw new TransportError('DISCONNECTED', userMessage('mainProcessNoAnswer', { method, detail: error instanceof Error ? error.message : String(error) }));
      }
    },
    onPush: (listener) => bridge.onPush(listener),
    onConnectionChange: () => () => {},
    connectionState: () => 'open',
  };
}

import type { MadoguchiBridge } from './bridge';
import { TransportError, type Transport } from './transport';

/** Calls through the preload bridge. IPC inside one app does not drop, so the state is always open. */
export function createElectronTransport(bridge: MadoguchiBridge): Transport {
  return {
    kind: 'electron',
    async call(method, input) {
      try {
        return await bridge.call(method, input);
      } catch (error) {
        throw new TransportError(
          'DISCONNECTED',
          `The main process did not answer ${method}: ${error instanceof Error ? error.message : String(error)}. Restart Madoguchi if this repeats.`,
        );
      }
    },
    onPush: (listener) => bridge.onPush(listener),
    onConnectionChange: () => () => {},
    connectionState: () => 'open',
  };
}

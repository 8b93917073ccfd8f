import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { PushFrame } from '../../shared/pushes';
import type { Result } from '../../shared/result';
import { CALL_CHANNEL, PUSH_CHANNEL } from './channels';

/**
 * The preload bridge. It runs sandboxed (sandbox: true), so it is bundled into one CommonJS
 * file whose only require is 'electron' (scripts/build.mjs checks that).
 *
 * It exposes exactly two functions and never ipcRenderer itself: a page that could reach
 * ipcRenderer could send on any channel and listen to every message. The shape matches
 * renderer/api/bridge.ts (MadoguchiBridge); the main process checks the sender of every call
 * and the router validates every payload, so nothing here is trusted for security.
 */
const bridge = {
  call(method: string, input: unknown): Promise<Result<unknown>> {
    if (typeof method !== 'string') {
      return Promise.resolve({ ok: false, error: { code: 'BAD_REQUEST', message: 'The method name must be a string.' } });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, input) as Promise<Result<unknown>>;
  },
  onPush(listener: (frame: PushFrame) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('onPush needs a listener function');
    // Only the frame crosses: the IPC event (with its sender and ports) stays in the preload.
    const forward = (_event: IpcRendererEvent, frame: PushFrame) => listener(frame);
    ipcRenderer.on(PUSH_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(PUSH_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld('madoguchi', bridge);

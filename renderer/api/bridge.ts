import type { PushFrame } from '../../shared/pushes';
import type { Result } from '../../shared/result';

/**
 * What Electron's preload script exposes with contextBridge. The renderer never sees
 * ipcRenderer itself: only these two functions, which carry contract frames.
 */
export interface MadoguchiBridge {
  call(method: string, input: unknown): Promise<Result<unknown>>;
  onPush(listener: (frame: PushFrame) => void): () => void;
}

declare global {
  interface Window {
    /** Present only inside Electron (set by the preload script). */
    readonly madoguchi?: MadoguchiBridge;
  }
}

import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { Result } from '../../shared/result';
import type { Router } from '../app/router';
import type { Logger } from '../logging/logger';
import { CALL_CHANNEL, PUSH_CHANNEL } from './channels';
import { isRendererUrl } from './rendererProtocol';

/**
 * Electron IPC as one thin transport over the router (the loopback host's WebSocket is the
 * other). It decides only *who* may call: the main frame of our window, showing our page. What
 * they may call, and with what, is the router's job (schemas from shared/contract.ts).
 */
export function serveRouterOverIpc(router: Router, currentWindow: () => BrowserWindow | null, logger: Logger): () => void {
  ipcMain.handle(CALL_CHANNEL, async (event, method: unknown, input: unknown): Promise<Result<unknown>> => {
    const refusal = refuseSender(event, currentWindow());
    if (refusal) {
      logger.warn('ipc.sender_refused', { reason: refusal });
      return { ok: false, error: { code: 'BAD_REQUEST', message: 'This page is not allowed to talk to Madoguchi.' } };
    }
    return router.call(typeof method === 'string' ? method : '', input);
  });

  const stopPushes = router.onPush((frame) => {
    const window = currentWindow();
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) {
      window.webContents.send(PUSH_CHANNEL, frame);
    }
  });

  return () => {
    ipcMain.removeHandler(CALL_CHANNEL);
    stopPushes();
  };
}

/** Why a call is refused, or null when it comes from our window's main frame on our page. */
function refuseSender(event: IpcMainInvokeEvent, window: BrowserWindow | null): string | null {
  if (!window || window.isDestroyed()) return 'no_window';
  if (event.sender !== window.webContents) return 'other_web_contents';
  // null when the frame has since navigated or been destroyed.
  const frame = event.senderFrame;
  if (!frame) return 'frame_gone';
  const main = window.webContents.mainFrame;
  if (frame.parent !== null || frame.frameTreeNodeId !== main.frameTreeNodeId || frame.processId !== main.processId) {
    return 'subframe';
  }
  if (!isRendererUrl(frame.url)) return 'unexpected_url';
  return null;
}

import { app, shell, type Session } from 'electron';
import type { Logger } from '../logging/logger';
import { CONTENT_SECURITY_POLICY } from './rendererProtocol';

/**
 * Electron's security checklist, applied to every web contents the app ever creates (not only
 * the main window), so that a forgotten code path cannot open a less protected page.
 */
export function hardenAllWebContents(logger: Logger): void {
  app.on('web-contents-created', (_event, contents) => {
    // No new windows: the app has one window, and mail links must never open inside it.
    // No window ever opens inside Madoguchi. A link in a mail reaches here only after staff saw
    // its real address and confirmed (renderer/lib/mailHtml.ts); web and mail links then go to
    // the system's browser or mail client, and every other scheme (file:, javascript:, …) is refused.
    contents.setWindowOpenHandler(({ url }) => {
      if (/^(https?:|mailto:)/i.test(url)) void shell.openExternal(url);
      else logger.warn('security.window_open_denied');
      return { action: 'deny' };
    });
    // The page never navigates (routes are #hashes, which are not navigations): any navigation
    // is a link in untrusted content or an injected script, so it is refused.
    contents.on('will-navigate', (event) => {
      event.preventDefault();
      logger.warn('security.navigation_blocked', { frame: 'main' });
    });
    // Subframes too (the CSP already has frame-src 'none'; this holds even if that changes).
    contents.on('will-frame-navigate', (event) => {
      if (event.isMainFrame) return; // handled by will-navigate above
      // The sandboxed mail frame (renderer/components/MessageContent.tsx) loads its sanitised
      // document as srcdoc: that is the one subframe document allowed; it fetches nothing.
      if (event.url === 'about:srcdoc') return;
      event.preventDefault();
      logger.warn('security.navigation_blocked', { frame: 'sub' });
    });
    contents.on('will-redirect', (event) => {
      event.preventDefault();
      logger.warn('security.redirect_blocked');
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
      logger.warn('security.webview_blocked');
    });
  });
}

/**
 * The session the window uses: every permission refused (camera, microphone, notifications,
 * geolocation, clipboard reads, devices...), and the CSP header added to anything served over
 * http(s) or file, which is never kept in the disk cache. Our own app:// responses carry the header from the protocol handler, because
 * Chromium does not run webRequest header hooks for custom protocols.
 */
export function hardenSession(session: Session, logger: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    logger.warn('security.permission_denied', { permission });
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => !/^(?:cache-control|expires|pragma)$/i.test(name)));
    callback({
      responseHeaders: {
        ...headers,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
        // A mail's remote images (loaded when staff choose to) and their addresses, which often
        // name the recipient, must not stay in Chromium's disk cache, which is not encrypted.
        'Cache-Control': ['no-store'],
      },
    });
  });
}

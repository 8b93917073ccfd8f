import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import { protocol, type Session } from 'electron';

/**
 * Where the renderer comes from: app://madoguchi/index.html, served by our own protocol handler
 * from dist/renderer, rather than file://.
 *
 * Why not file://: Electron's security checklist advises a custom protocol. A file:// page gets
 * extra privileges (it can read other file:// URLs, i.e. anything this user can read), its origin
 * is opaque so 'self' in the CSP means little, and webRequest cannot add headers to it. Here the
 * handler serves only files inside dist/renderer, sets the Content-Security-Policy header on every
 * response itself, and the origin app://madoguchi is what the IPC sender check compares against.
 * (vite.config.ts uses base './', so the same build also works over file:// and the loopback host.)
 */
export const RENDERER_SCHEME = 'app';
export const RENDERER_HOST = 'madoguchi';
export const RENDERER_ORIGIN = `${RENDERER_SCHEME}://${RENDERER_HOST}`;
export const RENDERER_URL = `${RENDERER_ORIGIN}/index.html`;

/**
 * The policy the shell enforces, in addition to the <meta> tag in renderer/index.html (both
 * apply; the stricter wins). 'unsafe-inline' for styles matches the renderer's meta tag (React
 * style attributes); scripts are never inline. No connect-src beyond 'self': inside Electron
 * the renderer talks only through the preload bridge, never over the network.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  // Remote images only ever appear inside the sandboxed mail frame, whose own CSP blocks them
  // until staff press "load remote content" for that message (renderer/lib/mailHtml.ts).
  "img-src 'self' data: http: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Must run before app 'ready'. standard + secure: relative URLs, module scripts and a secure context work as on https. */
export function registerRendererScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: RENDERER_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

/** True for our page (any #route of it): the only page allowed to call the main process. */
export function isRendererUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    // Not parsed.origin: the WHATWG URL parser gives every non-special scheme the origin "null".
    return (
      parsed.protocol === `${RENDERER_SCHEME}:` &&
      parsed.host === RENDERER_HOST &&
      parsed.username === '' &&
      parsed.password === '' &&
      (parsed.pathname === '/index.html' || parsed.pathname === '/') &&
      parsed.search === ''
    );
  } catch {
    return false;
  }
}

/** Serves dist/renderer (read-only, GET only, nothing outside the folder) on app://madoguchi. */
export function serveRenderer(session: Session, rendererDir: string): void {
  const root = resolve(rendererDir);
  session.protocol.handle(RENDERER_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed');
    const url = new URL(request.url);
    if (url.host !== RENDERER_HOST) return plain(404, 'Not found');
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return plain(400, 'Bad request');
    }
    const file = resolve(join(root, pathname === '/' ? 'index.html' : pathname));
    const inside = relative(root, file);
    if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || file.includes('\0')) return plain(404, 'Not found');
    try {
      const body = await readFile(file);
      return new Response(request.method === 'HEAD' ? null : body, {
        status: 200,
        headers: {
          'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'Content-Security-Policy': CONTENT_SECURITY_POLICY,
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
        },
      });
    } catch {
      return plain(404, 'Not found');
    }
  });
}

function plain(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  });
}

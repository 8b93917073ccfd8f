import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * The renderer is built once and served two ways: from file:// inside Electron and from the
 * loopback host over http://127.0.0.1. A relative base ('./') makes the same dist work for both.
 *
 * index.html carries a strict Content-Security-Policy. The dev server alone needs an inline
 * script (React Fast Refresh's preamble) and its own HMR socket, so only in `vite serve` the
 * policy is relaxed; the built files always ship the strict one.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'madoguchi-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws://localhost:* ws://127.0.0.1:*");
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // Electron's Chromium and the Debian Chromium used by the tests are both recent.
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // zod's PURE comments sit where Rollup cannot use them; harmless and noisy.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules/zod/')) return;
        warn(warning);
      },
    },
  },
  server: { host: '127.0.0.1', strictPort: false },
});

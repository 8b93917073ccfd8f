#!/usr/bin/env node
/**
 * Builds everything Madoguchi runs from, into dist/:
 *   dist/electron/main.cjs     the Electron shell (CommonJS, node)
 *   dist/electron/preload.cjs  the preload bridge (one CommonJS file: sandboxed preloads can require only 'electron')
 *   dist/host/cli.mjs          the loopback host (ESM, node; used where no Electron binary exists, and by e2e tests)
 *   dist/workers/*.cjs         the worker threads both of them start (mail parsing, database checkpoints)
 *   dist/renderer/             the React renderer (vite build)
 *
 * Why main is CommonJS: electron-store is ESM-only, but it has no top-level await, so esbuild turns
 * it into CommonJS inside the bundle without trouble, and a CommonJS bundle can load the CommonJS
 * native module (better-sqlite3) with a plain require and find preload.cjs through __dirname.
 *
 * Usage: node scripts/build.mjs [--skip-renderer]
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const skipRenderer = process.argv.includes('--skip-renderer');

/** Electron 38 ships Node 22 and Chromium 140. */
const ELECTRON_NODE = 'node22';
const ELECTRON_CHROME = 'chrome140';

/**
 * Never bundled: 'electron' is provided by the runtime; native modules must stay files on disk
 * (electron-builder unpacks them from the asar and rebuilds them for Electron); ws's optional
 * native helpers are required inside try/catch and absent here; PDFium's WebAssembly file is only
 * looked up at runtime, and read from node_modules (see electron/mail/pdfText.ts).
 */
const MAIN_EXTERNALS = ['electron', 'better-sqlite3-multiple-ciphers', 'bufferutil', 'utf-8-validate', '@embedpdf/pdfium/pdfium.wasm'];

/**
 * PDFium's package (@embedpdf/pdfium) is an Emscripten module in two builds: the ES module one
 * finds itself through import.meta.url, which a CommonJS bundle does not have, so it failed to
 * load in the parse worker (and every PDF read as unreadable). The CommonJS bundles take its
 * CommonJS build, which uses __dirname; the ES module bundle (the loopback host) keeps the other.
 */
const pdfiumCommonJs = {
  name: 'pdfium-commonjs',
  setup(build) {
    build.onResolve({ filter: /^@embedpdf\/pdfium$/ }, () => ({ path: join(root, 'node_modules', '@embedpdf', 'pdfium', 'dist', 'index.cjs') }));
  },
};

function fail(message) {
  console.error(`\nBuild failed: ${message}`);
  process.exit(1);
}

async function bundle(name, options) {
  try {
    const result = await esbuild.build({
      absWorkingDir: root,
      bundle: true,
      sourcemap: 'linked',
      legalComments: 'none',
      logLevel: 'warning',
      metafile: true,
      ...options,
    });
    console.log(`  built ${relative(root, join(root, options.outfile))}`);
    return result;
  } catch {
    // esbuild has already printed each error with its file and line.
    fail(`${name} did not compile (see the errors above). Fix them and run "node scripts/build.mjs" again.`);
  }
}

/** A sandboxed preload that requires anything but 'electron' fails at runtime with a blank window: catch it here instead. */
function checkPreloadRequiresOnlyElectron(result) {
  for (const [file, output] of Object.entries(result.metafile.outputs)) {
    const others = output.imports.filter((entry) => entry.external && entry.path !== 'electron').map((entry) => entry.path);
    if (others.length > 0) {
      fail(`${file} requires ${others.join(', ')}; a sandboxed preload may require only 'electron'. Remove those imports from electron/shell/preload.ts.`);
    }
  }
}

console.log('Building Madoguchi into dist/');
rmSync(join(root, 'dist', 'electron'), { recursive: true, force: true });
rmSync(join(root, 'dist', 'host'), { recursive: true, force: true });
rmSync(join(root, 'dist', 'workers'), { recursive: true, force: true });

await bundle('The Electron shell (electron/shell/main.ts)', {
  entryPoints: ['electron/shell/main.ts'],
  outfile: 'dist/electron/main.cjs',
  platform: 'node',
  format: 'cjs',
  target: ELECTRON_NODE,
  external: MAIN_EXTERNALS,
  plugins: [pdfiumCommonJs],
});

const preload = await bundle('The preload bridge (electron/shell/preload.ts)', {
  entryPoints: ['electron/shell/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  // 'browser': a Node built-in imported by mistake fails the build instead of the sandbox at runtime.
  platform: 'browser',
  format: 'cjs',
  target: ELECTRON_CHROME,
  external: ['electron'],
});
checkPreloadRequiresOnlyElectron(preload);

await bundle('The loopback host (electron/host/cli.ts)', {
  entryPoints: ['electron/host/cli.ts'],
  outfile: 'dist/host/cli.mjs',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Bundled like main (not packages: 'external'): Node's ESM loader refuses deep imports such as
  // 'nodemailer/lib/mail-composer' (no "exports", no extension), which bundling resolves at build
  // time. The CommonJS dependencies inside an ESM bundle need a real `require` for Node built-ins.
  external: MAIN_EXTERNALS.filter((name) => name !== 'electron'),
  banner: { js: "import { createRequire as __madoguchiCreateRequire } from 'node:module'; const require = __madoguchiCreateRequire(import.meta.url);" },
});

// The worker threads (electron/workers): each an entry file of its own, found by both the
// Electron shell and the loopback host in dist/workers (see electron/workers/startWorker.ts).
for (const name of ['parseWorker', 'checkpointWorker', 'keyChangeWorker']) {
  await bundle(`The worker thread electron/workers/${name}.ts`, {
    entryPoints: [`electron/workers/${name}.ts`],
    outfile: `dist/workers/${name}.cjs`,
    platform: 'node',
    format: 'cjs',
    target: ELECTRON_NODE,
    external: MAIN_EXTERNALS,
    plugins: [pdfiumCommonJs],
  });
}

if (skipRenderer) {
  console.log('  skipped the renderer (--skip-renderer)');
} else {
  console.log('  building the renderer with vite…');
  const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (vite.error) fail(`could not run "npx vite build": ${vite.error.message}. Run "npm install" and try again.`);
  if (vite.status !== 0) fail('the renderer did not build (vite printed why above). Fix it and run "node scripts/build.mjs" again.');
  console.log('  built dist/renderer/');
}

console.log('Build finished.');

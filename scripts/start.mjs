#!/usr/bin/env node
/**
 * Starts Madoguchi.
 *
 * With an Electron binary: builds, makes an Electron build of the native database module in
 * .electron-native/ (the Node build in node_modules stays as it is, for the tests and the
 * loopback host), and launches Electron with MADOGUCHI_NATIVE_BINDING pointing at it.
 *
 * Without one (installs made with ELECTRON_SKIP_BINARY_DOWNLOAD=1): builds and runs the loopback
 * host, which serves the same screens to a browser on this computer.
 *
 * Usage: node scripts/start.mjs [--browser] [-- options for the loopback host, e.g. --port 8080]
 *   --browser          use the loopback host even where Electron is installed
 *   --prepare-native   only make the Electron build of the native module and print its path
 *                      (the Electron smoke test's global setup uses this)
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const NATIVE_MODULE = 'better-sqlite3-multiple-ciphers';
const NATIVE_DIR = join(root, '.electron-native');

const argv = process.argv.slice(2);
const separator = argv.indexOf('--');
const ownArgs = separator === -1 ? argv : argv.slice(0, separator);
const passThrough = separator === -1 ? [] : argv.slice(separator + 1);
const forceBrowser = ownArgs.includes('--browser');
const prepareNativeOnly = ownArgs.includes('--prepare-native');

function fail(message) {
  console.error(`\nCould not start Madoguchi: ${message}`);
  process.exit(1);
}

/** The Electron executable, or null: the electron package throws when its binary was never downloaded. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function run(command, args, failure) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' && command === 'npx' });
  if (result.error) fail(`${failure} (${result.error.message})`);
  if (result.status !== 0) fail(failure);
}

function build() {
  run(process.execPath, [join(root, 'scripts', 'build.mjs')], 'the build failed (see above). Fix the errors it names and run "npm start" again.');
}

/**
 * An Electron build of the native module, made once per Electron version and reused after.
 * @electron/rebuild (installed with electron-builder) first tries the project's prebuilt binary
 * for this Electron (prebuild-install), else compiles it against Electron's headers.
 */
function electronNativeBinding() {
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const moduleDir = join(root, 'node_modules', NATIVE_MODULE);
  if (!existsSync(moduleDir)) fail(`${NATIVE_MODULE} is not installed. Run "npm install" and try again.`);
  const moduleVersion = JSON.parse(readFileSync(join(moduleDir, 'package.json'), 'utf8')).version;
  const copy = join(NATIVE_DIR, 'node_modules', NATIVE_MODULE);
  const binding = join(copy, 'build', 'Release', 'better_sqlite3.node');
  const stampFile = join(NATIVE_DIR, 'stamp.json');
  const stamp = JSON.stringify({ electronVersion, moduleVersion, platform: process.platform, arch: process.arch });

  if (existsSync(binding) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return binding;

  console.log(`Building ${NATIVE_MODULE} ${moduleVersion} for Electron ${electronVersion} into .electron-native/ (once per version)…`);
  rmSync(NATIVE_DIR, { recursive: true, force: true });
  mkdirSync(dirname(copy), { recursive: true });
  // The sources only: the copy's build/ is Node's, and must not be mistaken for Electron's.
  const nodeBuild = join(moduleDir, 'build');
  cpSync(moduleDir, copy, { recursive: true, filter: (source) => source !== nodeBuild && !source.startsWith(nodeBuild + sep) });
  writeFileSync(
    join(NATIVE_DIR, 'package.json'),
    JSON.stringify({ name: 'madoguchi-electron-native', private: true, dependencies: { [NATIVE_MODULE]: moduleVersion } }, null, 2),
  );

  let rebuildCli;
  try {
    rebuildCli = require.resolve('@electron/rebuild/lib/cli.js');
  } catch {
    fail('@electron/rebuild is missing (it comes with electron-builder). Run "npm install" and try again.');
  }
  const result = spawnSync(
    process.execPath,
    [rebuildCli, '--version', electronVersion, '--module-dir', NATIVE_DIR, '--only', NATIVE_MODULE, '--force'],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0 || !existsSync(binding)) {
    rmSync(NATIVE_DIR, { recursive: true, force: true });
    fail(
      `${NATIVE_MODULE} could not be built for Electron ${electronVersion}. It needs either network access to ` +
        `download a prebuilt binary (github.com) or Electron's headers (electronjs.org) plus a C++ toolchain ` +
        `(Linux: python3, make, g++; macOS: Xcode Command Line Tools; Windows: Visual Studio Build Tools). ` +
        `Fix that and run "npm start" again, or use "npm start -- --browser" to run Madoguchi in your browser instead.`,
    );
  }
  writeFileSync(stampFile, stamp);
  return binding;
}

/** Runs a child to the end, passing Ctrl+C on, and exits with its code. */
function runUntilExit(command, args, env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('error', (error) => fail(`${command} did not start (${error.message}).`));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/**
 * Installs the node modules when they are missing or older than the lock file. Electron's own
 * download is tried separately afterwards, so a machine that cannot fetch it still gets the
 * loopback host instead of a failed install.
 */
function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
  if (stale) {
    console.log('Installing node modules (the encrypted database module builds from source: about two minutes)…');
    const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' },
      shell: process.platform === 'win32',
    });
    if (result.status !== 0) fail('"npm ci" failed (see above). Check the network to the npm registry and run "npm start" again.');
  }
  if (!forceBrowser && !electronBinary() && process.env.ELECTRON_SKIP_BINARY_DOWNLOAD !== '1') {
    console.log('Fetching the Electron binary…');
    const result = spawnSync(process.execPath, [join(root, 'node_modules', 'electron', 'install.js')], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
    if (result.status !== 0) console.log(`Electron could not be downloaded here (${(result.stderr ?? '').trim().split('\n')[0]}).`);
  }
}

ensureInstalled();
const electron = forceBrowser ? null : electronBinary();

if (prepareNativeOnly) {
  if (!electron) fail('there is no Electron binary here, so there is nothing to build the native module for. Reinstall without ELECTRON_SKIP_BINARY_DOWNLOAD to get one.');
  console.log(`MADOGUCHI_NATIVE_BINDING=${electronNativeBinding()}`);
} else if (electron) {
  build();
  const binding = electronNativeBinding();
  console.log('Starting Madoguchi in Electron…');
  const env = { ...process.env, MADOGUCHI_NATIVE_BINDING: binding };
  // Set by some tools (and by npm scripts run from inside Electron): it would start Electron as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  runUntilExit(electron, [join(root, 'dist', 'electron', 'main.cjs'), ...passThrough], env);
} else {
  console.log(
    forceBrowser
      ? 'Starting Madoguchi in your browser through the loopback host (--browser)'
      : 'No Electron binary here: starting Madoguchi in your browser through the loopback host',
  );
  build();
  runUntilExit(process.execPath, [join(root, 'dist', 'host', 'cli.mjs'), ...passThrough], process.env);
}

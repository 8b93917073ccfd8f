import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN_BUNDLE = join(projectRoot, 'dist', 'electron', 'main.cjs');
export const NATIVE_BINDING = join(projectRoot, '.electron-native', 'node_modules', 'better-sqlite3-multiple-ciphers', 'build', 'Release', 'better_sqlite3.node');
export const NO_ELECTRON_MESSAGE = 'No Electron binary on this machine (ELECTRON_SKIP_BINARY_DOWNLOAD): the Electron smoke test was skipped';

/** The Electron executable, or null where the package was installed without its binary (require('electron') throws then). */
export function electronBinary(): string | null {
  try {
    const path = createRequire(import.meta.url)('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

import { spawnSync } from 'node:child_process';
import { electronBinary, projectRoot } from './electronBinary';

/**
 * Builds dist/ and the Electron build of the native module (.electron-native/) before the smoke
 * test, so `playwright test -c test/electron/playwright.config.ts` needs nothing run first.
 */
export default function globalSetup(): void {
  // Nothing to build for: the spec skips and prints NO_ELECTRON_MESSAGE itself.
  if (!electronBinary()) return;
  for (const args of [['scripts/build.mjs'], ['scripts/start.mjs', '--prepare-native']]) {
    const result = spawnSync(process.execPath, args, { cwd: projectRoot, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`"node ${args.join(' ')}" failed (see above): the Electron smoke test cannot run until it succeeds.`);
  }
}

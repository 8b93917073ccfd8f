import { defineConfig } from '@playwright/test';

/**
 * The Electron smoke test only (the browser end-to-end tests have their own config):
 *   npx playwright test -c test/electron/playwright.config.ts
 * On Linux without a display, run it under xvfb-run.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  globalSetup: './globalSetup.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../../test-results/electron',
});

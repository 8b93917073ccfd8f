import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests start their own Dovecot and SMTP servers on free ports; forks keep
    // native modules (better-sqlite3) isolated per file.
    pool: 'forks',
    // Fails the run when a test leaves a Dovecot running.
    globalSetup: ['test/support/leftoverServers.ts'],
  },
});

import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '../app/createApp';
import { createLogger } from '../logging/logger';
import { jsonSettingsStore } from './jsonSettingsStore';
import { startLoopbackHost } from './loopbackHost';

/**
 * `madoguchi-host`: runs Madoguchi's main process without Electron and serves the renderer to a
 * browser on this computer. Used where no Electron binary exists, and by the end-to-end tests.
 */
const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    port: { type: 'string', default: '0' },
    'renderer-dir': { type: 'string' },
  },
});

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = resolve(values['data-dir'] ?? process.env.MADOGUCHI_DATA_DIR ?? join(homedir(), '.local', 'share', 'madoguchi'));
// Both dist/host/cli.mjs (bundled) and electron/host/cli.ts (tsx) sit two levels below the project.
const rendererDir = resolve(values['renderer-dir'] ?? join(here, '..', '..', 'dist', 'renderer'));

mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
const logger = createLogger(join(dataDir, 'logs', 'madoguchi.log'));
// dist/workers beside dist/host (bundled), or electron/workers beside electron/host (tsx).
const workersDir = join(here, '..', 'workers');
const app = createApp({ dataDir, keychain: null, settings: jsonSettingsStore(join(dataDir, 'settings.json')), logger, workersDir });
const host = await startLoopbackHost({ router: app.router, rendererDir, port: Number(values.port), logger });

console.log(`Madoguchi is running on this computer only. Open this address in your browser:\n  ${host.url}`);
console.log(`MADOGUCHI_URL=${host.url}`);

const shutdown = async () => {
  await host.close();
  await app.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AppHost {
  url: string;
  stop(): Promise<void>;
}

const root = join(import.meta.dirname, '..', '..');

/**
 * Starts Madoguchi's loopback host as the user would (a separate process on 127.0.0.1), from
 * the built bundle when present, else from source with tsx. The renderer must be built.
 */
export async function startAppHost(options: { dataDir: string }): Promise<AppHost> {
  const bundled = join(root, 'dist', 'host', 'cli.mjs');
  const args = existsSync(bundled)
    ? [bundled, '--data-dir', options.dataDir]
    : [join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(root, 'electron', 'host', 'cli.ts'), '--data-dir', options.dataDir];
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    throw new Error('The renderer is not built: run `npm run build` first.');
  }
  // No background sync: the end-to-end tests press "sync now" and check what that one sync did.
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MADOGUCHI_BACKGROUND_SYNC: '0' } });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The app host did not start within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /MADOGUCHI_URL=(\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The app host exited with code ${code}:\n${output}`));
    });
  });
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a script of test/support in a child process (under tsx), as a crash test needs it: from
 * when the script prints `marker`, it is killed with SIGKILL after `killAfterMs` (never, for null),
 * as a power cut would stop it. Resolves whether it printed "done", and how long it ran from the marker.
 */
export function runKillable(script: string, args: string[], marker: string, killAfterMs: number | null): Promise<{ finished: boolean; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'test', 'support', script), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let started = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!started && out.includes(marker)) {
        started = performance.now();
        if (killAfterMs !== null) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ finished: out.includes('done'), ms: performance.now() - started }));
  });
}

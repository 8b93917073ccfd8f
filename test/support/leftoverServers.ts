/**
 * Vitest global setup: fails the run when a test leaves a Dovecot server running. Test files run
 * in child processes that can end without their exit handlers, so a server a test forgets to stop
 * would outlive the run, holding a port and a directory of mail. Each run marks its servers'
 * directories (see dovecot.ts); at the end any left are stopped, removed and named.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

/** The environment variable that carries this run's mark to the test processes. */
export const TEST_RUN_VARIABLE = 'MADOGUCHI_TEST_RUN';

/** Where a test server keeps its files: marked with the run that started it, when there is one. */
export function testServerDirPrefix(kind: string): string {
  const run = process.env[TEST_RUN_VARIABLE];
  return join(tmpdir(), run ? `madoguchi-${kind}-${run}-` : `madoguchi-${kind}-`);
}

export default function setup(): () => Promise<void> {
  const run = randomBytes(4).toString('hex');
  process.env[TEST_RUN_VARIABLE] = run;
  return async () => {
    const prefix = basename(testServerDirPrefix('dovecot'));
    const left = (await readdir(tmpdir())).filter((name) => name.startsWith(prefix));
    for (const name of left) {
      const dir = join(tmpdir(), name);
      const pid = Number((await readFile(join(dir, 'run', 'master.pid'), 'utf8').catch(() => '')).trim());
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await rm(dir, { recursive: true, force: true });
    }
    if (left.length) throw new Error(`Tests left ${left.length} Dovecot server(s) running (now stopped): ${left.join(', ')}. Stop every server a test starts.`);
  };
}

// Prints one closing line over every suite: "Tests: N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync('test-results/vitest.json')) {
  const v = JSON.parse(readFileSync('test-results/vitest.json', 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} else failed += 1;
for (const file of ['test-results/e2e.json', 'test-results/electron.json']) {
  if (!existsSync(file)) {
    console.log(`No results in ${file}: that suite did not run.`);
    failed += 1;
    continue;
  }
  const stats = JSON.parse(readFileSync(file, 'utf8')).stats;
  passed += stats.expected;
  failed += stats.unexpected + stats.flaky;
  skipped += stats.skipped;
}
console.log(`\nTests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);

// Prints one closing line for the whole suite from vitest JSON reports (after one line per report:
// node = unit + integration, e2e = Chromium, e2e-firefox = Firefox).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  const skips = report.numPendingTests + (report.numTodoTests ?? 0);
  console.log(`  ${basename(file, '.json')}: ${report.numPassedTests} passed, ${report.numFailedTests} failed${skips ? `, ${skips} skipped` : ''}`);
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += skips;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);

// Content scripts run in pages Sesame does not control (a compromised renderer could drive them):
// they must not write extension storage. Settings and word saves go through the background. This
// walks the content script's import graph (models/page/content-script.ts) and checks no module in it
// writes storage or imports a function that does.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../..');
/** Store modules define the writers; what matters is who imports and calls them. */
const STORES = new Set([
  'models/shared/settings-store.ts',
  'models/shared/words/word-store.ts',
  'models/shared/practice/history-store.ts',
  'models/shared/practice/passage-store.ts',
]);
const WRITERS = ['updateSettings', 'saveWord', 'removeWord', 'saveHistory', 'clearHistory', 'clearPassages', 'savePassage', 'clearSavedData'];

function resolveImport(from: string, spec: string): string | null {
  let base: string;
  if (spec.startsWith('@/') || spec.startsWith('~/')) base = join(ROOT, spec.slice(2));
  else if (spec.startsWith('.')) base = resolve(dirname(join(ROOT, from)), spec);
  else return null; // a package
  const found = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')].find((c) => existsSync(c) && statSync(c).isFile());
  return found ? found.slice(ROOT.length + 1) : null;
}

function contentGraph(): Map<string, string> {
  const seen = new Map<string, string>();
  const queue = ['models/page/content-script.ts'];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const source = readFileSync(join(ROOT, file), 'utf8');
    seen.set(file, source);
    for (const m of source.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
      const target = resolveImport(file, (m[1] ?? m[2])!);
      if (target) queue.push(target);
    }
  }
  return seen;
}

describe('content scripts do not write extension storage', () => {
  it('no module of the content script writes storage or imports a store writer', () => {
    const graph = contentGraph();
    expect(graph.size).toBeGreaterThan(10);
    const offenders: string[] = [];
    for (const [file, source] of graph) {
      if (!STORES.has(file) && /\.setValue\(|storage\.(local|sync)\.(set|remove|clear)\(/.test(source)) offenders.push(`${file} writes storage`);
      for (const m of source.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from/g)) {
        const names = m[1]!.split(',').map((n) =>
          n
            .trim()
            .split(/\s+as\s+/)[0]!
            .replace(/^type\s+/, ''),
        );
        for (const name of names) if (WRITERS.includes(name)) offenders.push(`${file} imports ${name}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

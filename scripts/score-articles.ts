// Scores "Practise on this article" on saved pages laid out as Readability's test suite is
// (<dir>/<page>/source.html + expected.html): word-level LCS F1 of Sesame's article text, of the
// old hand-written extractor and of Readability's own textContent against expected.html.
// The pages are third-party copies and are not part of this repository; point it at a checkout:
//   npx vite-node scripts/score-articles.ts -- /tmp/readability/test/test-pages
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readability } from '@mozilla/readability';
import { Window } from 'happy-dom';
import { extractArticle } from '../models/page/article';
import { extractMainText } from '../models/page/main-text';
import { LIMITS } from '../models/shared/protocol';
import { type Score, wordF1 } from '../tests/support/word-f1';

const dir = process.argv.filter((a) => a !== '--')[2];
if (!dir) throw new Error('usage: score-articles.ts <test-pages dir>');
const settings = { disableJavaScriptEvaluation: true, disableJavaScriptFileLoading: true, disableCSSFileLoading: true, disableIframePageLoading: true };
// A window per page: happy-dom keeps what its documents allocated until the window closes.
let window = new Window({ url: 'https://example.com/', settings });
const parse = (html: string) => new window.DOMParser().parseFromString(html, 'text/html') as unknown as Document;

type Row = { page: string; sesame: Score; old: Score; oldUncapped: Score; library: Score; ms: number; source: string; chars: number };
const rows: Row[] = [];
for (const page of readdirSync(dir).sort()) {
  let source: string, expected: string;
  try {
    source = readFileSync(join(dir, page, 'source.html'), 'utf8');
    expected = readFileSync(join(dir, page, 'expected.html'), 'utf8');
  } catch {
    continue;
  }
  await window.happyDOM.close();
  window = new Window({ url: 'https://example.com/', settings });
  const reference = parse(expected).body?.textContent ?? '';
  const t0 = performance.now();
  const article = extractArticle(parse(source));
  const ms = performance.now() - t0;
  const old = extractMainText(parse(source), LIMITS.contextChars)?.text ?? '';
  const oldUncapped = extractMainText(parse(source), Infinity)?.text ?? '';
  const lib = new Readability(parse(source)).parse()?.textContent ?? '';
  rows.push({
    page,
    sesame: wordF1(article?.text ?? '', reference),
    old: wordF1(old, reference),
    oldUncapped: wordF1(oldUncapped, reference),
    library: wordF1(lib, reference),
    ms,
    source: article?.source ?? 'none',
    chars: article?.text.length ?? 0,
  });
  const r = rows.at(-1)!;
  console.log(
    `${page.padEnd(48)} sesame ${r.sesame.f1.toFixed(3)} (${r.source}, ${r.chars} ch, ${ms.toFixed(0)} ms)  old ${r.old.f1.toFixed(3)}  library ${r.library.f1.toFixed(3)}`,
  );
}
const mean = (f: (r: Row) => number) => rows.reduce((s, r) => s + f(r), 0) / rows.length;
const median = (f: (r: Row) => number) => {
  const v = rows.map(f).sort((a, b) => a - b);
  return v[Math.floor(v.length / 2)]!;
};
for (const [name, f] of [
  ['sesame (article.ts)', (r: Row) => r.sesame],
  ['old extractor, 20k cap', (r: Row) => r.old],
  ['old extractor, no cap', (r: Row) => r.oldUncapped],
  ['readability textContent', (r: Row) => r.library],
] as const)
  console.log(
    `${name.padEnd(26)} pages ${rows.length}  mean F1 ${mean((r) => f(r).f1).toFixed(3)}  median ${median((r) => f(r).f1).toFixed(3)}  P ${mean((r) => f(r).precision).toFixed(3)}  R ${mean((r) => f(r).recall).toFixed(3)}`,
  );
console.log(`extraction time: mean ${mean((r) => r.ms).toFixed(0)} ms, max ${Math.max(...rows.map((r) => r.ms)).toFixed(0)} ms (happy-dom, Node)`);
await window.happyDOM.close();

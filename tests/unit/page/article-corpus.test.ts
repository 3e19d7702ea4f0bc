// @vitest-environment happy-dom
// Scores "Practise on this article" on generated article pages (tests/support/article-pages.ts):
// word-level LCS F1 of Sesame's article text against Mozilla Readability's own textContent on the
// same page (the bar: mean >= 0.95) and against what the generator knows the article to be. The
// old hand-written extractor (the fallback) is scored too, to show what it misses.
import { Readability } from '@mozilla/readability';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '@/models/page/article';
import { extractMainText } from '@/models/page/main-text';
import { LIMITS } from '@/models/shared/protocol';
import { generatedPages } from '../../support/article-pages';
import { wordF1 } from '../../support/word-f1';

const parse = (html: string): Document => new DOMParser().parseFromString(html, 'text/html');
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('article extraction scored on generated pages', () => {
  const pages = generatedPages(3);
  const rows = pages.map((page) => {
    const sesame = extractArticle(parse(page.html));
    const library = new Readability(parse(page.html)).parse()?.textContent ?? '';
    const old = extractMainText(parse(page.html), LIMITS.contextChars)?.text ?? '';
    const truth = page.truth.join('\n\n');
    return {
      name: page.name,
      source: sesame?.source,
      vsLibrary: wordF1(sesame?.text ?? '', library).f1,
      vsTruth: wordF1(sesame?.text ?? '', truth),
      oldVsTruth: wordF1(old, truth),
      libraryVsTruth: wordF1(library, truth).f1,
    };
  });

  it('matches Readability’s own output (mean F1 >= 0.95, every page >= 0.9)', () => {
    console.log(
      rows
        .map(
          (r) =>
            `${r.name.padEnd(20)} vs library ${r.vsLibrary.toFixed(3)}  vs truth ${r.vsTruth.f1.toFixed(3)} (P ${r.vsTruth.precision.toFixed(2)} R ${r.vsTruth.recall.toFixed(2)})  old vs truth ${r.oldVsTruth.f1.toFixed(3)}  library vs truth ${r.libraryVsTruth.toFixed(3)}`,
        )
        .join('\n'),
    );
    console.log(
      `pages ${rows.length}: sesame vs library ${mean(rows.map((r) => r.vsLibrary)).toFixed(3)}, sesame vs truth ${mean(rows.map((r) => r.vsTruth.f1)).toFixed(3)}, old vs truth ${mean(rows.map((r) => r.oldVsTruth.f1)).toFixed(3)}, library vs truth ${mean(rows.map((r) => r.libraryVsTruth)).toFixed(3)}`,
    );
    expect(rows.every((r) => r.source === 'readability')).toBe(true);
    expect(mean(rows.map((r) => r.vsLibrary))).toBeGreaterThanOrEqual(0.95);
    for (const r of rows) expect(r.vsLibrary, r.name).toBeGreaterThanOrEqual(0.9);
  });

  it('finds the article the generator wrote (mean F1 >= 0.95), far better than the old extractor', () => {
    const sesame = mean(rows.map((r) => r.vsTruth.f1));
    expect(sesame).toBeGreaterThanOrEqual(0.95);
    expect(sesame).toBeGreaterThan(mean(rows.map((r) => r.oldVsTruth.f1)) + 0.05);
  });
});

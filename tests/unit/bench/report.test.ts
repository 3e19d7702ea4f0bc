// The report's Firefox section (section 9) and layout labels, from result files shaped like the
// bench's: every Firefox figure is set against the same request in Chromium's main row.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '@/bench/report';

const dir = mkdtempSync(join(tmpdir(), 'sesame-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const s = (median: number) => ({ median, samples: [median], unit: 'ms' });
const write = (name: string, value: unknown): string => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
};

const distil = 'sesame-fixtures/distilgpt2-legacy';
const gen = (tps: number) => ({ ttftMs: s(60), totalMs: s(400), oneTokenMs: s(70), partials: 32, tokensPerSec: { ...s(tps), median: tps } });
const browser = write('browser.json', {
  matrix: [
    { threads: 1, dtype: 'q8', senseAll: s(1000), completion: { model: distil, ...gen(90) } },
    { threads: 1, dtype: 'q8', kernelAlone: true, completion: { model: distil, ...gen(80) } },
  ],
});
// Firefox's figures and Chromium's from the rounds interleaved with them (bench/firefox-bench.ts).
const firefox = write('firefox.json', {
  browserVersion: 'Firefox 153.8.0',
  host: { crossOriginIsolated: false, threads: 1 },
  senseModel: 'sesame-fixtures/bert-base-uncased-tied',
  senseAll: { firefox: s(2400), chromium: s(1200) },
  senseCached: { firefox: s(6), chromium: s(4) },
  cloze: { firefox: { blanks: 10, batched: s(600), perBlank: s(6000) }, chromium: { blanks: 10, batched: s(400), perBlank: s(4000) } },
  completion: [{ model: distil, firefox: { ...gen(40), decoder: "prompts and steps in Sesame's kernels (6 layers)" }, chromium: gen(100) }],
  ghost: { firefox: { ttftMs: s(160), totalMs: s(700), partials: 24 }, chromium: { ttftMs: s(80), totalMs: s(350), partials: 24 } },
});
const options = { quick: false, node: null, browser, out: dir, extDir: null, command: 'npm run bench', wallSeconds: 1, layout: 'legacy' as const };

describe('report: Firefox rows', () => {
  const { table, json } = buildReport({ ...options, firefox });
  const line = (start: string): string => table.split('\n').find((l) => l.startsWith(`| ${start}`)) ?? '';

  it('says what the Firefox host is and what it ran on', () => {
    expect(line('**9. Firefox: Firefox 153.8.0')).toContain('crossOriginIsolated false, onnxruntime-web 1 thread');
    expect(line('sense:')).toContain('bert-base-uncased-tied [tied v3]');
    expect(line('completion:')).toContain('distilgpt2-legacy [legacy merged decoder]');
  });

  it('sets each figure against the same request in the interleaved Chromium rounds', () => {
    expect(line('sense:')).toContain('Chromium 1.20 s: Firefox / Chromium **2.00×**');
    expect(line('cloze: one `cloze`')).toContain('Firefox / Chromium **1.50×**');
    expect(line('→ batched / per-blank (Firefox)')).toContain('0.10×');
    expect(line('completion:')).toContain('**40.0 tok/s**');
    expect(line('completion:')).toContain('Chromium 100 tok/s: Firefox / Chromium **0.40×**');
    expect(line('completion:')).toContain("Chromium's main-row run without kernel workers 80.0 tok/s");
    expect(line('ghost-text request')).toContain('Firefox / Chromium **2.00×**');
    expect(json.ratios).toMatchObject({
      firefoxSenseVsChromium: 2,
      'firefoxTokensPerSec:distilgpt2-legacy': 40,
      'firefoxVsChromiumTokensPerSec:distilgpt2-legacy': 0.4,
    });
  });

  it('has no Firefox section without a Firefox result', () => {
    expect(buildReport(options).table).not.toContain('9. Firefox');
  });
});

describe('report: known-word marking rows (section 10)', () => {
  const variant = (delay: number, frame: number) => ({
    loads: 3,
    longTasks: s(1),
    longTaskMs: s(60),
    longestTaskMs: s(60),
    maxDelayMs: s(delay),
    longestFrameMs: s(frame),
    domContentLoadedMs: s(300),
  });
  const page = (name: string, partial: boolean) => ({
    name,
    words: 8001,
    chars: 37509,
    paragraphs: 271,
    savedWords: 319,
    rounds: 3,
    on: variant(120, 100),
    off: variant(100, 100),
    scan: { ms: s(24), wallMs: s(30), longestSliceMs: s(8.2), nodes: 876, chars: 37898, marks: 430, partial },
  });
  const knownWords = write('known-words.json', { windowMs: 4000, load1Start: 2, load1End: 3, pages: [page('long', false), page('huge', true)] });
  const { table, json } = buildReport({ ...options, knownWords });
  const lines = table.split('\n');

  it('gives the scan’s figures, says whether a limit stopped it, and sets marking on against off', () => {
    expect(lines.find((l) => l.startsWith('| **10. Known-word marking'))).toContain(
      'the long page loaded 3× with marking on and 3× off, the huge page loaded 3× with marking on and 3× off',
    );
    const scan = lines.filter((l) => l.includes('the scan (marking on)'));
    expect(scan[0]).toContain('24.0 ms · 30.0 ms · 8.2 ms; 876 text nodes, 37,898 characters read, 430 marks, whole page read');
    expect(scan[1]).toContain('**stopped by its limits** (bounded)');
    const delay = lines.find((l) => l.startsWith('| long page') && l.includes('longest delay'));
    expect(delay).toContain('on 120 ms; off 100 ms');
    expect(delay).toContain('1.20×');
    expect(json.ratios).toMatchObject({ 'knownWordsDelayOnVsOff:long': 1.2, 'knownWordsScanMs:huge': 24 });
  });

  it('has no such section without the result', () => {
    expect(buildReport(options).table).not.toContain('10. Known-word marking');
  });
});

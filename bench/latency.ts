// What a reader feels (issue #21), in the browser column: the built extension in headless
// Chromium, q8, the document made to see 4 cores (onnxruntime-web 2 threads), full-size fixtures.
//
//   double-click → first substitutes painted in the bubble, model cached but the host closed (cold)
//   the same with the host warm, and → all senses of a 20-use page painted
//   pause → first ghost token reaches the content script, warm
//   decoding as a fraction of the memory limit: bytes a step reads × tokens/s ÷ the measured one-row int8 product rate
//   host memory after loading a model ÷ its file size
//
// The double-clicks are real input (CDP mouse events on a page of 20 "bank" sentences); the time
// runs from the `dblclick` event to the first animation frame in which the bubble (its shadow root
// opened by Settings.testing) holds a substitute / a sense. Run with `npm run bench -- --latency`.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import type { ToolRequest } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import {
  type CpuProfile,
  closeHost,
  decodingRate,
  kernelGemvIn,
  onnxGemvIn,
  launch,
  type Memory,
  memory,
  must,
  offscreen,
  pageServer,
  type Session,
  type SettingsFor,
  selfTimes,
  setSettings,
} from './browser-bench';
import { Cdp } from './cdp';
import { dimsOf, stepWeightBytes } from './flops';
import { gemvShape, peakOf } from './matmul';
import { load1, median, type Sample, sample } from './stats';
import { COMPLETION_PROMPT, type FixtureLayout, GHOST_TOKENS, modelSet, SENSE_SENTENCES, SENSE_WORD } from './workloads';

export interface LatencyOptions {
  quick: boolean;
  layout?: FixtureLayout;
  hubRoot: string;
  extDir: string;
  pagesDir: string;
  rounds?: number;
  /**
   * Another build of the extension (e.g. the commit before a change) whose cold double-click is
   * measured too, interleaved round by round with this one's (its own browser profile and cache).
   */
  compareExtDir?: string;
  /** Only the cold rows (with the compared build's). */
  coldOnly?: boolean;
  /** Only the decoding row (with the compared build's, rounds interleaved, `rounds` fresh browsers each). */
  decodeOnly?: boolean;
  /** Only the warm rows (with the compared build's, rounds interleaved, `rounds` fresh browsers each, WARM_PER_ROUND double-clicks in each). */
  warmOnly?: boolean;
  /** Only the memory rows (with the compared build's, each in a fresh browser on its own profile): after a load from the cache, and on first use (the load right after the download, a fresh profile per model). */
  memoryOnly?: boolean;
  /** What `navigator.hardwareConcurrency` the host's document sees (4: onnxruntime-web 2 threads). */
  hardwareConcurrency?: number;
  /**
   * One more warm double-click after the counted ones, with the extension process's main thread
   * profiled (the offscreen document's and the bubble's frame's scripts run on it):
   * `latency-warm.cpuprofile` and `latency-warm.json` (its timeline and self times) beside `out`.
   */
  profileWarm?: boolean;
  /**
   * One more cold double-click of this build after the counted ones, the extension process's main
   * thread profiled from the `dblclick` (the offscreen document is open, its model not loaded):
   * `latency-cold.cpuprofile` and `latency-cold.json` beside `out`.
   */
  profileCold?: boolean;
  /**
   * One more 32-token completion after the decoding rounds, the offscreen document's main thread
   * profiled: `latency-decode.cpuprofile` and `latency-decode.json` (its self times) beside `out`.
   */
  profileDecode?: boolean;
  /** Where run.mjs writes the results (the warm profile goes beside it). */
  out?: string;
}

const TESTING = { testing: { openShadowRoots: true, pageMarks: true } };

/** The page: twenty sentences using "bank", each in its own paragraph; `round` prefixes them so the host's per-page vectors miss. */
function pageHtml(round: number): string {
  const ps = SENSE_SENTENCES.map((s, i) => `<p id="p${i}">${round ? `(${round}) ` : ''}${s}</p>`).join('\n');
  return `<!doctype html><meta charset="utf-8"><title>latency</title><body style="font:16px sans-serif;max-width:40em">${ps}</body>`;
}

/**
 * Installed in every frame before its scripts run (`context.addInitScript`): the page notes its
 * dblclick and the frame in which the bubble's frame is first shown (sized), and the bubble's frame
 * (an extension page since the bubble moved into one) the first animation frame that shows a
 * substitute, and a sense: painted is the later of the two. Times are epoch milliseconds
 * (timeOrigin + now), so the two documents' clocks compare.
 */
const WATCH = `(() => {
  const w = { t0: null, sized: null, sub: null, sense: null };
  window.__lat = w;
  if (location.pathname === '/bubble.html') {
    const tick = () => {
      const now = performance.timeOrigin + performance.now();
      if (w.sub === null && document.querySelector('[data-testid=substitutes] .sub')) w.sub = now;
      if (w.sense === null && document.querySelector('[data-testid=sense]')) w.sense = now;
      if (w.sub === null || w.sense === null) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    return;
  }
  // The page side: the frame is transparent until it has said its size (mount-bubble.tsx 'sized').
  const shown = () => {
    if (w.t0 === null) return;
    if (document.querySelector('sesame-bubble')?.shadowRoot?.querySelector('iframe.sized')) w.sized = performance.timeOrigin + performance.now();
    else requestAnimationFrame(shown);
  };
  addEventListener('dblclick', (e) => { if (w.t0 === null) { w.t0 = performance.timeOrigin + e.timeStamp; w.sized = null; requestAnimationFrame(shown); } }, true);
})()`;

interface Painted {
  substitutesMs: number;
  sensesMs: number | null;
}

type Lat = { t0: number | null; sized: number | null; sub: number | null; sense: number | null };
const readLat = (f: Page | Frame): Promise<Lat> => f.evaluate(() => (window as unknown as { __lat: Lat }).__lat);

/** The bubble's frame in `page`, once there (the frame the double-click made). */
function bubbleFrameOf(page: Page): Frame | undefined {
  return page.frames().find((f) => !f.isDetached() && f.url().startsWith('chrome-extension://') && new URL(f.url()).pathname === '/bubble.html');
}

/** Double-clicks "bank" in paragraph `p` and waits for the bubble's substitutes (and senses, when `senses`). */
/** How long a person holds each press of a double-click (the rows' CDP double-click holds none). */
const PRESS_MS = 60;
/** `--warm-only`: warm double-clicks in each browser, after its load. */
const WARM_PER_ROUND = 4;

async function dblclickBank(page: Page, p: number, senses: boolean, pressMs = 0): Promise<Painted> {
  await page.evaluate(() => Object.assign((window as unknown as { __lat: Lat }).__lat, { t0: null, sized: null }));
  const box = await page.evaluate(
    ({ id, word }) => {
      const el = document.getElementById(id)!;
      const text = el.firstChild!;
      const at = (text.textContent ?? '').indexOf(word);
      const range = document.createRange();
      range.setStart(text, at + 1);
      range.setEnd(text, at + 2);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    },
    { id: `p${p}`, word: SENSE_WORD },
  );
  await page.mouse.dblclick(box.x, box.y, { delay: pressMs });
  const until = Date.now() + 300_000;
  for (;;) {
    const { t0, sized } = await readLat(page);
    const frame = bubbleFrameOf(page);
    const w = frame ? await readLat(frame).catch(() => null) : null;
    if (t0 !== null && sized !== null && w && w.sub !== null && (!senses || w.sense !== null)) {
      // Painted: in the frame's document, and the frame shown on the page.
      const at = (t: number) => Math.max(t, sized) - t0;
      return { substitutesMs: at(w.sub), sensesMs: w.sense === null ? null : at(w.sense) };
    }
    if (Date.now() > until) throw new Error('the bubble never showed substitutes');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Every new target of the browser starts paused until it sees `hardwareConcurrency`: an offscreen
 * document created by a request then sizes onnxruntime-web's threads and Sesame's kernel workers
 * from it, as a document on a machine with that many cores would. Returns the stop function.
 */
async function overrideCores(port: number, hardwareConcurrency: number): Promise<() => void> {
  const version = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { webSocketDebuggerUrl: string };
  const cdp = await Cdp.connect(version.webSocketDebuggerUrl);
  cdp.on('Target.attachedToTarget', (p) => {
    const sessionId = p.sessionId as string;
    const type = (p.targetInfo as { type: string }).type;
    if (process.env.SESAME_LATENCY_DEBUG) console.error(`attached ${type} ${(p.targetInfo as { url: string }).url} waiting=${String(p.waitingForDebugger)}`);
    void (async () => {
      if (type === 'page' || type === 'other' || type === 'iframe') {
        await cdp.sendTo(sessionId, 'Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency }).catch(() => undefined);
      }
      await cdp.sendTo(sessionId, 'Runtime.runIfWaitingForDebugger').catch(() => undefined);
    })();
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
  return () => cdp.close();
}

/** A context's marks (`sesame:*`) and the resources it fetched, in epoch ms. */
interface Timeline {
  origin: number;
  marks: { name: string; at: number }[];
  resources: { name: string; start: number; end: number }[];
}

const TIMELINE = `(() => {
  const o = performance.timeOrigin;
  return {
    origin: o,
    marks: performance.getEntriesByType('mark').filter((m) => m.name.startsWith('sesame:')).map((m) => ({ name: m.name, at: o + m.startTime })),
    resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name.replace(/^.*\\//, ''), start: o + r.startTime, end: o + r.responseEnd })),
  };
})()`;

/** Where the cold double-click's time went: every mark of the page, the background and the offscreen document, from the dblclick. */
async function coldTimeline(x: Session, page: Page, painted: Painted): Promise<Record<string, unknown>> {
  const pageT = (await page.evaluate(TIMELINE)) as Timeline;
  const t0 = (await readLat(page)).t0 ?? Number.NaN;
  const worker = x.context.serviceWorkers()[0];
  const bgT = worker ? ((await worker.evaluate(TIMELINE).catch(() => null)) as Timeline | null) : null;
  // The document the double-click created (a connection of its own: the browser-wide one is not attached to it).
  let hostT: Timeline | null = null;
  let hostError = '';
  try {
    const cdp = await offscreen(x);
    hostT = await cdp.evaluate<Timeline>(TIMELINE);
    cdp.close();
  } catch (e) {
    hostError = String(e);
  }
  const frame = bubbleFrameOf(page);
  const bubbleT = frame ? ((await frame.evaluate(TIMELINE).catch(() => null)) as Timeline | null) : null;
  const rel = (at: number) => Math.round(at - t0);
  const marks: [string, number][] = [];
  if (hostError) marks.push([`host timeline unread: ${hostError}`, 0]);
  for (const [who, t] of [
    ['page', pageT],
    ['background', bgT],
    ['host', hostT],
    ['bubble frame', bubbleT],
  ] as const) {
    for (const m of t?.marks ?? []) if (m.at >= t0 - 50) marks.push([`${who} ${m.name}`, rel(m.at)]);
  }
  if (bubbleT) marks.push(['bubble frame timeOrigin', rel(bubbleT.origin)]);
  if (hostT) {
    marks.push(['host document timeOrigin', rel(hostT.origin)]);
    for (const r of hostT.resources)
      if (/\.(js|mjs|wasm)$/.test(r.name) && r.end - r.start > 0) marks.push([`host fetched ${r.name} (from ${rel(r.start)})`, rel(r.end)]);
  }
  marks.push(['bubble painted first substitutes', Math.round(painted.substitutesMs)]);
  marks.sort((a, b) => a[1] - b[1]);
  // A name marked again (the model's session after the warm-up's, a request's later updates) gets #2, #3; no more.
  const seen = new Map<string, number>();
  const named: [string, number][] = [];
  for (const [name, at] of marks) {
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    if (n <= 3) named.push([n === 1 ? name : `${name} #${n}`, at]);
  }
  return Object.fromEntries(named);
}

function fileBytes(hubRoot: string, id: string, file = 'onnx/model_quantized.onnx'): number {
  return statSync(join(hubRoot, id, file)).size;
}

export async function runLatencyBench(o: LatencyOptions): Promise<Record<string, unknown>> {
  const rounds = o.rounds ?? (o.quick ? 2 : 5);
  // --cold-only --repeats N: N cold rounds of each build (3 otherwise).
  const coldRounds = o.quick ? 1 : o.coldOnly && o.rounds ? o.rounds : 3;
  const hc = o.hardwareConcurrency ?? 4;
  const models = modelSet(o.quick, o.layout);
  const t0 = Date.now();
  const log = (m: string): void => console.error(`[latency ${((Date.now() - t0) / 1000).toFixed(0)} s] ${m}`);
  const hub = (await startHubServer({ root: o.hubRoot })) as { url: string; close(): Promise<void> };
  const profile = mkdtempSync(join(tmpdir(), 'sesame-latency-'));
  const clientServer = createServer((req, res) => {
    const round = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('round') ?? 0);
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pageHtml(round));
  });
  await new Promise<void>((ok) => clientServer.listen(0, '127.0.0.1', ok));
  const ca = clientServer.address();
  const origin = `http://127.0.0.1:${typeof ca === 'object' && ca ? ca.port : 0}`;
  const clientUrl = `${origin}/page.html`;
  const ps = await pageServer(o.quick, o.pagesDir);
  const settings: SettingsFor = { hubUrl: hub.url, backend: 'wasm', dtype: 'q8', mlm: models.bert, zh: models.ernie, gpt: models.distilgpt2 };
  const out: Record<string, unknown> = { load1Start: load1(), hardwareConcurrency: hc, models: { bert: models.bert.id, gpt: models.distilgpt2.id } };
  let s: Session | null = null;
  let stopOverride = (): void => {};
  // A browser-wide connection that pauses every new target until it has the override.
  const baseProfile = o.compareExtDir ? mkdtempSync(join(tmpdir(), 'sesame-latency-base-')) : '';
  const open = async (cores = hc, ext = o.extDir, dir = profile): Promise<Session> => {
    stopOverride();
    if (s) await s.context.close().catch(() => undefined);
    log('  launch');
    s = await launch(ext, dir, false, clientUrl, WATCH);
    stopOverride = await overrideCores(s.port, cores);
    // The client page's own start-up made an empty offscreen document: closed, so the next request starts from none.
    await closeHost(s, 500);
    log('  launched');
    return s;
  };
  /**
   * Waits (10 s at most) until the host has written the sense model's kernel image, or says it
   * read one: what a host closed after its idle time did long before (a build without images
   * waits the whole time; the first image after a download is written beside the stored rewrite).
   */
  const settled = async (x: Session): Promise<void> => {
    const end = Date.now() + 10_000;
    while (Date.now() < end) {
      const loaded = ((await must(x, { type: 'status' })).result as { loaded?: { id: string; head?: string }[] } | undefined)?.loaded ?? [];
      if (/kernel image (kept|read)/.test(loaded.find((m) => m.id === models.bert.id)?.head ?? '')) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  const tab = (x: Session): Page => x.context.pages().find((p) => p.url().startsWith(origin))!;
  /** The offscreen document's main thread profiled while `work` runs: `latency-<name>.cpuprofile` and `.json` (what `work` returned, and the self times) beside `out`. */
  const profiled = async (x: Session, name: string, work: () => Promise<Record<string, unknown>>): Promise<void> => {
    const cdp = await offscreen(x);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
    const found = await work();
    const { profile: cpu } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
    cdp.close();
    const base = join(dirname(o.out ?? join(tmpdir(), 'latency.json')), `latency-${name}`);
    writeFileSync(`${base}.cpuprofile`, JSON.stringify(cpu));
    writeFileSync(`${base}.json`, JSON.stringify({ ...found, selfMs: selfTimes(cpu).slice(0, 60) }, null, 1));
    log(`  profiled: ${base}.{cpuprofile,json}`);
  };
  /** `--profile-warm`: a warm double-click after `after` rounds, the extension process's main thread profiled (offscreen document and bubble frame alike). */
  const profileWarmRound = async (x: Session, after: number): Promise<void> => {
    const page = tab(x);
    await page.goto(`${origin}/page.html?round=${1000 + after}`);
    await new Promise((r) => setTimeout(r, 300));
    await profiled(x, 'warm', async () => {
      const painted = await dblclickBank(page, after % SENSE_SENTENCES.length, true);
      // Read inside the profile: its few evaluations are the bubble frame's and the page's, not the host's.
      return { painted, timeline: await coldTimeline(x, page, painted).catch((e: unknown) => ({ error: String(e) })) };
    });
  };
  const ghostReq: ToolRequest = { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
  const completeReq = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
  const bertBytes = fileBytes(o.hubRoot, models.bert.id);
  const gptBytes = fileBytes(o.hubRoot, models.distilgpt2.id);
  const memoryOf = (bert: Memory, gpt: Memory) => ({
    bert: { fileBytes: bertBytes, host: bert, ratio: bert.hostMiB ? (bert.hostMiB * 2 ** 20) / bertBytes : null },
    distilgpt2: { fileBytes: gptBytes, host: gpt, ratio: gpt.hostMiB ? (gpt.hostMiB * 2 ** 20) / gptBytes : null },
  });
  // measureUserAgentSpecificMemory never answers while onnxruntime-web's pthreads sit in their
  // wait loop (2 threads): the memory is read in a document that sees 2 cores (1 thread), the
  // model's bytes being the same.
  const memoryRows = async (ext: string, dir: string): Promise<{ bertMemory: Memory; gptMemory: Memory }> => {
    let x = await open(2, ext, dir);
    await must(x, { type: 'sense', text: SENSE_SENTENCES[1], start: SENSE_SENTENCES[1].indexOf(SENSE_WORD), end: SENSE_SENTENCES[1].indexOf(SENSE_WORD) + 4 });
    const bertMemory = await memory(x);
    x = await open(2, ext, dir);
    await must(x, completeReq(2));
    const gptMemory = await memory(x);
    return { bertMemory, gptMemory };
  };
  const firstUseRows = async (ext: string): Promise<{ bertMemory: Memory; gptMemory: Memory }> => {
    const fresh = async (request: ToolRequest): Promise<Memory> => {
      const dir = mkdtempSync(join(tmpdir(), 'sesame-latency-first-'));
      try {
        const x = await open(2, ext, dir);
        await setSettings(x, settings, TESTING);
        await must(x, request);
        const measured = await memory(x);
        await x.context.close().catch(() => undefined);
        s = null;
        return measured;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const bertMemory = await fresh({
      type: 'sense',
      text: SENSE_SENTENCES[1],
      start: SENSE_SENTENCES[1].indexOf(SENSE_WORD),
      end: SENSE_SENTENCES[1].indexOf(SENSE_WORD) + 4,
    });
    const gptMemory = await fresh(completeReq(2));
    return { bertMemory, gptMemory };
  };
  const stepBytes = stepWeightBytes(dimsOf(o.hubRoot, models.distilgpt2.id));
  /** The one-row int8 product rate in the bench's pages (Sesame's kernel and onnxruntime-web's): the memory limit of a step. */
  const productLimit = async (x: Session): Promise<{ limits: { runtime: string; threads: number; gbps: number }[]; limitGBps: number }> => {
    log('one-row int8 product rate (the memory limit of a step)');
    const gemv = gemvShape(o.quick);
    const gemvRuns = o.quick ? 5 : 24;
    const limits: { runtime: string; threads: number; gbps: number }[] = [];
    for (const workers of [0, 1]) {
      const r = await kernelGemvIn(x, ps.url, gemv, gemvRuns, workers);
      const p = peakOf(gemv, 'int8', r.threads, r.ms);
      limits.push({ runtime: 'sesame-kernel', threads: r.threads, gbps: p.bestGflops / 2 });
    }
    for (const threads of o.quick ? [1] : [1, 2]) {
      const r = await onnxGemvIn(x, ps.url, gemv, gemvRuns, threads);
      const p = peakOf(gemv, 'int8', r.threads, r.ms);
      limits.push({ runtime: 'onnxruntime-web', threads: r.threads, gbps: p.bestGflops / 2 });
    }
    return { limits, limitGBps: Math.max(...limits.map((l) => l.gbps)) };
  };
  /**
   * The limit right before a round's completions, in the same browser: Sesame's kernel with one
   * worker (the decoder's threads) over a step's bytes in one product, the best of 8. Measured
   * each round because the machine's load moves between rounds, and a ratio is only fair when
   * both sides saw the same load.
   */
  const roundLimit = async (x: Session): Promise<number> => {
    const gemv = gemvShape(o.quick);
    const r = await kernelGemvIn(x, ps.url, gemv, 8, 1);
    return peakOf(gemv, 'int8', r.threads, r.ms).bestGflops / 2;
  };
  /** `rounds` rounds in the open browser (the model loaded): the limit, then (after one not counted) a completion of 32 tokens and one of 1. */
  const decodingRounds = async (x: Session, rounds: number): Promise<DecodingRound[]> => {
    const out: DecodingRound[] = [];
    for (let i = 0; i < rounds; i++) {
      const limitGBps = await roundLimit(x);
      // Not counted: the first completion after the limit's page is slower (the host's kernel worker woken from its sleep).
      await must(x, completeReq(8));
      const full = (await must(x, completeReq(32))).ms;
      out.push({ tokensPerSec: decodingRate(32, full, (await must(x, completeReq(1))).ms), limitGBps });
    }
    return out;
  };
  /**
   * Ghost text's first token, `rounds` times each: a fresh prompt (no field: the whole prompt
   * computed), and typing on in one text field (its past kept between requests: each pause adds
   * a word, so a few new tokens are computed on top of the kept ones), after one of each not counted.
   */
  const ghostRounds = async (x: Session, rounds: number): Promise<{ fresh: number[]; typing: number[] }> => {
    const typed = ['', ' on', ' its', ' way', ' to', ' you', ' and', ' should', ' arrive', ' by', ' Friday'];
    const inField = (i: number): ToolRequest => ({
      ...ghostReq,
      prompt: COMPLETION_PROMPT + typed.slice(0, (i % typed.length) + 1).join(''),
      fieldKey: 'bench-field',
    });
    await must(x, ghostReq);
    await must(x, inField(0));
    const fresh: number[] = [];
    const typing: number[] = [];
    for (let i = 0; i < rounds; i++) {
      fresh.push((await must(x, ghostReq)).firstPartialMs ?? Number.NaN);
      typing.push((await must(x, inField(i + 1))).firstPartialMs ?? Number.NaN);
    }
    return { fresh, typing };
  };
  /** The row: medians over rounds of the rate, the round's limit, and their ratio (each round's rate against its own limit). */
  const decodingRow = (r: DecodingRound[], limits: { runtime: string; threads: number; gbps: number }[]) => ({
    tokensPerSec: sample(
      r.map((x) => x.tokensPerSec),
      'tok/s',
    ),
    stepWeightBytes: stepBytes,
    limitGBps: median(r.map((x) => x.limitGBps)),
    limits,
    fractionOfLimit: median(r.map((x) => (x.tokensPerSec * stepBytes) / 1e9 / x.limitGBps)),
    rounds: r,
  });
  try {
    const senseReq: ToolRequest = {
      type: 'sense',
      text: SENSE_SENTENCES[0],
      start: SENSE_SENTENCES[0].indexOf(SENSE_WORD),
      end: SENSE_SENTENCES[0].indexOf(SENSE_WORD) + 4,
    };
    const variants = [
      { name: 'this build', ext: o.extDir, dir: profile },
      ...(o.compareExtDir ? [{ name: 'compared build', ext: o.compareExtDir, dir: baseProfile }] : []),
    ];
    let x!: Session;
    for (const v of variants) {
      log(`downloads (hub → Cache API), ${v.name}`);
      x = await open(hc, v.ext, v.dir);
      await setSettings(x, settings, TESTING);
      await must(x, senseReq);
      if (!o.coldOnly) await must(x, completeReq(2));
      if (o.decodeOnly || o.warmOnly) continue;
      // One load from the cache, not measured: the first after a download is where a load that can keep its rewrite keeps it.
      x = await open(hc, v.ext, v.dir);
      await must(x, senseReq);
      await settled(x);
    }

    if (o.warmOnly) {
      // The warm rows alone, each build in a fresh browser per round, interleaved (alternating which goes first).
      const warmOf = new Map(variants.map((v) => [v.dir, { warm: [] as number[], senses: [] as number[] }]));
      let n = 0;
      for (let i = 0; i < rounds; i++) {
        for (const v of i % 2 ? [...variants].reverse() : variants) {
          x = await open(hc, v.ext, v.dir);
          await must(x, senseReq); // the load
          const got = warmOf.get(v.dir)!;
          const painted: Awaited<ReturnType<typeof dblclickBank>>[] = [];
          for (let j = 0; j < WARM_PER_ROUND; j++) {
            const page = tab(x);
            await page.goto(`${origin}/page.html?round=${++n}`);
            await new Promise((r) => setTimeout(r, 300)); // the content script settles
            painted.push(await dblclickBank(page, n % SENSE_SENTENCES.length, true));
          }
          got.warm.push(...painted.map((p) => p.substitutesMs));
          got.senses.push(...painted.map((p) => p.sensesMs!));
          log(
            `  ${v.name}: first substitutes ${painted.map((p) => p.substitutesMs.toFixed(0)).join('/')} ms, all senses ${painted.map((p) => p.sensesMs!.toFixed(0)).join('/')} ms`,
          );
        }
      }
      const mine = warmOf.get(profile)!;
      Object.assign(out, { warmSubstitutesMs: sample(mine.warm), warmSensesMs: sample(mine.senses) });
      if (o.compareExtDir) {
        const base = warmOf.get(baseProfile)!;
        out.compared = { extDir: o.compareExtDir, warmSubstitutesMs: sample(base.warm), warmSensesMs: sample(base.senses) };
      }
      return Object.assign(out, { load1End: load1() });
    }
    if (o.decodeOnly) {
      // Decoding alone, each build in a fresh browser per round, interleaved (alternating which goes first).
      const rates = new Map<string, DecodingRound[]>(variants.map((v) => [v.dir, []]));
      const ghosts = new Map<string, { fresh: number[]; typing: number[] }>(variants.map((v) => [v.dir, { fresh: [], typing: [] }]));
      for (let i = 0; i < rounds; i++) {
        for (const v of i % 2 ? [...variants].reverse() : variants) {
          x = await open(hc, v.ext, v.dir);
          await must(x, completeReq(2)); // the load
          await must(x, completeReq(32)); // not counted: the first completions after a load are slower (compilation, the workers' start)
          const r = await decodingRounds(x, 3);
          rates.get(v.dir)!.push(...r);
          const g = await ghostRounds(x, 3);
          ghosts.get(v.dir)!.fresh.push(...g.fresh);
          ghosts.get(v.dir)!.typing.push(...g.typing);
          log(
            `  ${v.name}: ${r.map((t) => `${t.tokensPerSec.toFixed(1)} tok/s (limit ${t.limitGBps.toFixed(1)} GB/s)`).join(', ')}; first ghost token ${g.fresh.map((ms) => ms.toFixed(0)).join('/')} ms fresh, ${g.typing.map((ms) => ms.toFixed(0)).join('/')} ms typing on`,
          );
        }
      }
      const { limits } = await productLimit(x);
      out.decoding = decodingRow(rates.get(profile)!, limits);
      Object.assign(out, { ghostFirstTokenMs: sample(ghosts.get(profile)!.fresh), ghostTypingMs: sample(ghosts.get(profile)!.typing) });
      if (o.compareExtDir) {
        const base = ghosts.get(baseProfile)!;
        out.compared = {
          extDir: o.compareExtDir,
          decoding: decodingRow(rates.get(baseProfile)!, limits),
          ghostFirstTokenMs: sample(base.fresh),
          ghostTypingMs: sample(base.typing),
        };
      }
      return Object.assign(out, { load1End: load1() });
    }
    if (o.memoryOnly) {
      // First use: the load right after the download, in a fresh profile per model (an empty cache).
      for (const v of variants) {
        log(`host memory on first use (the load right after the download), ${v.name}: a fresh profile per model`);
        const { bertMemory, gptMemory } = await firstUseRows(v.ext);
        if (v.dir === profile) out.firstUse = memoryOf(bertMemory, gptMemory);
        else out.comparedFirstUse = memoryOf(bertMemory, gptMemory);
      }
      for (const v of variants) {
        log(`host memory after loading, ${v.name}: a fresh browser per model (onnxruntime-web 1 thread)`);
        const { bertMemory, gptMemory } = await memoryRows(v.ext, v.dir);
        if (v.dir === profile) out.memory = memoryOf(bertMemory, gptMemory);
        else out.compared = { extDir: v.ext, memory: memoryOf(bertMemory, gptMemory) };
      }
      return Object.assign(out, { load1End: load1() });
    }
    log('cold: double-click → first substitutes, host closed, model cached (a fresh browser each)');
    const cold: number[] = [];
    const coldSenses: number[] = [];
    const coldBase: number[] = [];
    const coldBaseSenses: number[] = [];
    const timelines: Record<string, unknown>[] = [];
    const baseTimelines: Record<string, unknown>[] = [];
    let status: Record<string, unknown> = {};
    for (let i = 0; i < coldRounds; i++) {
      // Interleaved, alternating which goes first.
      for (const v of i % 2 ? [...variants].reverse() : variants) {
        x = await open(hc, v.ext, v.dir);
        const page = tab(x);
        await page.bringToFront();
        const painted = await dblclickBank(page, 0, true);
        const mine = v.dir === profile;
        (mine ? cold : coldBase).push(painted.substitutesMs);
        if (painted.sensesMs !== null) (mine ? coldSenses : coldBaseSenses).push(painted.sensesMs);
        log(`  ${v.name}: painted ${painted.substitutesMs.toFixed(0)} ms`);
        const timeline = await coldTimeline(x, page, painted).catch((e: unknown) => ({ error: String(e) }));
        (mine ? timelines : baseTimelines).push(timeline);
        console.error(JSON.stringify(timeline, null, 1));
        if (mine) status = (await must(x, { type: 'status' })).result ?? {};
        await settled(x);
      }
    }
    if (o.profileCold) {
      x = await open(hc, o.extDir, profile);
      const page = tab(x);
      await page.bringToFront();
      await profiled(x, 'cold', async () => {
        const painted = await dblclickBank(page, 0, true);
        return { painted, timeline: await coldTimeline(x, page, painted).catch((e: unknown) => ({ error: String(e) })) };
      });
      await settled(x);
    }
    out.coldTimelines = timelines;
    if (o.compareExtDir)
      out.compared = { extDir: o.compareExtDir, coldSubstitutesMs: sample(coldBase), coldSensesMs: sample(coldBaseSenses), coldTimelines: baseTimelines };
    if (o.coldOnly)
      return Object.assign(out, { coldSubstitutesMs: sample(cold), coldSensesMs: sample(coldSenses), status: { bert: status }, load1End: load1() });
    // This build, the model loaded: the warm rows.
    x = await open();
    await must(x, senseReq);

    log('warm: double-click → first substitutes and all senses of the page, fresh page text each round');
    const warm: number[] = [];
    const senses: number[] = [];
    const warmTimelines: Record<string, unknown>[] = [];
    for (let i = 0; i < rounds; i++) {
      const page = tab(x);
      await page.goto(`${origin}/page.html?round=${i + 1}`);
      await new Promise((r) => setTimeout(r, 300)); // the content script settles
      const painted = await dblclickBank(page, i % SENSE_SENTENCES.length, true);
      warm.push(painted.substitutesMs);
      senses.push(painted.sensesMs!);
      if (i < 2) {
        const timeline = await coldTimeline(x, page, painted).catch((e: unknown) => ({ error: String(e) }));
        warmTimelines.push(timeline);
        console.error(JSON.stringify(timeline, null, 1));
      }
    }
    out.warmTimelines = warmTimelines;
    if (o.profileWarm) await profileWarmRound(x, rounds);
    // The same with a person's double-click: each press held PRESS_MS (CDP's has none), so work
    // started on the second press (the bubble's frame) has that long before the dblclick.
    const pressed: number[] = [];
    const pressedSenses: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const page = tab(x);
      await page.goto(`${origin}/page.html?round=${rounds + i + 1}`);
      await new Promise((r) => setTimeout(r, 300));
      const painted = await dblclickBank(page, (rounds + i) % SENSE_SENTENCES.length, true, PRESS_MS);
      pressed.push(painted.substitutesMs);
      pressedSenses.push(painted.sensesMs!);
      if (i < 2) console.error(JSON.stringify(await coldTimeline(x, page, painted).catch((e: unknown) => ({ error: String(e) })), null, 1));
    }
    out.warmPressedSubstitutesMs = sample(pressed);
    out.warmPressedSensesMs = sample(pressedSenses);

    log('ghost text and decoding (distilgpt2), a fresh browser');
    x = await open();
    await must(x, completeReq(2)); // the load
    const gptStatus = (await must(x, { type: 'status' })).result ?? {};
    const ghost: number[] = [];
    const typing: number[] = [];
    const decoded: DecodingRound[] = [];
    for (let i = 0; i < rounds; i++) {
      const g = await ghostRounds(x, 1);
      ghost.push(...g.fresh);
      typing.push(...g.typing);
      decoded.push(...(await decodingRounds(x, 1)));
    }
    if (o.profileDecode) await profiled(x, 'decode', async () => ({ completion: await must(x, completeReq(32)) }));
    const { limits } = await productLimit(x);

    log('host memory after loading, a fresh browser per model (onnxruntime-web 1 thread)');
    const { bertMemory, gptMemory } = await memoryRows(o.extDir, profile);
    Object.assign(out, {
      coldSubstitutesMs: sample(cold),
      coldSensesMs: sample(coldSenses),
      warmSubstitutesMs: sample(warm),
      warmSensesMs: sample(senses),
      ghostFirstTokenMs: sample(ghost),
      ghostTypingMs: sample(typing),
      decoding: decodingRow(decoded, limits),
      memory: memoryOf(bertMemory, gptMemory),
      status: { bert: status, distilgpt2: gptStatus },
      load1End: load1(),
    });
    return out;
  } finally {
    stopOverride();
    if (s) await (s as Session).context.close().catch(() => undefined);
    await hub.close();
    clientServer.close();
    ps.server.close();
    rmSync(profile, { recursive: true, force: true });
    if (baseProfile) rmSync(baseProfile, { recursive: true, force: true });
  }
}

/** One round of the decoding row: tokens per second, and the limit measured right before it. */
interface DecodingRound {
  tokensPerSec: number;
  limitGBps: number;
}

/** One line per row, for the console and docs/benchmarks.md (see there). */
export function latencyTable(r: Record<string, unknown>): string {
  const ms = (x: unknown): string => {
    const v = (x as Sample | undefined)?.median;
    return v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v < 100 ? 1 : 0)} ms`;
  };
  type Decoding = { tokensPerSec: Sample; limitGBps: number; stepWeightBytes: number; fractionOfLimit: number };
  const d = r.decoding as Decoding | undefined;
  const decoding = (x: Decoding | undefined) =>
    !x
      ? 'n/a'
      : `${x.tokensPerSec.median.toFixed(1)} tok/s × ${(x.stepWeightBytes / 1e6).toFixed(0)} MB = ${((x.tokensPerSec.median * x.stepWeightBytes) / 1e9).toFixed(1)} GB/s ÷ ${x.limitGBps.toFixed(1)} GB/s ≈ ${(100 * x.fractionOfLimit).toFixed(0)}% (median of each round against its own limit)`;
  const comparedDecoding = (r.compared as { decoding?: Decoding } | undefined)?.decoding;
  const comparedGhost = (r.compared as { ghostFirstTokenMs?: Sample; ghostTypingMs?: Sample } | undefined)?.ghostFirstTokenMs
    ? (r.compared as { ghostFirstTokenMs: Sample; ghostTypingMs: Sample })
    : undefined;
  type Mem = Record<'bert' | 'distilgpt2', { ratio: number | null; fileBytes: number; host: { hostMiB: number | null; jsHeapMiB?: number | null } | null }>;
  const mem = (k: 'bert' | 'distilgpt2', m = r.memory as Mem | undefined) => {
    if (!m) return 'n/a';
    const h = m[k].host;
    const js = typeof h?.jsHeapMiB === 'number' ? ` (JS heap ${h.jsHeapMiB.toFixed(0)} MiB)` : '';
    return `${h?.hostMiB?.toFixed(0) ?? '?'} MiB / ${(m[k].fileBytes / 2 ** 20).toFixed(0)} MiB file = ${m[k].ratio?.toFixed(2) ?? '?'}×${js}`;
  };
  const compared = (r.compared as { memory?: Mem } | undefined)?.memory;
  const rows: [string, string, string][] = [
    ['double-click → first substitutes painted, host closed, model cached (cold)', ms(r.coldSubstitutesMs), '≤ 1.5 s'],
    ['the same, host warm', ms(r.warmSubstitutesMs), '≤ 150 ms'],
    [`the same, a person's double-click (each press held ${PRESS_MS} ms; from the dblclick, as above)`, ms(r.warmPressedSubstitutesMs), ''],
    ['double-click → all senses of a 20-use page painted, host warm', ms(r.warmSensesMs), '≤ 1 s'],
    [`the same, a person's double-click (presses held ${PRESS_MS} ms)`, ms(r.warmPressedSensesMs), ''],
    ['(cold: all senses painted)', ms(r.coldSensesMs), ''],
    ...(['warmSubstitutesMs', 'warmSensesMs'] as const).flatMap((k): [string, string, string][] => {
      const c = (r.compared as Record<string, Sample | undefined> | undefined)?.[k];
      if (!c) return [];
      const ratio = ((r[k] as Sample).median / c.median).toFixed(2);
      return [
        [
          `${k === 'warmSensesMs' ? 'all senses' : 'first substitutes'}, host warm, the compared build (interleaved)`,
          `${ms(c)} (this build / compared: ${ratio}×)`,
          '',
        ],
      ];
    }),
    ...((r.compared as Record<string, unknown> | undefined)?.coldSubstitutesMs
      ? ([
          [
            'cold double-click → first substitutes, the compared build (interleaved)',
            `${ms((r.compared as Record<string, unknown>).coldSubstitutesMs)} (this build / compared: ${(
              (r.coldSubstitutesMs as Sample).median / ((r.compared as Record<string, Sample>).coldSubstitutesMs as Sample).median
            ).toFixed(2)}×)`,
            '',
          ],
        ] as [string, string, string][])
      : []),
    ['pause → first ghost token at the content script, warm', ms(r.ghostFirstTokenMs), '≤ 120 ms'],
    ['the same, typing on in a text field (its past kept: a word more each pause)', ms(r.ghostTypingMs), ''],
    ...(comparedGhost
      ? ([
          ['first ghost token, the compared build (interleaved)', ms(comparedGhost.ghostFirstTokenMs), ''],
          ['the same typing on, the compared build', ms(comparedGhost.ghostTypingMs), ''],
        ] as [string, string, string][])
      : []),
    ['decoding: bytes a step reads × tokens/s ÷ one-row int8 product rate', decoding(d), '≥ 75 %'],
    ...(comparedDecoding
      ? ([
          [
            'decoding, the compared build (interleaved)',
            `${decoding(comparedDecoding)} (this build / compared: ${(d!.tokensPerSec.median / comparedDecoding.tokensPerSec.median).toFixed(2)}×)`,
            '',
          ],
        ] as [string, string, string][])
      : []),
    ['host memory after loading ÷ file size, bert-base q8', mem('bert'), '≤ 1.3×'],
    ['host memory after loading ÷ file size, distilgpt2 q8', mem('distilgpt2'), '≤ 1.3×'],
    ...(compared
      ? ([
          ['(the compared build) bert-base q8', mem('bert', compared), ''],
          ['(the compared build) distilgpt2 q8', mem('distilgpt2', compared), ''],
        ] as [string, string, string][])
      : []),
    ...(r.firstUse
      ? ([
          ['first use (the load right after the download), bert-base q8', mem('bert', r.firstUse as Mem), '≤ 1.3×'],
          ['first use, distilgpt2 q8', mem('distilgpt2', r.firstUse as Mem), '≤ 1.3×'],
        ] as [string, string, string][])
      : []),
    ...(r.comparedFirstUse
      ? ([
          ['(the compared build, first use) bert-base q8', mem('bert', r.comparedFirstUse as Mem), ''],
          ['(the compared build, first use) distilgpt2 q8', mem('distilgpt2', r.comparedFirstUse as Mem), ''],
        ] as [string, string, string][])
      : []),
  ];
  return ['| Row (median) | Browser, 2 threads, q8 | Target |', '| --- | --- | --- |', ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`)].join('\n');
}

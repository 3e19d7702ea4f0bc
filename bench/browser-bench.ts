// The browser half: the built extension in headless Chromium (Debian's), requests sent the way a
// page of the extension sends them (`chrome.runtime.connect({name:'sesame'})`, models/protocol.ts),
// served by the real offscreen model host (onnxruntime-web WASM; WebGPU through SwiftShader as a
// correctness check only). Timings are taken inside the client page.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import type { ModelSpec, Scored, ToolRequest } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import { Cdp, devtoolsPort, findTarget } from './cdp';
import { gemvShape, matmulFlops, matmulModel, matmulShape, type PeakResult, peakOf } from './matmul';
import { interleave, load1, median, type Sample, sample } from './stats';
import type { BaselineApi } from './pages/baseline';
import {
  CLOZE_BLANKS,
  CLOZE_PASSAGE,
  COMPLETION_PROMPT,
  COMPLETION_TOKENS,
  GEN_OPTIONS,
  GHOST_TOKENS,
  hasQ4,
  libraryFileOptions,
  maskedSentence,
  modelSet,
  type FixtureLayout,
  repeats,
  SENSE_SENTENCES,
  SENSE_WORD,
  pageSenseRequest,
  perBlankRequests,
  senseTargets,
  ZH_TEXT,
  ZH_WORD,
} from './workloads';

export interface BrowserOptions {
  quick: boolean;
  /** The fixtures' layout (workloads.ts): tied v3 hub files (default) or the older untied ones. */
  layout?: FixtureLayout;
  hubRoot: string;
  extDir: string;
  webgpu: boolean;
  /** The bundled baseline pages (bench/pages/*.ts). */
  pagesDir: string;
  repeats?: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MiB = 2 ** 20;
const LONG = 15 * 60_000;
/** Tokens generated on WebGPU (SwiftShader runs every kernel on the CPU: minutes for 32). */
const WEBGPU_TOKENS = 4;
/** A closed offscreen document frees GBs in the shared extension process; let it settle. */
let settleMs = 2000;

export interface Reply {
  kind: 'result' | 'error';
  ms: number;
  firstPartialMs: number | null;
  lastPartialMs: number | null;
  partials: number;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
}

// Installed in the client page (an extension page: popup.html). Plain JS, run as is.
const PAGE_HELPER = `(() => {
  if (window.__bench) return;
  const B = { port: null, n: 0, pending: new Map() };
  B.connect = () => {
    const port = chrome.runtime.connect({ name: 'sesame' });
    port.onMessage.addListener((m) => {
      const p = B.pending.get(m.id);
      if (!p) return;
      const t = performance.now();
      if (m.kind === 'partial') { p.partials.push(t); return; }
      if (m.kind === 'progress' || m.kind === 'update' || m.kind === 'pong') return;
      B.pending.delete(m.id);
      p.done(m, t);
    });
    port.onDisconnect.addListener(() => {
      B.port = null;
      for (const p of B.pending.values()) p.done({ kind: 'error', error: { code: 'disconnected', message: 'port closed' } }, performance.now());
      B.pending.clear();
    });
    B.port = port;
  };
  B.req = (request, timeoutMs) => new Promise((resolve) => {
    if (!B.port) B.connect();
    const id = 'b' + (++B.n);
    const partials = [];
    const t0 = performance.now();
    const ping = setInterval(() => { try { B.port && B.port.postMessage({ kind: 'ping', id }); } catch (e) {} }, 5000);
    const timer = setTimeout(() => {
      B.pending.delete(id);
      clearInterval(ping);
      resolve({ kind: 'error', ms: performance.now() - t0, firstPartialMs: null, lastPartialMs: null, partials: 0, error: { code: 'timeout', message: 'no answer' } });
    }, timeoutMs);
    B.pending.set(id, { partials, done: (m, t) => {
      clearTimeout(timer);
      clearInterval(ping);
      resolve({ kind: m.kind, ms: t - t0, firstPartialMs: partials.length ? partials[0] - t0 : null,
        lastPartialMs: partials.length ? partials[partials.length - 1] - t0 : null, partials: partials.length,
        result: m.result, error: m.error });
    } });
    B.port.postMessage({ kind: 'request', id, request });
  });
  B.seq = async (requests, timeoutMs) => {
    const t0 = performance.now();
    for (const r of requests) {
      const o = await B.req(r, timeoutMs);
      if (o.kind !== 'result') return { ms: performance.now() - t0, error: o.error };
    }
    return { ms: performance.now() - t0 };
  };
  window.__bench = B;
})()`;

type BenchWindow = {
  __bench: {
    req(r: ToolRequest, t: number): Promise<Reply>;
    seq(r: ToolRequest[], t: number): Promise<{ ms: number; error?: { code: string; message: string } }>;
  };
};

export interface Session {
  context: BrowserContext;
  /** An extension page (popup.html): settings, `status`. It shares the extension's renderer process with the offscreen host. */
  page: Page;
  /** The content script's world in a web page (another process): the tool requests, as the product sends them. */
  client: { cdp: Cdp; contextId: number };
  port: number;
  extensionId: string;
}

/** CDP into the content script's isolated world of a tab showing `url`, with the request helper installed. */
async function contentScriptClient(port: number, url: string, extensionId: string): Promise<{ cdp: Cdp; contextId: number }> {
  const target = await findTarget(port, (t) => t.type === 'page' && t.url === url);
  const cdp = await Cdp.connect(target.webSocketDebuggerUrl);
  const contexts: { id: number; origin: string; name: string; auxData?: { type?: string; isDefault?: boolean } }[] = [];
  cdp.on('Runtime.executionContextCreated', (p) => void contexts.push(p.context as (typeof contexts)[number]));
  await cdp.send('Runtime.enable');
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    const ctx = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${extensionId}`);
    if (ctx) {
      await cdp.evaluate(PAGE_HELPER, ctx.id);
      return { cdp, contextId: ctx.id };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the content script's world never appeared in the client tab");
}

/** `initScript`: run in every frame of the browser before its own scripts (the latency bench's watchers). */
export async function launch(extDir: string, profile: string, webgpu: boolean, clientUrl: string, initScript?: string): Promise<Session> {
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-extensions-except=${extDir}`,
    `--load-extension=${extDir}`,
    '--remote-debugging-port=0',
    '--enable-blink-features=ForceEagerMeasureMemory',
  ];
  if (webgpu) {
    args.push(
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--enable-unsafe-swiftshader',
    );
  }
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args });
  if (initScript) await context.addInitScript(initScript);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  const port = await devtoolsPort(profile);
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.evaluate(PAGE_HELPER);
  const tab = await context.newPage();
  await tab.goto(clientUrl);
  const client = await contentScriptClient(port, clientUrl, extensionId);
  return { context, page, client, port, extensionId };
}

const TOOLS = new Set(['sense', 'cloze', 'complete']);

/** The same request from the extension page (popup.html), which shares a renderer process and main thread with the offscreen host. */
async function requestFromExtensionPage(s: Session, r: ToolRequest, timeoutMs = LONG): Promise<Reply> {
  return s.page.evaluate(({ r, t }) => (window as unknown as BenchWindow).__bench.req(r, t), { r, t: timeoutMs });
}

export async function request(s: Session, r: ToolRequest, timeoutMs = LONG): Promise<Reply> {
  if (TOOLS.has(r.type)) return s.client.cdp.evaluate<Reply>(`window.__bench.req(${JSON.stringify(r)}, ${timeoutMs})`, s.client.contextId);
  return s.page.evaluate(({ r, t }) => (window as unknown as BenchWindow).__bench.req(r, t), { r, t: timeoutMs });
}

export async function must(s: Session, r: ToolRequest, timeoutMs = LONG): Promise<Reply> {
  const reply = await request(s, r, timeoutMs);
  if (reply.kind !== 'result') throw new Error(`${r.type}: ${reply.error?.code}: ${reply.error?.message}`);
  return reply;
}

async function sequence(s: Session, rs: ToolRequest[]): Promise<number> {
  const out = await s.client.cdp.evaluate<{ ms: number; error?: { code: string; message: string } }>(
    `window.__bench.seq(${JSON.stringify(rs)}, ${LONG})`,
    s.client.contextId,
  );
  if (out.error) throw new Error(`sequence: ${out.error.code}: ${out.error.message}`);
  return out.ms;
}

export interface SettingsFor {
  hubUrl: string;
  dtype: 'q8' | 'fp32' | 'q4';
  backend: 'wasm' | 'webgpu';
  mlm: ModelSpec;
  zh: ModelSpec;
  gpt: ModelSpec;
}

/** The settings every bench browser gets: the loopback hub, these models, no idle release during a run; `extra` on top. */
export function benchSettings(o: SettingsFor, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    modelHost: `${o.hubUrl}/`,
    dtype: o.dtype,
    backend: o.backend,
    models: {
      'sense.en': { id: o.mlm.id, family: o.mlm.family },
      'cloze.en': { id: o.mlm.id, family: o.mlm.family },
      'sense.zh': { id: o.zh.id, family: o.zh.family },
      'cloze.zh': { id: o.zh.id, family: o.zh.family },
      'complete.en': { id: o.gpt.id, family: o.gpt.family },
      'complete.zh': { id: o.gpt.id, family: o.gpt.family },
    },
    idleReleaseMinutes: 60,
    disabledSites: [],
    lookupOnDoubleClick: true,
    completion: { enabled: true, pauseMs: 350, maxTokens: GHOST_TOKENS },
    ...extra,
  };
}

export async function setSettings(s: Session, o: SettingsFor, extra: Record<string, unknown> = {}): Promise<void> {
  const settings = benchSettings(o, extra);
  await s.page.evaluate(
    (v) => (globalThis as unknown as { chrome: { storage: { local: { set(x: unknown): Promise<void> } } } }).chrome.storage.local.set({ settings: v }),
    settings,
  );
}

/** Closes the offscreen document (the next request re-creates it: a cold host). */
export async function closeHost(s: Session, settle = settleMs): Promise<void> {
  const list = (await (await fetch(`http://127.0.0.1:${s.port}/json/list`)).json()) as { id: string; url: string }[];
  const target = list.find((t) => t.url.endsWith('/offscreen.html'));
  if (target) {
    await fetch(`http://127.0.0.1:${s.port}/json/close/${target.id}`);
    const until = Date.now() + 10_000;
    while (Date.now() < until) {
      const now = (await (await fetch(`http://127.0.0.1:${s.port}/json/list`)).json()) as { url: string }[];
      if (!now.some((t) => t.url.endsWith('/offscreen.html'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // let the background see the port close, and the process free the old document's memory
    await new Promise((r) => setTimeout(r, settle));
  }
}

export async function offscreen(s: Session): Promise<Cdp> {
  const t = await findTarget(s.port, (x) => x.url.endsWith('/offscreen.html'));
  return Cdp.connect(t.webSocketDebuggerUrl);
}

/** RSS of Chromium's extension renderer process(es) (offscreen document + the client page), MiB. */
function extensionProcessRssMiB(): number {
  let kb = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmd.includes('--type=renderer') || !cmd.includes('--extension-process')) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // gone
    }
  }
  return kb / 1024;
}

export interface Memory {
  /**
   * The host's own figure (a `status` request with `memory`: models/host/memory.ts): the
   * measurement below corrected for how Chromium counts WebAssembly memories, MiB.
   */
  hostMiB: number | null;
  /**
   * performance.measureUserAgentSpecificMemory() in the offscreen document as it reads, MiB: it
   * counts a shared kernel memory again for each kernel thread, and not what a memory of its own grew by.
   */
  uaSpecificMiB: number | null;
  /** Runtime.getHeapUsage (JS heap) of the offscreen document, MiB. */
  jsHeapMiB: number | null;
  extensionProcessRssMiB: number;
}

export async function memory(s: Session): Promise<Memory> {
  const host = Number((await must(s, { type: 'status', memory: true })).result?.memoryBytes);
  const cdp = await offscreen(s);
  try {
    const ua = await cdp.evaluate<number>('performance.measureUserAgentSpecificMemory().then((r) => r.bytes)').catch(() => null);
    const heap = await cdp.send<{ usedSize: number }>('Runtime.getHeapUsage').catch(() => null);
    return {
      hostMiB: Number.isFinite(host) ? host / MiB : null,
      uaSpecificMiB: ua === null ? null : ua / MiB,
      jsHeapMiB: heap ? heap.usedSize / MiB : null,
      extensionProcessRssMiB: extensionProcessRssMiB(),
    };
  } finally {
    cdp.close();
  }
}

/** What the bench's MatMul page (pageServer's mm.html) and kernel page (pages/kernel.ts) expose. */
export interface PeakPage {
  peak(kind: string, threads: number, runs: number, m: number, k: number): Promise<{ ms: number[]; isolated: boolean; threads: number }>;
}
export interface KernelPage {
  kernelGemv(k: number, n: number, runs: number, workers: number): Promise<{ ms: number[]; threads: number }>;
}

/** Opens a page of the bench's page server, waits until it is ready, evaluates `fn(arg)` in it and closes it. */
/** Sesame's kernel over one product of `shape` in the bench's kernel page (`pagesUrl`/kernel.html): `runs` timings, alone or split over `workers`. */
export function kernelGemvIn(
  s: Session,
  pagesUrl: string,
  shape: { k: number; n: number },
  runs: number,
  workers: number,
): Promise<{ ms: number[]; threads: number }> {
  return inBenchPage(s, `${pagesUrl}/kernel.html`, ({ k, n, runs, workers }) => (window as unknown as KernelPage).kernelGemv(k, n, runs, workers), {
    k: shape.k,
    n: shape.n,
    runs,
    workers,
  });
}

/** onnxruntime-web's one-node MatMul of `shape` in the bench's MatMul page: `runs` timings on `threads`. */
export function onnxGemvIn(
  s: Session,
  pagesUrl: string,
  shape: { m: number; k: number },
  runs: number,
  threads: number,
): Promise<{ ms: number[]; threads: number }> {
  return inBenchPage(s, `${pagesUrl}/mm.html`, ({ threads, runs, m, k }) => (window as unknown as PeakPage).peak('gemv', threads, runs, m, k), {
    threads,
    runs,
    m: shape.m,
    k: shape.k,
  });
}

export async function inBenchPage<A, R>(s: Session, url: string, fn: (arg: A) => Promise<R>, arg: A): Promise<R> {
  const page = await s.context.newPage();
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    // The argument is plain JSON, which playwright passes through as it is.
    return await page.evaluate(fn as (arg: unknown) => Promise<R>, arg);
  } finally {
    await page.close();
  }
}

/**
 * Pages of the bench, served cross-origin isolated like the offscreen document: the WASM MatMul
 * peak (onnxruntime-web from node_modules) and the baseline pages (plain transformers.js 4.3.1 and
 * @xenova/transformers 2.17.2 with its own onnxruntime-web 1.14, bundled by bench/run.mjs).
 */
export async function pageServer(quick: boolean, pagesDir: string): Promise<{ url: string; server: Server }> {
  const roots: Record<string, string> = {
    '/ort/': resolve('node_modules/onnxruntime-web/dist'),
    '/ort14/': resolve('node_modules/@xenova/transformers/node_modules/onnxruntime-web/dist'),
    '/pages/': pagesDir,
  };
  const models = {
    fp32: Buffer.from(matmulModel(matmulShape(quick), 'fp32')),
    int8: Buffer.from(matmulModel(matmulShape(quick), 'int8')),
    gemv: Buffer.from(matmulModel(gemvShape(quick), 'int8')),
  };
  const html = `<!doctype html><meta charset="utf-8"><title>matmul</title><script type="module">
import * as ort from '/ort/ort.webgpu.min.mjs';
window.peak = async (kind, threads, runs, m, k) => {
  ort.env.wasm.numThreads = threads;
  ort.env.wasm.wasmPaths = '/ort/';
  const bytes = new Uint8Array(await (await fetch('/matmul-' + kind + '.onnx')).arrayBuffer());
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const feeds = { A: new ort.Tensor('float32', new Float32Array(m * k).map(() => Math.random() - 0.5), [m, k]) };
  await s.run(feeds);
  const ms = [];
  for (let i = 0; i < runs; i++) { const t = performance.now(); await s.run(feeds); ms.push(performance.now() - t); }
  await s.release();
  return { ms, isolated: crossOriginIsolated, threads: ort.env.wasm.numThreads };
};
window.ready = true;
</script>`;
  const baselinePage = (name: string) => `<!doctype html><meta charset="utf-8"><title>${name}</title><script type="module" src="/pages/${name}.js"></script>`;
  const types: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cache-Control': 'no-store' };
    if (path === '/' || path === '/mm.html') return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(html);
    const page = /^\/(t4|x2|kernel)\.html$/.exec(path);
    if (page) return void res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(baselinePage(page[1]!));
    const m = /^\/matmul-(fp32|int8|gemv)\.onnx$/.exec(path);
    if (m) return void res.writeHead(200, { ...headers, 'Content-Type': 'application/octet-stream' }).end(models[m[1] as keyof typeof models]);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    if (prefix && !path.includes('..')) {
      try {
        const body = readFileSync(join(roots[prefix]!, path.slice(prefix.length)));
        return void res.writeHead(200, { ...headers, 'Content-Type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
      } catch {
        // fall through
      }
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const a = server.address();
  return { url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`, server };
}

/** Decoding rate from a request for `tokens` tokens and one for a single token: (tokens − 1) / the difference. */
export function decodingRate(tokens: number, fullMs: number, oneMs: number): number {
  return tokens < 2 ? Number.NaN : ((tokens - 1) * 1000) / (fullMs - oneMs);
}

type BaselineWindow = { baseline?: BaselineApi };

/** A baseline page (bench/pages), set up to load from the loopback hub. */
async function baselinePage(s: Session, pagesUrl: string, name: 't4' | 'x2', hubUrl: string): Promise<Page> {
  const page = await s.context.newPage();
  await page.goto(`${pagesUrl}/${name}.html`);
  await page.waitForFunction(() => (window as unknown as BaselineWindow).baseline !== undefined, undefined, { timeout: 60_000 });
  await page.evaluate((h) => (window as unknown as { baseline: BaselineApi }).baseline.setup(h), hubUrl);
  return page;
}

type Api = { baseline: BaselineApi };

/**
 * Sesame's host against plain transformers.js 4.3.1 and @xenova/transformers 2.17.2 in the same
 * browser, each variant's runs interleaved round by round. Decoding rate for all three the same
 * way: 31 / (time for 32 tokens − time for 1 token), each taken where the request starts (the
 * content script for Sesame, the page for the libraries).
 */
async function baselines(
  s: Session,
  o: BrowserOptions,
  pagesUrl: string,
  hubUrl: string,
  base: Omit<SettingsFor, 'dtype'>,
  rounds: number,
  log: (m: string) => void,
) {
  const models = modelSet(o.quick, o.layout);
  const pages = { transformers4: await baselinePage(s, pagesUrl, 't4', hubUrl), xenova: await baselinePage(s, pagesUrl, 'x2', hubUrl) };
  const info = Object.fromEntries(
    await Promise.all(
      Object.entries(pages).map(async ([k, p]) => [
        k,
        await p.evaluate(() => ({ version: (window as unknown as Api).baseline.version, isolated: (window as unknown as Api).baseline.isolated })),
      ]),
    ),
  );
  const req = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
  const completion: Record<string, unknown>[] = [];
  try {
    for (const gpt of [models.distilgpt2, ...(models.gpt2 ? [models.gpt2] : [])]) {
      log(`baselines: ${gpt.id} q8 — Sesame host vs transformers.js 4.3.1 vs @xenova 2.17.2`);
      await setSettings(s, { ...base, gpt, dtype: 'q8' });
      await must(s, req(COMPLETION_TOKENS));
      const errors: Record<string, string> = {};
      const loaded: Record<string, Page> = {};
      for (const [k, p] of Object.entries(pages)) {
        try {
          const files = libraryFileOptions(gpt.id)[k as 'transformers4' | 'xenova'];
          await p.evaluate(({ id, prompt, options, files }) => (window as unknown as Api).baseline.loadGenerator(id, 'q8', prompt, options, files), {
            id: gpt.id,
            prompt: COMPLETION_PROMPT,
            options: GEN_OPTIONS,
            files,
          });
          loaded[k] = p;
        } catch (e) {
          errors[k] = (e as Error).message.split('\n')[0]!;
        }
      }
      const times: Record<string, { one: number[]; full: number[] }> = { sesame: { one: [], full: [] } };
      const variants: Record<string, () => Promise<unknown>> = {
        sesame: async () => {
          times.sesame!.one.push((await must(s, req(1))).ms);
          times.sesame!.full.push((await must(s, req(COMPLETION_TOKENS))).ms);
        },
      };
      for (const [k, p] of Object.entries(loaded)) {
        const t: { one: number[]; full: number[] } = { one: [], full: [] };
        times[k] = t;
        const gen = (n: number) =>
          p.evaluate(({ prompt, n, options }) => (window as unknown as Api).baseline.generate(prompt, n, options), {
            prompt: COMPLETION_PROMPT,
            n,
            options: GEN_OPTIONS,
          });
        variants[k] = async () => {
          t.one.push(await gen(1));
          t.full.push(await gen(COMPLETION_TOKENS));
        };
      }
      await interleave(rounds, variants);
      const rate = (t: { one: number[]; full: number[] }) => decodingRate(COMPLETION_TOKENS, median(t.full), median(t.one));
      completion.push({
        model: gpt.id,
        dtype: 'q8',
        tokens: COMPLETION_TOKENS,
        ...Object.fromEntries(Object.entries(times).map(([k, t]) => [k, { oneTokenMs: sample(t.one), fullMs: sample(t.full), tokensPerSec: rate(t) }])),
        errors,
      });
      for (const p of Object.values(loaded)) await p.evaluate(() => (window as unknown as Api).baseline.release());
    }

    log('baselines: sense, naive fill-mask + feature-extraction per sentence in transformers.js 4.3.1');
    await setSettings(s, { ...base, dtype: 'q8' });
    const targets = senseTargets();
    const masked = targets.map((t) => maskedSentence(t, '[MASK]'));
    const plain = targets.map((t) => t.text);
    const t4 = pages.transformers4;
    await t4.evaluate(({ id, masked, plain }) => (window as unknown as Api).baseline.loadSense(id, 'q8', masked, plain), { id: models.bert.id, masked, plain });
    let round = 1000;
    await must(s, pageSenseRequest(++round));
    const sense: Record<'sesame' | 'naive', number[]> = { sesame: [], naive: [] };
    await interleave(Math.max(1, Math.ceil(rounds / 2)), {
      sesame: async () => sense.sesame.push((await must(s, pageSenseRequest(++round))).ms),
      naive: async () =>
        sense.naive.push(await t4.evaluate(({ masked, plain }) => (window as unknown as Api).baseline.sense(masked, plain), { masked, plain })),
    });
    await t4.evaluate(() => (window as unknown as Api).baseline.release());
    return {
      pages: info,
      completion,
      sense: { model: models.bert.id, dtype: 'q8', occurrences: targets.length, ms: Object.fromEntries(Object.entries(sense).map(([k, v]) => [k, sample(v)])) },
    };
  } finally {
    for (const p of Object.values(pages)) await p.close().catch(() => undefined);
  }
}

/**
 * Completion timings. Besides the streamed partials (what a client sees), the decoding rate is
 * taken as (N − 1) / (time for N tokens − time for 1 token), which holds however the partials
 * are delivered.
 */
async function generation(s: Session, runs: number) {
  const req = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
  await must(s, req(COMPLETION_TOKENS));
  const one: number[] = [];
  const full: Reply[] = [];
  for (let i = 0; i < runs; i++) {
    one.push((await must(s, req(1))).ms);
    full.push(await must(s, req(COMPLETION_TOKENS)));
  }
  const g = genFrom(full);
  const n = g.partials;
  return {
    ...g,
    oneTokenMs: sample(one),
    // per round, and the figure from the medians (the one the table shows; robust to one slow run)
    tokensPerSec: {
      ...sample(
        full.map((r, i) => decodingRate(n, r.ms, one[i]!)),
        'tok/s',
      ),
      median: decodingRate(n, median(full.map((r) => r.ms)), median(one)),
    },
  };
}

/** How the host decodes with a loaded GPT model (Sesame's step or the graph's, and why). */
async function decoderOf(s: Session, id: string): Promise<string | null> {
  const loaded = ((await must(s, { type: 'status' })).result?.loaded as { id: string; decoder?: string }[] | undefined) ?? [];
  return loaded.find((m) => m.id === id)?.decoder ?? null;
}

export function genFrom(replies: Reply[]): { ttftMs: Sample; partialsPerSec: Sample; totalMs: Sample; partials: number; text: string } {
  return {
    ttftMs: sample(replies.map((r) => r.firstPartialMs ?? r.ms)),
    partialsPerSec: sample(
      replies.map((r) =>
        r.partials < 2 || r.lastPartialMs === null || r.firstPartialMs === null ? Number.NaN : ((r.partials - 1) * 1000) / (r.lastPartialMs - r.firstPartialMs),
      ),
      'tok/s',
    ),
    totalMs: sample(replies.map((r) => r.ms)),
    partials: median(replies.map((r) => r.partials)),
    text: String((replies.at(-1)?.result?.alternatives as string[] | undefined)?.[0] ?? ''),
  };
}

export async function runBrowserBench(o: BrowserOptions): Promise<Record<string, unknown>> {
  const R = repeats(o.quick, o.repeats);
  const models = modelSet(o.quick, o.layout);
  settleMs = o.quick ? 300 : 2000;
  const t0 = Date.now();
  const log = (m: string): void => console.error(`[browser ${((Date.now() - t0) / 1000).toFixed(0)} s] ${m}`);
  const hub = (await startHubServer({ root: o.hubRoot })) as { url: string; close(): Promise<void> };
  const profile = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
  const out: Record<string, unknown> = { load1Start: load1(), chromium: CHROMIUM };
  const targets = senseTargets();
  const senseReq = (i: number): ToolRequest => ({ type: 'sense', text: targets[i]!.text, start: targets[i]!.start, end: targets[i]!.end, topK: 10 });
  const zhAt = ZH_TEXT.indexOf(ZH_WORD);
  const zhReq: ToolRequest = { type: 'sense', text: ZH_TEXT, start: zhAt, end: zhAt + ZH_WORD.length, topK: 10 };
  const completeReq = (maxNewTokens: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens, alternatives: 1, temperature: 0 });
  // No field key: every ghost request is a fresh prompt (a field's cached keys/values would make
  // repeats measure only the reuse path, which the Node rows measure separately).
  const ghostReq: ToolRequest = { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
  const clozeReq: ToolRequest = { type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' };
  const base = { hubUrl: hub.url, backend: 'wasm' as const, mlm: models.bert, zh: models.ernie, gpt: models.distilgpt2 };
  const clientServer = createServer(
    (_req, res) =>
      void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>client</title><p>Sesame benchmark client page.</p>'),
  );
  await new Promise<void>((ok) => clientServer.listen(0, '127.0.0.1', ok));
  const ca = clientServer.address();
  const clientUrl = `http://127.0.0.1:${typeof ca === 'object' && ca ? ca.port : 0}/client.html`;
  const ps = await pageServer(o.quick, o.pagesDir);
  let s = await launch(o.extDir, profile, false, clientUrl);
  /**
   * A new browser on the same profile (models stay in its Cache API): a closed offscreen document
   * that held GBs is torn down on the extension process's main thread, which would otherwise slow
   * whatever runs next there. The client page's own start-up requests create an empty offscreen
   * document; it is closed, so the measured request starts from none, as a first lookup does.
   */
  const fresh = async (): Promise<void> => {
    if (o.quick) return closeHost(s); // tiny models: nothing heavy to tear down
    await s.context.close().catch(() => undefined);
    s = await launch(o.extDir, profile, false, clientUrl);
    await findTarget(s.port, (x) => x.url.endsWith('/offscreen.html'), 10_000).catch(() => undefined);
    await closeHost(s, 500);
  };
  try {
    const version = await s.context.browser()?.version();
    out.browserVersion = version ?? (await s.page.evaluate(() => navigator.userAgent));

    // ------------------------------------------------------------ downloads into the Cache API
    log('first downloads (hub → Cache API)');
    const prime: [SettingsFor, ToolRequest][] = [
      [{ ...base, dtype: 'q8' }, senseReq(0)],
      [{ ...base, dtype: 'q8' }, zhReq],
      [{ ...base, dtype: 'q8' }, completeReq(2)],
      ...(models.gpt2 ? ([[{ ...base, gpt: models.gpt2, dtype: 'q8' }, completeReq(2)]] as [SettingsFor, ToolRequest][]) : []),
      [{ ...base, dtype: 'fp32' }, senseReq(0)],
      [{ ...base, dtype: 'fp32' }, completeReq(2)],
    ];
    const downloads: { model: string; dtype: string; ms: number }[] = [];
    for (const [settings, r] of prime) {
      if (!o.quick) await closeHost(s); // keep memory down: one model per document
      await setSettings(s, settings);
      const reply = await must(s, r);
      downloads.push({ model: (reply.result?.model as string) ?? '?', dtype: settings.dtype, ms: reply.ms });
    }
    out.downloads = downloads;

    // ------------------------------------------------------------ cold start and memory
    log('cold start and memory: a fresh browser (models cached) per measurement');
    await fresh();
    await must(s, { type: 'status' });
    const empty = await memory(s);
    const coldList: [string, SettingsFor, ToolRequest][] = [
      ['sense', { ...base, dtype: 'q8' }, senseReq(0)],
      ['sense', { ...base, dtype: 'q8' }, zhReq],
      ['complete', { ...base, dtype: 'q8' }, completeReq(8)],
      ...(models.gpt2 ? ([['complete', { ...base, gpt: models.gpt2, dtype: 'q8' }, completeReq(8)]] as [string, SettingsFor, ToolRequest][]) : []),
      ...(o.quick
        ? []
        : ([
            ['sense', { ...base, dtype: 'fp32' }, senseReq(0)],
            ['complete', { ...base, dtype: 'fp32' }, completeReq(8)],
          ] as [string, SettingsFor, ToolRequest][])),
    ];
    const cold: Record<string, unknown>[] = [];
    for (const [tool, settings, r] of coldList) {
      const firsts: number[] = [];
      const warms: number[] = [];
      const starts: number[] = [];
      let mem: Memory | null = null;
      let model = '';
      for (let i = 0; i < (o.quick ? 1 : 2); i++) {
        await setSettings(s, settings);
        await fresh();
        const first = await must(s, r);
        warms.push((await must(s, r)).ms);
        firsts.push(first.ms);
        model = String(first.result?.model);
        starts.push(Number((await must(s, { type: 'status' })).result?.hostStartMs));
        mem = await memory(s);
      }
      cold.push({ model, dtype: settings.dtype, tool, firstResultMs: sample(firsts), warmMs: sample(warms), hostStartMs: sample(starts), memory: mem });
    }
    out.cold = { emptyHost: empty, models: cold };

    // ------------------------------------------------------------ threads × dtype, and the main rows
    const configs = [
      { threads: 1, dtype: 'q8' as const, main: true },
      { threads: 2, dtype: 'q8' as const, main: false },
      { threads: 1, dtype: 'fp32' as const, main: false },
      { threads: 2, dtype: 'fp32' as const, main: false },
      { threads: 1, dtype: 'q4' as const, main: false },
      // Sesame's kernels without worker threads: a document that sees one core makes none.
      { threads: 1, dtype: 'q8' as const, main: false, kernelAlone: true },
    ]
      .filter((c) => !o.quick || c.main || c.dtype === 'q4' || c.kernelAlone || (c.threads === 2 && c.dtype === 'fp32'))
      .filter((c) => c.dtype !== 'q4' || hasQ4(models.distilgpt2.id));
    const matrix: Record<string, unknown>[] = [];
    let pageRound = 0;
    const wasmFp32: { substitutes?: Scored[]; text?: string } = {};
    for (const c of configs) {
      log(`WASM ${c.threads} thread(s), ${c.dtype}${c.main ? ' (+ main rows)' : ''}${c.kernelAlone ? ", Sesame's kernels alone" : ''}`);
      await setSettings(s, { ...base, dtype: c.dtype });
      await fresh();
      await must(s, { type: 'status' });
      const cdp = await offscreen(s);
      try {
        // onnxruntime-web sizes its thread pool from navigator.hardwareConcurrency (half the
        // cores, at most 4) when it first starts; the host sets no numThreads of its own. So do
        // Sesame's kernel threads (half the cores, at most 3 workers) on the first model load.
        await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: c.kernelAlone ? 1 : 2 * c.threads });
        const status = (await must(s, { type: 'status' })).result!;
        const sense0 = await must(s, senseReq(0));
        const clozeFirst = await must(s, clozeReq);
        const blanks = (clozeFirst.result?.blanks as { start: number; end: number }[]) ?? [];
        const row: Record<string, unknown> = {
          threads: c.threads,
          dtype: c.dtype,
          ...(c.kernelAlone ? { kernelAlone: true } : {}),
          reportedThreads: status.threads,
          crossOriginIsolated: status.crossOriginIsolated,
          hardwareConcurrencySeen: status.hardwareConcurrency,
        };
        if (c.main) {
          const batched: number[] = [];
          const each: number[] = [];
          for (let i = 0; i < R.browserSlow; i++) {
            batched.push((await must(s, clozeReq)).ms);
            each.push(await sequence(s, perBlankRequests(blanks, ++pageRound)));
          }
          row.cloze = { blanks: blanks.length, batched: sample(batched), perBlank: sample(each) };
          // The page's sense request: fresh (a new round defeats the host's vector cache) and cached.
          const senseAll: number[] = [];
          const senseCached: number[] = [];
          await must(s, pageSenseRequest(0));
          for (let i = 0; i < R.browserSlow; i++) {
            senseAll.push((await must(s, pageSenseRequest(++pageRound))).ms);
            senseCached.push((await must(s, pageSenseRequest(0))).ms);
          }
          row.senseAll = sample(senseAll);
          row.senseCached = sample(senseCached);
          row.sense1 = sample([sense0.ms]);
        } else {
          const times: number[] = [];
          for (let i = 0; i < R.browserFast; i++) times.push((await must(s, clozeReq)).ms);
          row.cloze = { blanks: blanks.length, batched: sample(times) };
        }
        row.completion = { model: models.distilgpt2.id, ...(await generation(s, R.browserFast)) };
        row.decoder = await decoderOf(s, models.distilgpt2.id);
        if (c.dtype === 'fp32' && c.threads === 1 && o.webgpu) {
          wasmFp32.substitutes = sense0.result?.substitutes as Scored[];
          const short = await must(s, completeReq(WEBGPU_TOKENS));
          wasmFp32.text = String((short.result?.alternatives as string[] | undefined)?.[0] ?? '');
        }
        if (c.main) {
          await must(s, ghostReq);
          const ghosts: Reply[] = [];
          for (let i = 0; i < R.browserFast; i++) ghosts.push(await must(s, ghostReq));
          row.ghost = genFrom(ghosts);
          const fromPage: Reply[] = [];
          for (let i = 0; i < R.browserFast; i++) fromPage.push(await requestFromExtensionPage(s, ghostReq));
          row.ghostFromExtensionPage = genFrom(fromPage);
          if (models.gpt2) {
            await setSettings(s, { ...base, gpt: models.gpt2, dtype: c.dtype });
            row.completionGpt2 = { model: models.gpt2.id, ...(await generation(s, R.browserFast)), decoder: await decoderOf(s, models.gpt2.id) };
          }
        }
        matrix.push(row);
      } finally {
        cdp.close();
      }
    }
    out.matrix = matrix;
    await fresh();
    out.baselines = await baselines(s, o, ps.url, hub.url, base, R.browserFast, log);
    await fresh();

    // ------------------------------------------------------------ WASM MatMul peak
    log('MatMul peaks (onnxruntime-web WASM in a cross-origin-isolated page)');
    const shape = matmulShape(o.quick);
    const peaks: (PeakResult & { isolated: boolean })[] = [];
    for (const kind of ['fp32', 'int8'] as const) {
      for (const threads of o.quick ? [1] : [1, 2]) {
        const r = await inBenchPage(
          s,
          `${ps.url}/mm.html`,
          ({ kind, threads, runs, m, k }) => (window as unknown as PeakPage).peak(kind, threads, runs, m, k),
          {
            kind,
            threads,
            runs: o.quick ? 3 : 12,
            m: shape.m,
            k: shape.k,
          },
        );
        peaks.push({ ...peakOf(shape, kind, r.threads, r.ms), isolated: r.isolated });
      }
    }
    out.peak = { shape, flopsPerRun: matmulFlops(shape), wasm: peaks };

    log("int8 matrix-vector rate (onnxruntime-web, Sesame's kernel)");
    const gemv = gemvShape(o.quick);
    const gemvRuns = o.quick ? 5 : 24;
    const gemvPeaks: (PeakResult & { runtime: 'onnxruntime-web' | 'sesame-kernel' })[] = [];
    for (const threads of o.quick ? [1] : [1, 2]) {
      const r = await onnxGemvIn(s, ps.url, gemv, gemvRuns, threads);
      gemvPeaks.push({ ...peakOf(gemv, 'int8', r.threads, r.ms), runtime: 'onnxruntime-web' });
    }
    // Alone, and with one worker: the offscreen document's split on this machine's cores.
    for (const workers of [0, 1]) {
      const r = await kernelGemvIn(s, ps.url, gemv, gemvRuns, workers);
      gemvPeaks.push({ ...peakOf(gemv, 'int8', r.threads, r.ms), runtime: 'sesame-kernel' });
    }
    out.gemv = { shape: gemv, wasm: gemvPeaks };
    await s.context.close();

    // ------------------------------------------------------------ WebGPU (SwiftShader): correctness only
    if (o.webgpu) {
      log('WebGPU via SwiftShader (CPU-emulated): correctness check');
      s = await launch(o.extDir, profile, true, clientUrl);
      await setSettings(s, { ...base, dtype: 'fp32', backend: 'webgpu' });
      const w: Record<string, unknown> = {};
      try {
        const sense = await must(s, senseReq(0));
        const senseWarm = await must(s, senseReq(0));
        const gen = await must(s, completeReq(WEBGPU_TOKENS));
        const status = (await must(s, { type: 'status' })).result!;
        const gpuSubs = (sense.result?.substitutes as Scored[]) ?? [];
        const cpuSubs = wasmFp32.substitutes ?? [];
        const cpuText = wasmFp32.text ?? '';
        const gpuText = String((gen.result?.alternatives as string[] | undefined)?.[0] ?? '');
        let maxScoreDiff = 0;
        for (const g of gpuSubs) {
          const c = cpuSubs.find((x) => x.text === g.text);
          if (c) maxScoreDiff = Math.max(maxScoreDiff, Math.abs(c.score - g.score));
        }
        Object.assign(w, {
          backend: status.backend,
          backendNote: status.backendNote ?? null,
          adapter: status.webgpuAdapter,
          senseBackend: sense.result?.backend,
          top5Same: JSON.stringify(gpuSubs.slice(0, 5).map((x) => x.text)) === JSON.stringify(cpuSubs.slice(0, 5).map((x) => x.text)),
          top10Overlap: gpuSubs.filter((g) => cpuSubs.some((c) => c.text === g.text)).length,
          maxScoreDiff,
          completionSame: gpuText === cpuText,
          completionCommonPrefixChars: commonPrefix(gpuText, cpuText),
          gpuTopSubstitutes: gpuSubs.slice(0, 5).map((x) => x.text),
          wasmTopSubstitutes: cpuSubs.slice(0, 5).map((x) => x.text),
          emulatedMs: { senseFirst: sense.ms, senseWarm: senseWarm.ms, completion: gen.ms },
          completionTokens: WEBGPU_TOKENS,
        });
      } catch (e) {
        w.error = (e as Error).message;
      }
      out.webgpu = w;
    } else {
      out.webgpu = { skipped: o.quick ? 'skipped in --quick (pass --webgpu to run it)' : 'skipped (--no-webgpu)' };
    }
    out.word = SENSE_WORD;
    out.load1End = load1();
    return out;
  } finally {
    await s.context.close().catch(() => undefined);
    await hub.close();
    clientServer.close();
    ps.server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export interface ProfileOptions {
  layout?: FixtureLayout;
  hubRoot: string;
  extDir: string;
  /** Where the .cpuprofile (open in Chrome DevTools → Performance) and a summary go. */
  out: string;
  /** `bert`: a warm sense lookup of one use (no other uses, no glosses) instead of a completion. */
  gpt: 'distilgpt2' | 'gpt2' | 'bert';
  dtype: 'q8' | 'fp32';
  /** Requests the document serves first, in order (the main row's sequence, or part of it): see PROFILE_STEPS. */
  after?: string[];
}

/**
 * What a document may have served before the profiled completion. With all of them, in this order,
 * it is the state the main row measures gpt2 in.
 */
const PROFILE_STEPS = ['emulate', 'sense', 'cloze', 'page', 'distilgpt2', 'ghost', 'extpage'] as const;

/**
 * A CPU profile of one 32-token completion in the offscreen host, with the self time per
 * function summed: where a decoding step's time goes in the browser.
 */
export async function runProfile(o: ProfileOptions): Promise<Record<string, unknown>> {
  const models = modelSet(false, o.layout);
  const hub = (await startHubServer({ root: o.hubRoot })) as { url: string; close(): Promise<void> };
  const profile = mkdtempSync(join(tmpdir(), 'sesame-profile-'));
  const clientServer = createServer(
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>client</title>'),
  );
  await new Promise<void>((ok) => clientServer.listen(0, '127.0.0.1', ok));
  const ca = clientServer.address();
  const clientUrl = `http://127.0.0.1:${typeof ca === 'object' && ca ? ca.port : 0}/client.html`;
  const s = await launch(o.extDir, profile, false, clientUrl);
  const held: Cdp[] = [];
  try {
    const unknown = (o.after ?? []).filter((x) => !(PROFILE_STEPS as readonly string[]).includes(x));
    if (unknown.length) throw new Error(`--after: unknown step(s) ${unknown.join(', ')}; known: ${PROFILE_STEPS.join(', ')}`);
    const settings = (gpt: ModelSpec): SettingsFor => ({ hubUrl: hub.url, backend: 'wasm', dtype: o.dtype, mlm: models.bert, zh: models.ernie, gpt });
    const target = models[o.gpt] ?? models.distilgpt2;
    await setSettings(s, settings(target));
    const req = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
    const steps = await profileSteps(
      s,
      o.after ?? [],
      held,
      () => setSettings(s, settings(models.distilgpt2)),
      () => setSettings(s, settings(target)),
    );
    if (o.gpt === 'bert') return await profileSense(s, o, steps);
    await must(s, req(COMPLETION_TOKENS));
    const ones: number[] = [];
    const fulls: number[] = [];
    for (let i = 0; i < 3; i++) {
      ones.push((await must(s, req(1))).ms);
      fulls.push((await must(s, req(COMPLETION_TOKENS))).ms);
    }
    const one = { ms: median(ones) };
    const plain = { ms: median(fulls) };
    const cdp = await offscreen(s);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
    const profiled = await must(s, req(COMPLETION_TOKENS));
    const { profile: cpu } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
    cdp.close();
    writeFileSync(`${o.out}.cpuprofile`, JSON.stringify(cpu));
    const status = (await must(s, { type: 'status' })).result as { loaded?: { id: string; layers?: string }[] } | undefined;
    const summary = {
      model: o.gpt,
      dtype: o.dtype,
      graph: status?.loaded?.map((m) => `${m.id}: ${m.layers ?? '?'}`),
      after: steps,
      oneTokenMs: one.ms,
      fullMs: plain.ms,
      tokensPerSec: decodingRate(COMPLETION_TOKENS, plain.ms, one.ms),
      profiledMs: profiled.ms,
      selfMs: selfTimes(cpu).slice(0, 40),
    };
    writeFileSync(`${o.out}.json`, JSON.stringify(summary, null, 1));
    return summary;
  } finally {
    for (const c of held) c.close();
    await s.context.close().catch(() => undefined);
    await hub.close();
    clientServer.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The `--profile bert` run: warm lookups of one use each (new text every time, so no cached vectors), profiled together. */
async function profileSense(s: Session, o: ProfileOptions, steps: { step: string; ms: number }[]): Promise<Record<string, unknown>> {
  const lookup = (i: number): ToolRequest => {
    const text = `(${i}) ${SENSE_SENTENCES[i % SENSE_SENTENCES.length]}`;
    return { type: 'sense', text, start: text.indexOf(SENSE_WORD), end: text.indexOf(SENSE_WORD) + SENSE_WORD.length, glosses: false };
  };
  await must(s, lookup(0));
  const warm: number[] = [];
  for (let i = 1; i <= 5; i++) warm.push((await must(s, lookup(i))).ms);
  const cdp = await offscreen(s);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const profiled: number[] = [];
  for (let i = 6; i <= 15; i++) profiled.push((await must(s, lookup(i))).ms);
  const { profile: cpu } = await cdp.send<{ profile: CpuProfile }>('Profiler.stop');
  cdp.close();
  writeFileSync(`${o.out}.cpuprofile`, JSON.stringify(cpu));
  const summary = { model: 'bert', dtype: o.dtype, after: steps, lookupMs: median(warm), profiledMs: profiled, selfMs: selfTimes(cpu).slice(0, 40) };
  writeFileSync(`${o.out}.json`, JSON.stringify(summary, null, 1));
  return summary;
}

/** Runs the steps before a profile; returns each one's time. */
async function profileSteps(
  s: Session,
  steps: string[],
  held: Cdp[],
  useDistil: () => Promise<void>,
  useTarget: () => Promise<void>,
): Promise<{ step: string; ms: number }[]> {
  const targets = senseTargets();
  const ghostReq: ToolRequest = { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
  const clozeReq: ToolRequest = { type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' };
  const done: { step: string; ms: number }[] = [];
  let round = 0;
  for (const step of steps) {
    const t = Date.now();
    if (step === 'emulate') {
      // as the main row: the document is open, a DevTools session stays attached with the core count set
      await must(s, { type: 'status' });
      const cdp = await offscreen(s);
      held.push(cdp);
      await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 2 });
    } else if (step === 'sense') {
      await must(s, { type: 'sense', text: targets[0]!.text, start: targets[0]!.start, end: targets[0]!.end, topK: 10 });
    } else if (step === 'cloze') {
      const first = await must(s, clozeReq);
      const blanks = (first.result?.blanks as { start: number; end: number }[]) ?? [];
      for (let i = 0; i < 3; i++) {
        await must(s, clozeReq);
        await sequence(s, perBlankRequests(blanks, ++round));
      }
    } else if (step === 'page') {
      await must(s, pageSenseRequest(0));
      for (let i = 0; i < 3; i++) {
        await must(s, pageSenseRequest(++round));
        await must(s, pageSenseRequest(0));
      }
    } else if (step === 'distilgpt2') {
      await useDistil();
      await generation(s, 3);
      await useTarget();
    } else if (step === 'ghost' || step === 'extpage') {
      await useDistil();
      for (let i = 0; i < 6; i++) await (step === 'ghost' ? must(s, ghostReq) : requestFromExtensionPage(s, ghostReq));
      await useTarget();
    }
    done.push({ step, ms: Date.now() - t });
  }
  return done;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

export function selfTimes(p: CpuProfile): { fn: string; ms: number }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    totals.set(key, (totals.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 })).sort((a, b) => b.ms - a.ms);
}

/** The extension in a Chromium of its own, for rounds interleaved with another browser (bench/firefox-bench.ts). */
export interface ChromiumClient {
  version: string;
  /** Sends a request from the content script's world of a web page, as the product does; throws on an error. */
  must(r: ToolRequest): Promise<Reply>;
  /** Requests one after the other from the content script; the whole time. */
  sequence(rs: ToolRequest[]): Promise<number>;
  use(settings: SettingsFor): Promise<void>;
  close(): Promise<void>;
}

export async function chromiumClient(extDir: string): Promise<ChromiumClient> {
  const profile = mkdtempSync(join(tmpdir(), 'sesame-bench-'));
  const clientServer = createServer(
    (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>client</title>'),
  );
  await new Promise<void>((ok) => clientServer.listen(0, '127.0.0.1', ok));
  const ca = clientServer.address();
  const s = await launch(extDir, profile, false, `http://127.0.0.1:${typeof ca === 'object' && ca ? ca.port : 0}/client.html`);
  return {
    version: (await s.context.browser()?.version()) ?? (await s.page.evaluate(() => navigator.userAgent)),
    must: (r) => must(s, r),
    sequence: (rs) => sequence(s, rs),
    use: (settings) => setSettings(s, settings),
    close: async () => {
      await s.context.close().catch(() => undefined);
      clientServer.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

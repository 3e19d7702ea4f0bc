// The Firefox column: the MV2 build (.output/firefox-mv2) in Debian's firefox-esr, headless, driven
// over WebDriver BiDi by the e2e suite's own driver (tests/e2e/driver/firefox.ts). Firefox hosts
// the models in its background page, which is not cross-origin isolated: onnxruntime-web runs one
// thread and Sesame's int8 kernels get no worker threads. Requests go from an extension page
// (options.html: BiDi cannot reach a content script's world), so a streamed partial waits for the
// inference like Chromium's "from an extension page" row; the decoding rate, taken as
// 31 / (32-token request − 1-token request), does not depend on that.
import type { ModelSpec, ToolRequest } from '@/models/protocol';
import { launchFirefox } from '@/tests/e2e/driver/firefox';
import type { HubServer } from '@/tests/e2e/harness';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import { benchSettings, decodingRate, genFrom, type Reply, type SettingsFor } from './browser-bench';
import { load1, median, sample } from './stats';
import {
  CLOZE_BLANKS,
  CLOZE_PASSAGE,
  COMPLETION_PROMPT,
  COMPLETION_TOKENS,
  type FixtureLayout,
  GHOST_TOKENS,
  modelSet,
  pageSenseRequest,
  perBlankRequests,
  repeats,
} from './workloads';

export interface FirefoxOptions {
  quick: boolean;
  layout?: FixtureLayout;
  hubRoot: string;
  repeats?: number;
}

const LONG = 15 * 60_000;

/**
 * Runs in the extension page (serialised by the driver's `ext`, `chrome` is Firefox's `browser`):
 * the requests one after the other over one port, each timed from send to answer, partials included.
 */
function runInPage({ requests, timeoutMs }: { requests: ToolRequest[]; timeoutMs: number }): Promise<{ replies: Reply[]; ms: number }> {
  const port = chrome.runtime.connect({ name: 'sesame' });
  const t0 = performance.now();
  const one = (request: ToolRequest, n: number): Promise<Reply> =>
    new Promise((resolve) => {
      const id = `ff${n}-${Math.random().toString(36).slice(2, 8)}`;
      const partials: number[] = [];
      const start = performance.now();
      const done = (m: { kind: 'result' | 'error'; result?: Record<string, unknown>; error?: { code: string; message: string } }): void => {
        clearTimeout(timer);
        port.onMessage.removeListener(listen);
        const t = performance.now();
        resolve({
          kind: m.kind,
          ms: t - start,
          firstPartialMs: partials.length ? partials[0]! - start : null,
          lastPartialMs: partials.length ? partials[partials.length - 1]! - start : null,
          partials: partials.length,
          ...(m.result ? { result: m.result } : {}),
          ...(m.error ? { error: m.error } : {}),
        });
      };
      const timer = setTimeout(() => done({ kind: 'error', error: { code: 'timeout', message: 'no answer' } }), timeoutMs);
      const listen = (raw: unknown): void => {
        const m = raw as { id: string; kind: string; result?: Record<string, unknown>; error?: { code: string; message: string } };
        if (m.id !== id) return;
        if (m.kind === 'partial') partials.push(performance.now());
        else if (m.kind === 'result' || m.kind === 'error') done(m as Parameters<typeof done>[0]);
      };
      port.onMessage.addListener(listen);
      port.postMessage({ kind: 'request', id, request });
    });
  return (async () => {
    const replies: Reply[] = [];
    for (let i = 0; i < requests.length; i++) {
      const r = await one(requests[i]!, i);
      replies.push(r);
      if (r.kind !== 'result') break;
    }
    port.disconnect();
    return { replies, ms: performance.now() - t0 };
  })();
}

export async function runFirefoxBench(o: FirefoxOptions): Promise<Record<string, unknown>> {
  const R = repeats(o.quick, o.repeats);
  const models = modelSet(o.quick, o.layout);
  const t0 = Date.now();
  const log = (m: string): void => console.error(`[firefox ${((Date.now() - t0) / 1000).toFixed(0)} s] ${m}`);
  const hub = (await startHubServer({ root: o.hubRoot })) as HubServer;
  const out: Record<string, unknown> = { load1Start: load1() };
  const d = await launchFirefox({ hub });
  try {
    const seq = async (requests: ToolRequest[]): Promise<{ replies: Reply[]; ms: number }> => {
      const r = await d.ext(runInPage, { requests, timeoutMs: LONG });
      const failed = r.replies.find((x) => x.kind !== 'result');
      if (failed) throw new Error(`firefox: ${failed.error?.code}: ${failed.error?.message}`);
      return r;
    };
    const must = async (request: ToolRequest): Promise<Reply> => (await seq([request])).replies[0]!;
    const use = (gpt: ModelSpec): Promise<void> => {
      const s: SettingsFor = { hubUrl: hub.url, dtype: 'q8', backend: 'wasm', mlm: models.bert, zh: models.ernie, gpt };
      return d.ext((settings) => chrome.storage.local.set({ settings }), benchSettings(s));
    };
    out.browserVersion = await d.ext(async () => {
      const info = await (chrome.runtime as unknown as { getBrowserInfo(): Promise<{ name: string; version: string }> }).getBrowserInfo();
      return `${info.name} ${info.version}`;
    });
    await use(models.distilgpt2);
    const status = (await must({ type: 'status' })).result!;
    out.host = { crossOriginIsolated: status.crossOriginIsolated, threads: status.threads, hardwareConcurrency: status.hardwareConcurrency, backend: status.backend };

    log(`first downloads (hub → Cache API) and sense: ${models.bert.id}`);
    const first = await must(pageSenseRequest(0));
    out.firstSenseMs = first.ms;
    out.senseModel = models.bert.id;
    let round = 2000;
    const senseAll: number[] = [];
    const senseCached: number[] = [];
    for (let i = 0; i < R.browserSlow; i++) {
      senseAll.push((await must(pageSenseRequest(++round))).ms);
      senseCached.push((await must(pageSenseRequest(0))).ms);
    }
    out.senseAll = sample(senseAll);
    out.senseCached = sample(senseCached);

    log('cloze: one request against one sense request per blank');
    const clozeReq: ToolRequest = { type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' };
    const blanks = ((await must(clozeReq)).result?.blanks as { start: number; end: number }[]) ?? [];
    const batched: number[] = [];
    const each: number[] = [];
    for (let i = 0; i < R.browserSlow; i++) {
      batched.push((await must(clozeReq)).ms);
      each.push((await seq(perBlankRequests(blanks, ++round))).ms);
    }
    out.cloze = { blanks: blanks.length, batched: sample(batched), perBlank: sample(each) };

    const req = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
    const completion: Record<string, unknown>[] = [];
    for (const gpt of [models.distilgpt2, ...(models.gpt2 ? [models.gpt2] : [])]) {
      log(`completion: ${gpt.id}`);
      await use(gpt);
      await must(req(COMPLETION_TOKENS));
      const one: number[] = [];
      const full: Reply[] = [];
      for (let i = 0; i < R.browserFast; i++) {
        one.push((await must(req(1))).ms);
        full.push(await must(req(COMPLETION_TOKENS)));
      }
      const loaded = ((await must({ type: 'status' })).result?.loaded as { id: string; decoder?: string }[] | undefined) ?? [];
      completion.push({
        model: gpt.id,
        ...genFrom(full),
        oneTokenMs: sample(one),
        tokensPerSec: { ...sample(full.map((r, i) => decodingRate(COMPLETION_TOKENS, r.ms, one[i]!)), 'tok/s'), median: decodingRate(COMPLETION_TOKENS, median(full.map((r) => r.ms)), median(one)) },
        decoder: loaded.find((m) => m.id === gpt.id)?.decoder ?? null,
      });
    }
    out.completion = completion;

    log('ghost text request (from the extension page)');
    await use(models.distilgpt2);
    const ghostReq: ToolRequest = { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
    await must(ghostReq);
    const ghosts: Reply[] = [];
    for (let i = 0; i < R.browserFast; i++) ghosts.push(await must(ghostReq));
    out.ghostFromExtensionPage = genFrom(ghosts);
    out.load1End = load1();
    return out;
  } finally {
    await d.close();
    await hub.close();
  }
}

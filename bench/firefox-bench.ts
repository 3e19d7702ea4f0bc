// The Firefox rows: the MV2 build (.output/firefox-mv2) in Debian's firefox-esr, headless, driven
// over WebDriver BiDi by the e2e suite's own driver (tests/e2e/driver/firefox.ts), each request
// interleaved round by round with the same request to the Chromium build in a Chromium of its own
// (this machine is shared: load then falls on both alike, and the ratio holds). Firefox hosts
// the models in its background page, which is not cross-origin isolated: onnxruntime-web runs one
// thread and Sesame's int8 kernels get no worker threads. Requests go from an extension page
// (options.html: BiDi cannot reach a content script's world), so a streamed partial waits for the
// inference like Chromium's "from an extension page" row; the decoding rate, taken as
// 31 / (32-token request − 1-token request), does not depend on that.
import type { ModelSpec, ToolRequest } from '@/models/shared/protocol';
import { launchFirefox } from '@/tests/e2e/driver/firefox';
import type { HubServer } from '@/tests/e2e/harness';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '@/tests/support/hub-server.mjs';
import { benchSettings, chromiumClient, decodingRate, genFrom, type Reply, type SettingsFor } from './browser-bench';
import { interleave, load1, median, sample } from './stats';
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
  /** The Chromium build (the bench's snapshot of .output/chrome-mv3) whose rounds are interleaved with Firefox's. */
  extDir: string;
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

/** One browser's extension, as the rounds below use it. */
interface Side {
  must(r: ToolRequest): Promise<Reply>;
  /** Requests one after the other; the whole time. */
  sequence(rs: ToolRequest[]): Promise<number>;
  use(settings: SettingsFor): Promise<void>;
}

type Both<T> = Record<'firefox' | 'chromium', T>;

export async function runFirefoxBench(o: FirefoxOptions): Promise<Record<string, unknown>> {
  const R = repeats(o.quick, o.repeats);
  const models = modelSet(o.quick, o.layout);
  const t0 = Date.now();
  const log = (m: string): void => console.error(`[firefox ${((Date.now() - t0) / 1000).toFixed(0)} s] ${m}`);
  const hub = (await startHubServer({ root: o.hubRoot })) as HubServer;
  const out: Record<string, unknown> = { load1Start: load1() };
  const d = await launchFirefox({ hub });
  const chromium = await chromiumClient(o.extDir);
  try {
    const seq = async (requests: ToolRequest[]): Promise<{ replies: Reply[]; ms: number }> => {
      const r = await d.ext(runInPage, { requests, timeoutMs: LONG });
      const failed = r.replies.find((x) => x.kind !== 'result');
      if (failed) throw new Error(`firefox: ${failed.error?.code}: ${failed.error?.message}`);
      return r;
    };
    const firefox: Side = {
      must: async (request) => (await seq([request])).replies[0]!,
      sequence: async (requests) => (await seq(requests)).ms,
      use: (settings) => d.ext((v) => chrome.storage.local.set({ settings: v }), benchSettings(settings)),
    };
    const sides: Both<Side> = { firefox, chromium };
    const settingsFor = (gpt: ModelSpec): SettingsFor => ({ hubUrl: hub.url, dtype: 'q8', backend: 'wasm', mlm: models.bert, zh: models.ernie, gpt });
    const use = async (gpt: ModelSpec): Promise<void> => void (await Promise.all(Object.values(sides).map((x) => x.use(settingsFor(gpt)))));
    /** `rounds` rounds of `fn` in each browser, the order rotating (stats.ts interleave); what `fn` returns, per browser. */
    const rounds = async <T>(n: number, fn: (side: Side) => Promise<T>): Promise<Both<T[]>> => {
      const got: Both<T[]> = { firefox: [], chromium: [] };
      await interleave(n, { firefox: async () => got.firefox.push(await fn(firefox)), chromium: async () => got.chromium.push(await fn(chromium)) });
      return got;
    };
    const per = <T, U>(b: Both<T>, f: (x: T) => U): Both<U> => ({ firefox: f(b.firefox), chromium: f(b.chromium) });

    out.browserVersion = await d.ext(async () => {
      const info = await (chrome.runtime as unknown as { getBrowserInfo(): Promise<{ name: string; version: string }> }).getBrowserInfo();
      return `${info.name} ${info.version}`;
    });
    out.chromiumVersion = chromium.version;
    await use(models.distilgpt2);
    const status = (await firefox.must({ type: 'status' })).result!;
    out.host = {
      crossOriginIsolated: status.crossOriginIsolated,
      threads: status.threads,
      hardwareConcurrency: status.hardwareConcurrency,
      backend: status.backend,
    };

    log(`downloads (hub → each browser's Cache API), then the page's sense request: ${models.bert.id}`);
    await Promise.all(Object.values(sides).map((x) => x.must(pageSenseRequest(0))));
    out.senseModel = models.bert.id;
    let round = 2000;
    out.senseAll = per(await rounds(R.browserSlow, async (x) => (await x.must(pageSenseRequest(++round))).ms), sample);
    out.senseCached = per(await rounds(R.browserSlow, async (x) => (await x.must(pageSenseRequest(0))).ms), sample);

    log('cloze: one request against one sense request per blank');
    const clozeReq: ToolRequest = { type: 'cloze', text: CLOZE_PASSAGE, blanks: CLOZE_BLANKS, seed: 1, lang: 'en' };
    const blanks = ((await firefox.must(clozeReq)).result?.blanks as { start: number; end: number }[]) ?? [];
    await chromium.must(clozeReq);
    const cloze = await rounds(R.browserSlow, async (x) => ({
      batched: (await x.must(clozeReq)).ms,
      perBlank: await x.sequence(perBlankRequests(blanks, ++round)),
    }));
    out.cloze = per(cloze, (v) => ({ blanks: blanks.length, batched: sample(v.map((c) => c.batched)), perBlank: sample(v.map((c) => c.perBlank)) }));

    const req = (n: number): ToolRequest => ({ type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: n, alternatives: 1, temperature: 0 });
    const completion: Record<string, unknown>[] = [];
    for (const gpt of [models.distilgpt2, ...(models.gpt2 ? [models.gpt2] : [])]) {
      log(`completion: ${gpt.id}`);
      await use(gpt);
      for (const x of Object.values(sides)) await x.must(req(COMPLETION_TOKENS));
      const runs = await rounds(R.browserFast, async (x) => ({ one: (await x.must(req(1))).ms, full: await x.must(req(COMPLETION_TOKENS)) }));
      const decoder = async (x: Side): Promise<string | null> =>
        (((await x.must({ type: 'status' })).result?.loaded as { id: string; decoder?: string }[] | undefined) ?? []).find((m) => m.id === gpt.id)?.decoder ??
        null;
      const stats = async (x: Side, v: { one: number; full: Reply }[]) => {
        const one = v.map((r) => r.one);
        const full = v.map((r) => r.full);
        return {
          ...genFrom(full),
          oneTokenMs: sample(one),
          tokensPerSec: {
            ...sample(
              full.map((r, i) => decodingRate(COMPLETION_TOKENS, r.ms, one[i]!)),
              'tok/s',
            ),
            median: decodingRate(COMPLETION_TOKENS, median(full.map((r) => r.ms)), median(one)),
          },
          decoder: await decoder(x),
        };
      };
      completion.push({ model: gpt.id, firefox: await stats(firefox, runs.firefox), chromium: await stats(chromium, runs.chromium) });
    }
    out.completion = completion;

    log('ghost-text request');
    await use(models.distilgpt2);
    const ghostReq: ToolRequest = { type: 'complete', prompt: COMPLETION_PROMPT, maxNewTokens: GHOST_TOKENS, temperature: 0 };
    for (const x of Object.values(sides)) await x.must(ghostReq);
    out.ghost = per(await rounds(R.browserFast, (x) => x.must(ghostReq)), genFrom);
    out.load1End = load1();
    return out;
  } finally {
    await chromium.close();
    await d.close();
    await hub.close();
  }
}

// The int8 kernels' relaxed-SIMD path (scripts/gemv-relaxed-wat.mjs) in Chromium's own engine:
// Node 20 has no relaxed SIMD, so the node suite checks the layout and corrections against the
// instruction's arithmetic in JavaScript (tests/support/relaxed-dots.ts), and this checks the
// instruction itself, on one thread and on the kernel threads, against the SIMD128 products;
// then the extension's encoder on it, over the hub's layout (reduce_range weights).
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
import { senseRequest } from '../support/kernel-checks';
import { memoryCache, nodeHost } from '../support/node-host';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';
import { CHROMIUM, extensionRequest, FIXTURE_MODELS, hostStatus, launch } from './harness';
import { RELAXED_CHECK_PASSES, serveRelaxedCheck } from './kernels/relaxed-check';

let pages: Awaited<ReturnType<typeof serveRelaxedCheck>>;
let browser: Browser;

beforeAll(async () => {
  pages = await serveRelaxedCheck();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
});

describe('relaxed SIMD in Chromium', () => {
  it('computes the SIMD128 products bit for bit on one thread and on the kernel threads; weights past 7 bits keep SIMD128', async () => {
    const page = await browser.newPage();
    await page.goto(pages.url);
    await page.waitForFunction(() => window.result !== undefined, undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => window.result)).toEqual(RELAXED_CHECK_PASSES);
  });
});

describe('relaxed SIMD in the extension', () => {
  it("runs the hub layout's encoder on it in the offscreen document, with the answer the node host gives on SIMD128", async () => {
    const tied: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased-tied', family: 'bert', dtype: 'q8' };
    const s = await launch({ settings: { models: { ...FIXTURE_MODELS, 'sense.en': { id: tied.id } } } });
    const hub: { url: string; close(): Promise<void> } = await startHubServer({ root: '.fixtures/hub' });
    try {
      const got = await extensionRequest<ResultOf<'sense'>>(s, senseRequest, 120_000);
      const bert = (await hostStatus(s)).loaded.find((m) => m.id === tied.id);
      expect(bert?.layers).toMatch(/passes in Sesame's kernels \(2 layers, relaxed SIMD\), no onnxruntime session/);
      const node = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true, sesameEncoder: () => true });
      const want = (await node.run(senseRequest, tied)).result as ResultOf<'sense'>;
      expect(got.substitutes.map((x) => x.text)).toEqual(want.substitutes.map((x) => x.text));
      got.substitutes.forEach((x, i) => expect(Math.abs(x.score - want.substitutes[i]!.score)).toBeLessThan(1e-5));
      expect(got.clusters?.map((c) => c.members)).toEqual(want.clusters?.map((c) => c.members));
    } finally {
      await s.close();
      await hub.close();
    }
  });
});

describe('a kernel image in the extension', () => {
  it('is kept in OPFS after a load, and a cold load (the document closed) reads it, lays nothing out and answers the same', async () => {
    const tied: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased-tied', family: 'bert', dtype: 'q8' };
    const s = await launch({ settings: { models: { ...FIXTURE_MODELS, 'sense.en': { id: tied.id } } } });
    try {
      const first = await extensionRequest<ResultOf<'sense'>>(s, senseRequest, 120_000);
      const head = async () => (await hostStatus(s)).loaded.find((m) => m.id === tied.id)?.head ?? '';
      await expect.poll(head, { timeout: 30_000 }).toMatch(/; kernel image kept for the next cold load$/);
      const sw = s.context.serviceWorkers()[0] ?? (await s.context.waitForEvent('serviceworker'));
      await sw.evaluate(() => chrome.offscreen.closeDocument());
      const cold = await extensionRequest<ResultOf<'sense'>>(s, senseRequest, 120_000);
      expect(cold).toEqual(first);
      const bert = (await hostStatus(s)).loaded.find((m) => m.id === tied.id);
      expect(bert?.head).toMatch(/kernel image read: nothing laid out/);
      expect(bert?.head).not.toMatch(/stored rewrite/);
      expect(bert?.layers).toMatch(/passes in Sesame's kernels \(2 layers, relaxed SIMD\), no onnxruntime session/);
    } finally {
      await s.close();
    }
  });
});

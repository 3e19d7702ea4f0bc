// First run: the welcome page opens on install, shows sizes before download, downloads only the
// chosen languages' models with a progress bar per file, confirms offline use, and its live demo
// runs the real model host.
import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Session } from './harness';

describe('first run', () => {
  let s: Session;
  let welcome: Page;
  beforeAll(async () => {
    s = await launch({ keepOnboarding: true });
    welcome =
      s.context.pages().find((p) => p.url().includes('/onboarding.html')) ??
      (await s.context.waitForEvent('page', { predicate: (p) => p.url().includes('/onboarding.html'), timeout: 30_000 }));
    await welcome.waitForLoadState();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('opens on install and downloads only the models of the languages the user reads', async () => {
    // Settings were written after the welcome page rendered: reload it with them.
    await welcome.reload();
    await welcome.locator('[data-testid=lang-en]').waitFor();
    if (!(await welcome.locator('[data-testid=lang-en]').isChecked())) await welcome.locator('[data-testid=lang-en]').check();
    if (await welcome.locator('[data-testid=lang-zh]').isChecked()) await welcome.locator('[data-testid=lang-zh]').uncheck();
    const ids = await welcome.locator('[data-testid=needed-models] td:first-child').allTextContents();
    expect(ids).toEqual(['sesame-fixtures/tiny-bert-uncased', 'sesame-fixtures/tiny-gpt2']);
    // Sizes before download come from the hub's file list: exactly the files the load fetches.
    const bytes = (id: string, files: string[]) => files.reduce((sum, f) => sum + statSync(`.fixtures/hub/${id}/${f}`).size, 0);
    const side = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
    const expected = [
      bytes('sesame-fixtures/tiny-bert-uncased', [...side, 'onnx/model_quantized.onnx']),
      bytes('sesame-fixtures/tiny-gpt2', [...side, 'generation_config.json', 'onnx/model_quantized.onnx']),
    ];
    const size = welcome.locator('[data-testid=model-size]');
    await expect.poll(() => size.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-exact'))), { timeout: 30_000 }).toEqual(['true', 'true']);
    expect(await size.evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-bytes'))))).toEqual(expected);
    expect(await size.allTextContents()).toEqual(expected.map((b) => `${(b / 1e6).toFixed(1)} MB`));
    expect(await welcome.locator('[data-testid=total-size]').textContent()).toBe(
      `${((expected[0]! + expected[1]!) / 1e6).toFixed(1)} MB to download (sizes from the model host's file list).`,
    );
    // Asked of the hub's API, before any model file was fetched.
    expect(s.hub.requests.some((r) => r.path === '/api/models/sesame-fixtures/tiny-gpt2/revision/main')).toBe(true);
    expect(s.hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
    await welcome.locator('[data-testid=lang-zh]').check();
    expect(await welcome.locator('[data-testid=needed-models] td:first-child').allTextContents()).toContain('sesame-fixtures/tiny-ernie-zh');
    await welcome.locator('[data-testid=lang-zh]').uncheck();

    s.hub.setFault((req) => (req.url?.endsWith('.onnx') ? { chunkDelayMs: 20 } : null));
    const before = s.hub.requests.length;
    await welcome.locator('[data-testid=download]').click();
    await welcome.locator('[data-testid=download-progress] progress').first().waitFor({ timeout: 60_000 });
    await welcome.locator('[data-testid=offline-ready]').waitFor({ timeout: 120_000 });
    s.hub.setFault(null);
    const downloads = s.hub.requests.slice(before).filter((r) => r.path.includes('/resolve/'));
    const fetched = new Set(downloads.map((r) => r.path.split('/').slice(1, 3).join('/')));
    // Model files came through the redirect to the second origin, as the hub's CDN serves them.
    expect(downloads.filter((r) => r.path.endsWith('.onnx') && r.method === 'GET' && !r.range).map((r) => r.origin)).toEqual(['cdn', 'cdn']);
    expect([...fetched].sort()).toEqual(['sesame-fixtures/tiny-bert-uncased', 'sesame-fixtures/tiny-gpt2']);
    const cached = await welcome.evaluate(async () => (await caches.open('sesame-models-v1')).keys().then((k) => k.map((r) => r.url)));
    expect(cached.some((u) => u.includes('tiny-bert-uncased'))).toBe(true);
    expect(cached.some((u) => u.includes('tiny-ernie-zh'))).toBe(false);
  });

  it('the live demo runs each tool on the sample text', async () => {
    const demo = welcome.locator('[data-testid=demo-en]');
    await demo.locator('[data-testid=demo-sense]').click();
    await demo.locator('[data-testid=substitutes] .sub').first().waitFor({ timeout: 60_000 });
    await demo.locator('[data-testid=demo-complete]').click();
    await demo.locator('[data-testid=alternatives] li').first().waitFor({ timeout: 60_000 });
    await demo.locator('[data-testid=demo-cloze]').click();
    await demo.locator('[data-testid=cloze] .blank').first().waitFor({ timeout: 60_000 });
  });
});

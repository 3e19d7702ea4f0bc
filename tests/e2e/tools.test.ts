import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompleteResult, Diagnostics } from '@/models/shared/protocol';
import { bubbleFrame, dblclickWord, extensionRequest, launch, selectText, type Session, trigger } from './harness';

const bubble = (page: Page, testId: string) => bubbleFrame(page).locator(`[data-testid=${testId}]`);

describe('tools in the browser on fixture models (WASM)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('looks up a Chinese word with the ERNIE fixture: whole-word substitutes', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/zh.html`);
    await selectText(page, '#z1', '银行');
    await trigger(s, page, 'sense');
    await bubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    const subs = await bubbleFrame(page).locator('[data-testid=substitutes] .sub').allTextContents();
    expect(subs.length).toBeGreaterThan(0);
    for (const sub of subs) expect([...sub]).toHaveLength(2);
    expect(await bubble(page, 'model-line').textContent()).toContain('tiny-ernie-zh');
  });

  it('makes a cloze from a selected passage via the menu/command trigger', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await selectText(page, '#p3', 'We sat on the grassy bank of the river and watched the boats.');
    await trigger(s, page, 'cloze');
    await bubble(page, 'cloze').waitFor({ timeout: 120_000 });
    const blanks = await bubbleFrame(page).locator('[data-testid=cloze] .blank').count();
    expect(blanks).toBeGreaterThan(0);
    expect(blanks).toBeLessThanOrEqual(5);
  });

  it('continues a selected text, streaming, with several alternatives', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await selectText(page, '#p2', 'The bank approved the loan');
    await trigger(s, page, 'complete');
    await bubble(page, 'alternatives').waitFor({ timeout: 120_000 });
    expect(await bubbleFrame(page).locator('[data-testid=alternatives] li').count()).toBe(3);
  });

  it('says clearly when nothing usable is selected and never reads password fields', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await page.focus('#pw');
    await page.evaluate(() => (document.getElementById('pw') as HTMLInputElement).select());
    const tabId = await s.worker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
    const reply = await s.worker.evaluate((id) => chrome.tabs.sendMessage(id, { kind: 'capture' }), tabId);
    expect(reply).toMatchObject({ kind: 'none', reason: 'sensitive-field' });
  });
});

describe('WebGPU path (SwiftShader adapter)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('runs the fill-mask model on WebGPU and reports it', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p2', 'bank');
    await bubble(page, 'substitutes').waitFor({ timeout: 180_000 });
    expect(await bubble(page, 'model-line').textContent()).toContain('WebGPU');
  });

  it('decodes on WebGPU with the keys and values left on the GPU between steps (no read-back per token)', async () => {
    const reply = await extensionRequest<CompleteResult>(s, { type: 'complete', prompt: 'The river bank was', maxNewTokens: 4, temperature: 0 }, 180_000);
    expect(reply).toMatchObject({ type: 'complete', backend: 'webgpu' });
    expect(reply.alternatives[0]!.length).toBeGreaterThan(0);
    const status = await extensionRequest<Diagnostics>(s, { type: 'status' });
    const gpt = status.loaded.find((m) => m.family === 'gpt2');
    expect(gpt).toMatchObject({ backend: 'webgpu' });
    // The steps run in the graph there (Sesame's decoder is WASM's); transformers.js asks onnxruntime for GPU-resident `present` outputs.
    expect(gpt?.decoder).toMatch(/keys and values between steps: gpu-buffer$/);
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, launch, openPopup, type Session, bubbleDocument, bubbleFrame } from './harness';

async function bubbleSubstitutes(page: Page): Promise<string[]> {
  const list = bubbleFrame(page).locator('[data-testid=substitutes] .sub');
  await list.first().waitFor({ timeout: 120_000 });
  return list.allTextContents();
}

/** Records, frame by frame, whether the bubble ever showed a download progress bar (in the bubble's frame, from its start). */
async function watchProgress(page: Page): Promise<void> {
  await page.addInitScript(() => {
    if (location.pathname !== '/bubble.html') return;
    const w = window as unknown as { sawProgress: boolean };
    w.sawProgress = false;
    const tick = () => {
      if (document.querySelector('[data-testid=download-progress]')) w.sawProgress = true;
      requestAnimationFrame(tick);
    };
    tick();
  });
}

const sawProgress = async (page: Page) => (await bubbleDocument(page)).evaluate(() => (window as unknown as { sawProgress?: boolean }).sawProgress);

describe('foundation: select a word, see substitutes from the fixture model', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows substitutes in the bubble, with download progress on first use only, and the popup agrees', async () => {
    s.hub.setFault((req) => (req.url?.endsWith('.onnx') ? { chunkDelayMs: 15 } : null));
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await watchProgress(page);
    await dblclickWord(page, '#p1', 'bank');
    const first = await bubbleSubstitutes(page);
    expect(first.length).toBeGreaterThan(0);
    for (const word of first) {
      expect(word).toMatch(/^[\p{L}'-]+$/u);
      expect(word.toLowerCase()).not.toBe('bank');
    }
    expect(await sawProgress(page)).toBe(true);
    const modelFiles = s.hub.requests.filter((r) => r.path.includes('tiny-bert-uncased') && r.path.endsWith('.onnx'));
    expect(modelFiles.length).toBeGreaterThan(0);
    const line = await bubbleFrame(page).locator('[data-testid=model-line]').textContent();
    expect(line).toContain('sesame-fixtures/tiny-bert-uncased');
    expect(line).toMatch(/WASM|WebGPU/);

    // The popup shows the same result for the tab's selection.
    const popup = await openPopup(s, page);
    const popupSubs = popup.locator('[data-testid=popup-result] [data-testid=substitutes] .sub');
    await popupSubs.first().waitFor({ timeout: 60_000 });
    expect(await popupSubs.allTextContents()).toEqual(first);
    await expect.poll(() => popup.locator('[data-testid=model-status]').getAttribute('data-state')).toBe('ready');
    await expect.poll(() => popup.locator('[data-testid=backend]').textContent()).toMatch(/WASM|WebGPU/);
    expect(await popup.locator('[data-testid=coi]').textContent()).toBe('yes');
    expect(Number(await popup.locator('[data-testid=threads]').textContent())).toBeGreaterThanOrEqual(1);
    await popup.close();

    // Second use, after a reload: served from the cache, no progress, no model download.
    const before = s.hub.requests.length;
    await page.reload();
    await watchProgress(page);
    await dblclickWord(page, '#p3', 'bank');
    const second = await bubbleSubstitutes(page);
    expect(second.length).toBeGreaterThan(0);
    expect(await sawProgress(page)).toBe(false);
    expect(s.hub.requests.slice(before).filter((r) => r.path.endsWith('.onnx'))).toEqual([]);
  });

  it('creates the offscreen document once and reuses it', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p5', 'bank');
    await bubbleSubstitutes(page);
    const status = await s.worker.evaluate(async () => {
      const contexts = await chrome.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT' as chrome.runtime.ContextType] });
      const created = (await chrome.storage.session.get('offscreenCreated')).offscreenCreated;
      return { contexts: contexts.length, created };
    });
    expect(status).toEqual({ contexts: 1, created: 1 });
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, launch, type Session } from './harness';

const bubble = (page: Page, testId: string) => page.locator(`sesame-bubble [data-testid=${testId}]`);

async function cachedFiles(s: Session): Promise<string[]> {
  const page = await s.context.newPage();
  await page.goto(`chrome-extension://${s.extensionId}/options.html`);
  const keys = await page.evaluate(async () => (await (await caches.open('sesame-models-v1')).keys()).map((r) => r.url));
  await page.close();
  return keys;
}

describe('faults survived', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a model download cut mid-file leaves no cache entry, says so, and a retry succeeds', async () => {
    let cut = 0;
    s.hub.setFault((req) => {
      const range = (req as { headers?: { range?: string } }).headers?.range;
      if (req.url?.endsWith('model_quantized.onnx') && req.method === 'GET' && !range && cut === 0) {
        cut++;
        return { cutAfterBytes: 200_000 };
      }
      return null;
    });
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p1', 'bank');
    await bubble(page, 'error').waitFor({ timeout: 120_000 });
    expect(await bubble(page, 'error').textContent()).toMatch(/download.*tiny-bert-uncased/i);
    expect(cut).toBe(1);
    expect((await cachedFiles(s)).filter((k) => k.endsWith('.onnx'))).toEqual([]);

    s.hub.setFault(null);
    await page.keyboard.press('Escape');
    await dblclickWord(page, '#p1', 'bank');
    await bubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    expect((await cachedFiles(s)).some((k) => k.endsWith('tiny-bert-uncased/resolve/main/onnx/model_quantized.onnx'))).toBe(true);
  });

  it('the offscreen document closed: it is re-created on the next request', async () => {
    const sw = s.context.serviceWorkers()[0] ?? (await s.context.waitForEvent('serviceworker'));
    await sw.evaluate(() => chrome.offscreen.closeDocument());
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p6', 'bank');
    await bubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    const created = await sw.evaluate(async () => (await chrome.storage.session.get('offscreenCreated')).offscreenCreated);
    expect(created).toBeGreaterThanOrEqual(2);
  });
});

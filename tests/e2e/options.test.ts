import { statSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSession } from './driver/chromium';
import { dblclickWord, launch, openPopup, selectText, type Session, trigger, bubbleFrame } from './harness';
import { settingsClearCache } from './journeys';

const bubble = (page: Page, testId: string) => bubbleFrame(page).locator(`[data-testid=${testId}]`);

async function openOptions(s: Session): Promise<Page> {
  const page = await s.context.newPage();
  await page.goto(`chrome-extension://${s.extensionId}/options.html`);
  await page.locator('h1').waitFor();
  return page;
}

describe('options and popup settings', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it("shows each chosen model's download size from the hub's file list", async () => {
    const options = await openOptions(s);
    const item = options.locator('[data-testid=model-files-item]', { hasText: 'sesame-fixtures/tiny-ernie-zh' });
    await expect.poll(() => item.getAttribute('data-exact'), { timeout: 30_000 }).toBe('true');
    const bytes = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'].reduce(
      (sum, f) => sum + statSync(`.fixtures/hub/sesame-fixtures/tiny-ernie-zh/${f}`).size,
      0,
    );
    expect(Number(await item.getAttribute('data-bytes'))).toBe(bytes);
    expect(await item.textContent()).toBe(`sesame-fixtures/tiny-ernie-zh: ${(bytes / 1e6).toFixed(1)} MB`);
    expect(s.hub.requests.some((r) => r.path === '/api/models/sesame-fixtures/tiny-ernie-zh/revision/main')).toBe(true);
    await options.close();
  });

  it('lists downloaded models, clears the cache, and the next use downloads again', () => settingsClearCache(chromiumSession(s)));

  it('imports a model from a local folder and uses it with the model host unreachable', async () => {
    const options = await openOptions(s);
    await options.locator('input[type=file]').setInputFiles('.fixtures/hub/sesame-fixtures/tiny-distilbert-uncased');
    await expect.poll(() => options.locator('[data-testid=options-message]').textContent(), { timeout: 60_000 }).toContain('local/tiny-distilbert-uncased');
    await s.worker.evaluate(async () => {
      const { settings } = await chrome.storage.local.get('settings');
      settings.models['sense.en'] = { id: 'local/tiny-distilbert-uncased', family: 'distilbert' };
      await chrome.storage.local.set({ settings });
    });
    s.hub.setFault(() => ({ status: 500 }));
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p3', 'bank');
    await bubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    expect(await bubble(page, 'model-line').textContent()).toContain('local/tiny-distilbert-uncased');
    s.hub.setFault(null);
  });

  it('turns Sesame off for a site from the popup', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p4', 'bank');
    await bubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    const popup = await openPopup(s, page);
    const toggle = popup.locator('[data-testid=site-toggle]');
    await toggle.waitFor();
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await expect
      .poll(() => s.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings.disabledSites))
      .toEqual([new URL(s.pagesUrl).host]);
    await page.reload();
    // First proof that the content script is live on the reloaded page: an explicit request is refused with a clear message…
    await selectText(page, '#p5', 'bank');
    await trigger(s, page, 'sense');
    await expect.poll(() => bubble(page, 'error').textContent(), { timeout: 60_000 }).toContain('turned off on this site');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('sesame-bubble').count()).toBe(0);
    // …then a double-click, which would open a lookup elsewhere, opens nothing.
    await dblclickWord(page, '#p5', 'bank');
    await page.waitForTimeout(1500);
    expect(await page.locator('sesame-bubble').count()).toBe(0);
  });
});

// Keyboard only: a shortcut opens the bubble with focus in it, Tab reaches its controls, Enter on a
// snippet reveals that use, Esc closes it and gives focus back; the popup works from the keyboard;
// the UI language can be switched to Chinese.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openPopup, selectText, type Session, trigger, bubbleDocument, bubbleFrame } from './harness';

/** The focused element, looking into the bubble's frame: "bubble>testid" or the page element's id. */
async function focused(page: Page): Promise<string> {
  const outer = await page.evaluate(() => {
    const a = document.activeElement;
    if (a?.tagName === 'SESAME-BUBBLE') return a.shadowRoot?.activeElement?.tagName === 'IFRAME' ? 'frame' : 'host';
    return a?.id || a?.tagName || '';
  });
  if (outer !== 'frame') return outer;
  const inner = await (await bubbleDocument(page)).evaluate(() => {
    const a = document.activeElement as HTMLElement | null;
    return a === document.body ? '' : (a?.dataset.testid ?? a?.getAttribute('aria-label') ?? a?.tagName ?? '');
  });
  return `bubble>${inner}`;
}

describe('keyboard-only use', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('word sense: shortcut → focus in the bubble → Tab to a snippet → Enter reveals → Esc closes and restores focus', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'before';
      b.textContent = 'page button';
      document.body.prepend(b);
      b.focus();
    });
    await selectText(page, '#s2', 'bank');
    await trigger(s, page, 'sense');
    await bubbleFrame(page).locator('[data-testid=snippet]').first().waitFor({ timeout: 120_000 });
    expect(await focused(page)).toBe('bubble>bubble');
    let reached = '';
    for (let i = 0; i < 20 && !reached.startsWith('bubble>snippet'); i++) {
      await page.keyboard.press('Tab');
      reached = await focused(page);
      expect(reached.startsWith('bubble>')).toBe(true);
    }
    expect(reached).toBe('bubble>snippet');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => (CSS as unknown as { highlights: Map<string, unknown> }).highlights.has('sesame-occurrence'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('sesame-bubble').count()).toBe(0);
    expect(await focused(page)).toBe('before');
  });

  it('popup: Tab to “Meaning”, Enter shows the result', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await selectText(page, '#s3', 'bank');
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=popup-result] [data-testid=substitutes]').waitFor({ timeout: 120_000 });
    let label = '';
    for (let i = 0; i < 10 && label !== 'Meaning'; i++) {
      await popup.keyboard.press('Tab');
      label = await popup.evaluate(() => (document.activeElement as HTMLElement | null)?.textContent?.trim() ?? '');
    }
    expect(label).toBe('Meaning');
    await popup.keyboard.press('Enter');
    await popup.locator('[data-testid=popup-result] [data-testid=senses]').waitFor({ timeout: 60_000 });
  });

  it('switches the interface to Chinese from Settings', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    await options.locator('[data-testid=ui-language]').selectOption('zh_CN');
    await expect.poll(() => options.locator('h1').textContent(), { timeout: 10_000 }).toBe('Sesame 设置');
    expect(await options.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await selectText(page, '#s1', 'bank');
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=popup-result] [data-testid=senses]').waitFor({ timeout: 120_000 });
    expect(await popup.locator('header button').allTextContents()).toEqual(['复习', '设置']);
    expect(await popup.locator('[data-testid=senses] > p').textContent()).toMatch(/^本页共 8 处/);
    await options.locator('[data-testid=ui-language]').selectOption('auto');
    await expect.poll(() => options.locator('h1').textContent(), { timeout: 10_000 }).toBe('Sesame settings');
  });
});

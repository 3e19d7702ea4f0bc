// The ghost text is drawn exactly at the caret of a textarea (mirror geometry) and a
// contenteditable (range rectangles), and follows the page when it scrolls.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ghostGlyph, launch, type Session } from './harness';

async function waitForGlyph(page: Page): Promise<{ left: number; top: number }> {
  await expect.poll(() => ghostGlyph(page), { timeout: 120_000 }).not.toBeNull();
  return (await ghostGlyph(page))!;
}

describe('ghost text geometry', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ settings: { completion: { enabled: true, pauseMs: 150, maxTokens: 6 } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('textarea: starts where the caret is, and moves with the page when it scrolls', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('div'), { style: 'height: 3000px' })));
    const typed = 'The river bank';
    await page.click('#ta');
    await page.keyboard.type(typed, { delay: 10 });
    const glyph = await waitForGlyph(page);
    // Monospace, one line: the caret is `typed.length` advances from the content box's left edge.
    const caret = await page.evaluate((n) => {
      const ta = document.getElementById('ta')!;
      const r = ta.getBoundingClientRect();
      const style = getComputedStyle(ta);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = `${style.fontSize} ${style.fontFamily}`;
      const x = r.left + parseFloat(style.borderLeftWidth) + parseFloat(style.paddingLeft) + ctx.measureText('x'.repeat(n)).width;
      const y = r.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
      return { x, y };
    }, typed.length);
    expect(Math.abs(glyph.left - caret.x)).toBeLessThan(2);
    expect(glyph.top).toBeGreaterThanOrEqual(caret.y - 1);
    expect(glyph.top).toBeLessThan(caret.y + 22);
    await page.evaluate(() => scrollBy(0, 40));
    await expect.poll(async () => Math.round(glyph.top - ((await ghostGlyph(page))?.top ?? Number.NaN))).toBe(40);
  });

  it('contenteditable: starts right after the typed text', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ce');
    await page.keyboard.type('Once upon a', { delay: 10 });
    const glyph = await waitForGlyph(page);
    const end = await page.evaluate(() => {
      const text = document.getElementById('ce')!.firstChild!;
      const range = document.createRange();
      range.setStart(text, text.textContent!.length - 1);
      range.setEnd(text, text.textContent!.length);
      const r = range.getBoundingClientRect();
      return { right: r.right, top: r.top };
    });
    expect(Math.abs(glyph.left - end.right)).toBeLessThan(2);
    expect(Math.abs(glyph.top - end.top)).toBeLessThan(4);
  });
});

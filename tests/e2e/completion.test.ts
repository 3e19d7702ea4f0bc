import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type Session } from './harness';

const ghost = (page: Page) => page.locator('sesame-ghost');
const ghostText = (page: Page) => page.evaluate(() => document.querySelector('sesame-ghost')?.shadowRoot?.textContent ?? '');
const stats = (s: Session) =>
  s.worker.evaluate(() => (globalThis as unknown as { sesameRouterStats: { requests: Record<string, number>; cancelled: number } }).sesameRouterStats);
const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: { id: string; inputType: string | null; value: string }[] }).__events);

/** Waits until the streamed ghost text is non-empty and has stopped growing. */
async function waitForGhost(page: Page): Promise<string> {
  await expect.poll(() => ghostText(page), { timeout: 120_000 }).not.toBe('');
  let last = '';
  await expect
    .poll(async () => {
      const now = await ghostText(page);
      const stable = now === last;
      last = now;
      return stable;
    }, { interval: 400, timeout: 60_000 })
    .toBe(true);
  return last;
}

describe('inline completion (ghost text) on fixture GPT-2', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('textarea: ghost appears after a pause, Tab inserts it and the page sees an input event', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ta');
    await page.keyboard.type('The river bank was', { delay: 10 });
    const suggestion = await waitForGhost(page);
    expect(ghost(page)).toBeDefined();
    await page.keyboard.press('Tab');
    await expect.poll(() => page.inputValue('#ta')).toBe(`The river bank was${suggestion}`);
    const last = (await events(page)).filter((e) => e.id === 'ta').at(-1)!;
    expect(last.inputType).toBe('insertText');
    expect(last.value).toBe(`The river bank was${suggestion}`);
    expect(await ghostText(page)).toBe('');
  });

  it('contenteditable: Tab accepts into the editor', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ce');
    await page.keyboard.type('Once upon a time', { delay: 10 });
    const suggestion = await waitForGhost(page);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('#ce').textContent()).toBe(`Once upon a time${suggestion}`);
    expect((await events(page)).some((e) => e.id === 'ce' && e.value === `Once upon a time${suggestion}`)).toBe(true);
  });

  it('typing something else cancels the in-flight request; Esc dismisses', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#inp');
    await page.keyboard.type('Hello there', { delay: 10 });
    const suggestion = await waitForGhost(page);
    const before = await stats(s);
    const other = suggestion.startsWith('Z') ? 'Q' : 'Z';
    await page.keyboard.type(other);
    await expect.poll(async () => (await stats(s)).cancelled + ((await stats(s)).requests.complete ?? 0)).toBeGreaterThan(
      before.cancelled + (before.requests.complete ?? 0),
    );
    await waitForGhost(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => ghostText(page)).toBe('');
    expect(await page.inputValue('#inp')).toBe(`Hello there${other}`);
  });

  it('never sends a request from password or one-time-code fields', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    const before = (await stats(s)).requests.complete ?? 0;
    await page.click('#pw');
    await page.keyboard.type('secret words here', { delay: 10 });
    await page.click('#otp');
    await page.keyboard.type('123456', { delay: 10 });
    await page.waitForTimeout(1500);
    expect((await stats(s)).requests.complete ?? 0).toBe(before);
    expect(await ghostText(page)).toBe('');
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSession } from './driver/chromium';
import { ghostText, hostStatus, launch, type Session, trigger } from './harness';
import { hostCounters, waitForGhost } from './ghost-wait';
import { ghostEscDismisses, ghostTabAccepts } from './journeys';

const _ghost = (page: Page) => page.locator('sesame-ghost');
const stats = (s: Session) =>
  s.worker.evaluate(() => (globalThis as unknown as { sesameRouterStats: { requests: Record<string, number>; cancelled: number } }).sesameRouterStats);
const events = (page: Page) => page.evaluate(() => (window as unknown as { __events: { id: string; inputType: string | null; value: string }[] }).__events);

/** Runs `test` on a completion page opened under these completion settings, then restores the previous ones. */
async function withCompletionSettings(s: Session, completion: Record<string, unknown>, test: (page: Page) => Promise<void>): Promise<void> {
  const set = (c: Record<string, unknown>) =>
    s.worker.evaluate(async (c) => {
      const { settings } = await chrome.storage.local.get('settings');
      await chrome.storage.local.set({ settings: { ...settings, completion: { ...settings.completion, ...c } } });
      return settings.completion as Record<string, unknown>;
    }, c);
  const previous = await set(completion);
  try {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await test(page);
    await page.close();
  } finally {
    await set(previous);
  }
}

describe('inline completion (ghost text) on fixture GPT-2', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('textarea: ghost appears after a pause, Tab inserts it and the page sees an input event', () => ghostTabAccepts(chromiumSession(s)));

  it('textarea: Esc dismisses the ghost text, typing on asks again', () => ghostEscDismisses(chromiumSession(s)));

  it('contenteditable: Tab accepts into the editor', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ce');
    const since = await hostCounters(s);
    await page.keyboard.type('Once upon a time', { delay: 10 });
    const suggestion = await waitForGhost(s, page, since);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.locator('#ce').textContent()).toBe(`Once upon a time${suggestion}`);
    expect((await events(page)).some((e) => e.id === 'ce' && e.value === `Once upon a time${suggestion}`)).toBe(true);
  });

  it('typing something else while a request is in flight cancels it: the offscreen host stops generating; Esc dismisses', async () => {
    // A prompt of ~300 tokens and up to 256 new ones (the fixture never ends a sentence): the
    // host is still busy when the key lands.
    await withCompletionSettings(s, { maxTokens: 256 }, async (page) => {
      // Load the model first, so the request below is cancelled while computing, not while loading.
      await page.click('#inp');
      const since = await hostCounters(s);
      await page.keyboard.type('Hello', { delay: 10 });
      await waitForGhost(s, page, since);
      await page.click('#ta');
      const words = 'the river bank was quiet in early morning light and fishermen cast their nets'.split(' ');
      const prompt = Array.from({ length: 300 }, (_, i) => words[(i * 5) % words.length]).join(' ');
      const host = await hostCounters(s);
      const router = await stats(s);
      await page.keyboard.insertText(prompt);
      await expect.poll(async () => (await stats(s)).requests.complete ?? 0, { interval: 5, timeout: 30_000 }).toBeGreaterThan(router.requests.complete ?? 0);
      const other = (await ghostText(page)).startsWith('Z') ? 'Q' : 'Z';
      await page.keyboard.type(other);
      const typed = Date.now();
      await expect.poll(async () => (await hostCounters(s)).cancelled, { timeout: 30_000 }).toBeGreaterThan(host.cancelled);
      expect((await stats(s)).cancelled).toBeGreaterThan(router.cancelled);
      // The next suggestion extends the cancelled prompt: it starts from that field's cached keys/values
      // (all but the last piece, which the typed letter re-merges).
      await expect.poll(() => ghostText(page), { timeout: 60_000 }).not.toBe('');
      console.log(`last key → first ghost text, ~300-token prompt extending the cancelled one (200 ms pause included): ${Date.now() - typed} ms`);
      expect((await hostCounters(s)).reusedTokens - host.reusedTokens).toBeGreaterThanOrEqual(290);
      // Since `host`: the cancelled request counts once in requests and once in cancelled; the next one finishes.
      await waitForGhost(s, page, host);
      await page.keyboard.press('Escape');
      await expect.poll(() => ghostText(page)).toBe('');
      expect(await page.inputValue('#ta')).toBe(`${prompt}${other}`);
    });
  });

  it('React-style controlled input: after Tab the state it keeps holds the accepted text', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#react');
    const since = await hostCounters(s);
    await page.keyboard.type('The river bank was', { delay: 10 });
    const suggestion = await waitForGhost(s, page, since);
    await page.keyboard.press('Tab');
    const expected = `The river bank was${suggestion}`;
    await expect.poll(() => page.evaluate(() => (window as unknown as { __reactState(): string }).__reactState())).toBe(expected);
    expect(await page.inputValue('#react')).toBe(expected);
    const inputs = await page.evaluate(() => (window as unknown as { __inputs: { value: string; accepted: boolean }[] }).__inputs);
    expect(inputs.at(-1)).toMatchObject({ value: expected, accepted: true });
  });

  it('the keyboard shortcut asks at once, without waiting for a typing pause', async () => {
    await withCompletionSettings(s, { pauseMs: 600_000 }, async (page) => {
      await page.click('#ta');
      await page.keyboard.type('Once upon a time', { delay: 10 });
      const requests = (await stats(s)).requests.complete ?? 0;
      await page.waitForTimeout(800);
      expect(await ghostText(page)).toBe('');
      expect((await stats(s)).requests.complete ?? 0).toBe(requests);
      const asked = Date.now();
      await trigger(s, page, 'complete');
      await expect.poll(() => ghostText(page), { timeout: 60_000 }).not.toBe('');
      console.log(`shortcut → first ghost text: ${Date.now() - asked} ms`);
      expect((await stats(s)).requests.complete ?? 0).toBe(requests + 1);
    });
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

describe('inline completion on the WebGPU backend (SwiftShader adapter)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('reuses the field’s keys/values on WebGPU, cut back where a piece re-merges', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.click('#ta');
    const since = await hostCounters(s);
    await page.keyboard.type('We walked along the quiet river bank', { delay: 5 });
    await waitForGhost(s, page, since);
    const before = await hostCounters(s);
    // " bank" + "s" is another piece: all but the last token of the cached past is reused.
    await page.keyboard.type('s and', { delay: 5 });
    const suggestion = await waitForGhost(s, page, before);
    const status = await hostStatus(s);
    expect(status.backend).toBe('webgpu');
    expect(status.completion!.reusedTokens - before.reusedTokens).toBeGreaterThanOrEqual(6);
    await page.keyboard.press('Tab');
    await expect.poll(() => page.inputValue('#ta')).toBe(`We walked along the quiet river banks and${suggestion}`);
  });
});

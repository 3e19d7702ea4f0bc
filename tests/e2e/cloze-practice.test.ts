// Cloze practice end to end: a selected passage opens the practice page (the text travels
// through session storage, never the URL), answers are typed and checked by the fixture model,
// and the history outlives a browser restart.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSession } from './driver/chromium';
import { launch, openFromPopup, openPopup, practiceFromBubble, selectText, type Session } from './harness';
import { clozeChinese } from './journeys';

const STORY =
  'The farmer watched the sleepy cattle grazing near the old wooden barn while his daughter painted the distant mountains. Their neighbours repaired broken fences before the winter storms arrived from the northern valleys.';

const inputs = (p: Page) => p.locator('[data-testid=blank-input]');
const verdicts = (p: Page) => p.locator('[data-testid=blank-feedback]').evaluateAll((els) => els.map((e) => e.getAttribute('data-verdict')));

describe('cloze practice page', () => {
  let s: Session;
  const profile = mkdtempSync(join(tmpdir(), 'sesame-practice-'));
  beforeAll(async () => {
    s = await launch({ profile });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('opens from the bubble on an English passage; typed answers get feedback, keyboard only', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/passage.html`);
    await selectText(page, '#story', STORY);
    const practice = await practiceFromBubble(s, page);
    // Only an id in the URL: no page text in the address, the history or the tab title.
    expect(practice.url()).toMatch(new RegExp(`^chrome-extension://${s.extensionId}/practice\\.html#[\\w-]+$`));
    expect(await practice.title()).not.toContain('farmer');
    const n = await inputs(practice).count();
    expect(n).toBeGreaterThan(1);
    expect(n).toBeLessThanOrEqual(5);
    // The passage is shown as text with the blanked words taken out (they are inputs now).
    const passage = await practice.locator('[data-testid=passage]').textContent();
    expect(passage!.length).toBeLessThan(STORY.length);
    expect(STORY.startsWith(passage!.slice(0, 10))).toBe(true);

    // Tab between blanks, Alt+H for a hint, Esc clears, Enter checks.
    await inputs(practice).first().focus();
    await practice.keyboard.type('xyz');
    await practice.keyboard.press('Escape');
    expect(await inputs(practice).first().inputValue()).toBe('');
    await practice.keyboard.press('Alt+H');
    await expect.poll(() => practice.locator('[data-testid=hint]').first().textContent()).toMatch(/^ · \d+ letters$/);
    for (let i = 0; i < n; i++) {
      expect(await practice.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Blank ${i + 1} of ${n}`);
      await practice.keyboard.type(`word${i}`);
      if (i < n - 1) await practice.keyboard.press('Tab');
    }
    await practice.keyboard.press('Enter');
    await practice.locator('[data-testid=score]').waitFor({ timeout: 120_000 });
    const v = await verdicts(practice);
    expect(v).toHaveLength(n);
    for (const x of v) expect(['correct', 'acceptable', 'wrong']).toContain(x);
    expect(await practice.locator('[data-testid=model-top]').count()).toBe(n);
    expect(await practice.locator('[data-testid=model-top]').first().textContent()).toMatch(/Model’s top answers: .+%/);

    // Still keyboard only: back to the first blank, Alt+H again for its first letter, Alt+R reveals,
    // Tab to Retry and Enter, back to the first blank, type the answer: correct.
    const focused = () => practice.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.getAttribute('data-testid'));
    const tabTo = async (target: string, key: 'Tab' | 'Shift+Tab') => {
      for (let i = 0; i < n + 3 && (await focused()) !== target; i++) await practice.keyboard.press(key);
      expect(await focused()).toBe(target);
    };
    await tabTo(`Blank 1 of ${n}`, 'Shift+Tab');
    await practice.keyboard.press('Alt+H');
    await expect.poll(() => practice.locator('[data-testid=hint]').nth(1).textContent()).toMatch(/^ · Starts with “.”$/);
    await practice.keyboard.press('Alt+R');
    await expect.poll(() => practice.locator('[data-testid=blank-feedback] .revealed').count()).toBe(1);
    const answer = (await practice.locator('[data-testid=blank-feedback] .revealed').first().textContent())!.replace(/^Answer: /, '');
    expect(STORY).toContain(answer);
    expect(await practice.locator('[data-testid=hint]').nth(1).textContent()).toBe(` · Starts with “${answer[0]}”`);
    expect(await inputs(practice).first().inputValue()).toBe(answer);
    await tabTo('retry', 'Tab');
    await practice.keyboard.press('Enter');
    await expect.poll(() => practice.locator('[data-testid=blank-feedback] .revealed').count()).toBe(0);
    await tabTo(`Blank 1 of ${n}`, 'Shift+Tab');
    expect(await inputs(practice).first().inputValue()).toBe('');
    await practice.keyboard.type(answer.toUpperCase());
    await practice.keyboard.press('Enter');
    await expect.poll(async () => (await verdicts(practice))[0], { timeout: 120_000 }).toBe('correct');
    await expect.poll(() => practice.locator('[data-testid=history-entry]').count()).toBeGreaterThanOrEqual(2);

    // Export: an Anki CSV with cloze deletions.
    const download = practice.waitForEvent('download');
    await practice.click('[data-testid=export]');
    const file = await (await download).path();
    const csv = readFileSync(file, 'utf8');
    expect(csv).toContain('#notetype:Cloze');
    expect(csv).toContain(`{{c1::${answer}}}`);
    expect(csv).toContain(`${s.pagesUrl}/passage.html`);
  });

  it('works on a Chinese paragraph with multi-character blanks and pinyin hints', () => clozeChinese(chromiumSession(s)));

  it('opens from the popup’s Cloze button', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/passage.html`);
    await selectText(page, '#story', STORY);
    const practice = await openFromPopup(s, await openPopup(s, page), 'popup-cloze');
    expect(practice.url()).not.toContain('farmer');
  });

  it('keeps the history across a browser restart, but not the passage', async () => {
    const before = await s.context.newPage();
    await before.goto(`chrome-extension://${s.extensionId}/practice.html`);
    // The list renders after the history is read from storage: wait for it.
    await expect.poll(() => before.locator('[data-testid=history-entry]').count()).toBeGreaterThanOrEqual(2);
    const entries = await before.locator('[data-testid=history-entry]').count();
    const stale = s.context
      .pages()
      .find((p) => p.url().includes('practice.html#'))!
      .url();
    await s.close();
    s = await launch({ profile });
    const after = await s.context.newPage();
    await after.goto(stale);
    await after.locator('[data-testid=no-passage]').waitFor();
    await expect.poll(() => after.locator('[data-testid=history-entry]').count()).toBe(entries);
    expect(await after.locator('[data-testid=history-score]').first().textContent()).toMatch(/^\d+(\.5)?\/\d+$/);
  });
});

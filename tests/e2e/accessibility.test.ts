// Accessibility: axe-core finds no serious or critical violations on any of Sesame's pages or in
// the on-page bubble, in the light and the dark colour scheme; the bubble stays readable at 200 %.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bubbleDocument, bubbleFrame, dblclickWord, launch, openFromPopup, openPopup, selectText, type Session, trigger } from './harness';
import { wordCentreInPage } from './page-text';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const STORY =
  'The farmer watched the sleepy cattle grazing near the old wooden barn while his daughter painted the distant mountains. Their neighbours repaired broken fences before the winter storms arrived from the northern valleys.';

interface Finding {
  scheme: 'light' | 'dark';
  id: string;
  impact: string;
  nodes: { target: unknown; summary: string | undefined }[];
}

/**
 * The serious and critical violations axe finds on `page` (within `context`) in each colour
 * scheme. Fails when the contrast rule checked nothing, so a blind spot cannot pass as clean.
 */
async function violations(page: Page, context?: unknown, where: Page | Frame = page): Promise<Finding[]> {
  // Injected with evaluate: the extension pages' CSP would block a script tag.
  if (!(await where.evaluate(() => 'axe' in window))) await where.evaluate(AXE);
  const found: Finding[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const run = await where.evaluate(async (ctx) => {
      type Result = { id: string; impact?: string | null; nodes: { target: unknown; failureSummary?: string }[] };
      const { axe } = window as unknown as { axe: { run(c: unknown): Promise<{ violations: Result[]; passes: Result[] }> } };
      const r = await axe.run(ctx ?? document);
      return {
        contrastChecked: r.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0,
        violations: r.violations.map((v) => ({
          id: v.id,
          impact: v.impact ?? '',
          nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
        })),
      };
    }, context);
    expect(run.contrastChecked, `${page.url()} ${scheme}: elements whose contrast axe checked`).toBeGreaterThan(0);
    found.push(...run.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => ({ scheme, ...v })));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** Whether the bubble's frame lies inside the viewport and holds the whole bubble, and what spills out of the bubble sideways. */
async function bubbleFit(page: Page) {
  const frame = await page.evaluate(() => {
    const r = document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('iframe')!.getBoundingClientRect();
    return r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
  });
  const inside = await (await bubbleDocument(page)).evaluate(() => {
    const bubble = document.querySelector<HTMLElement>('.bubble')!;
    const box = bubble.getBoundingClientRect();
    return {
      whole: box.right <= innerWidth + 0.5 && box.bottom <= innerHeight + 0.5,
      overflow: bubble.scrollWidth - bubble.clientWidth,
      spilling: [...bubble.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > box.right + 0.5).map((el) => el.outerHTML.slice(0, 80)),
    };
  });
  return { inside: frame && inside.whole, overflow: inside.overflow, spilling: inside.spilling };
}

describe('accessibility', () => {
  let s: Session;
  beforeAll(async () => {
    // Kept: otherwise the harness closes any onboarding page, the one opened below included.
    s = await launch({ keepOnboarding: true });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the bubble and the popup with a word’s senses', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s3', 'bank');
    await bubbleFrame(page).locator('[data-testid=gloss-method]').waitFor({ timeout: 120_000 });
    // The bubble is its own document (an extension page in a frame): axe runs there, and the frame has a title on the page.
    expect(await violations(page, undefined, await bubbleDocument(page))).toEqual([]);
    expect(await page.evaluate(() => document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('iframe')!.title)).toMatch(/Meaning in context/);

    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=popup-result] [data-testid=sense]').first().waitFor({ timeout: 120_000 });
    expect(await violations(popup)).toEqual([]);
  });

  it('the practice page on a long article, with its section controls', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/article.html`);
    await page.evaluate(() => {
      for (let i = 0; i < 12; i++) {
        const p = document.createElement('p');
        p.textContent = 'The volunteers carried sandbags along the muddy river bank while the rain kept falling on the valley. '.repeat(5).trim();
        document.getElementById('story')!.append(p);
      }
    });
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=practise-article]').waitFor({ timeout: 30_000 });
    const practice = await openFromPopup(s, popup, 'practise-article');
    await practice.locator('[data-testid=section-next]').click();
    await practice.locator('[data-testid=blank-input]').first().waitFor({ timeout: 120_000 });
    expect(await practice.locator('[data-testid=section-label]').textContent()).toMatch(/^Section 2 of \d+$/);
    expect(await violations(practice)).toEqual([]);
  });

  it('the practice page, before and after checking, with a hint, a revealed answer and the history', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/passage.html`);
    await selectText(page, '#story', STORY);
    const practice = await openFromPopup(s, await openPopup(s, page), 'popup-cloze');
    const first = practice.locator('[data-testid=blank-input]').first();
    expect(await violations(practice)).toEqual([]);

    await first.fill('cattle');
    await first.press('Alt+H');
    await first.press('Enter');
    await practice.locator('[data-testid=score]').waitFor({ timeout: 120_000 });
    await practice.locator('[data-testid=reveal]').last().click();
    await practice.locator('[data-testid=history-entry]').first().waitFor();
    expect(await violations(practice)).toEqual([]);
  });

  it('the options page', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    await options.locator('[data-testid=installed]').first().waitFor({ timeout: 30_000 });
    expect(await violations(options)).toEqual([]);
  });

  it('the onboarding page, with a demo result', async () => {
    const welcome = await s.context.newPage();
    await welcome.goto(`chrome-extension://${s.extensionId}/onboarding.html`);
    const demo = welcome.locator('[data-testid=demo-en]');
    await demo.locator('[data-testid=demo-sense]').click();
    await demo.locator('[data-testid=substitutes] .sub').first().waitFor({ timeout: 60_000 });
    expect(await violations(welcome)).toEqual([]);
  });

  it('the bubble fits the viewport and its text does not overflow at 200 % zoom', async () => {
    const page = await s.context.newPage();
    // 200 % zoom of the 1100 × 800 window: half the CSS pixels, two device pixels to each.
    const cdp = await s.context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 550, height: 400, deviceScaleFactor: 2, mobile: false });
    const fits = { inside: true, overflow: 0, spilling: [] };
    await page.goto(`${s.pagesUrl}/senses.html`);
    expect(await page.evaluate(() => [innerWidth, innerHeight, devicePixelRatio])).toEqual([550, 400, 2]);
    // A word near the top (the bubble goes below it) and near the bottom (above it).
    for (const id of ['s1', 's8']) {
      await page.locator(`#${id}`).scrollIntoViewIfNeeded();
      await dblclickWord(page, `#${id}`, 'bank');
      await bubbleFrame(page).locator('[data-testid=gloss-method]').waitFor({ timeout: 120_000 });
      await expect.poll(() => bubbleFit(page), { message: id }).toEqual(fits);
      await page.keyboard.press('Escape');
      await page.locator('sesame-bubble').waitFor({ state: 'detached' });
    }
    // A cloze of a whole passage, with its guesses and the Practice button.
    await page.goto(`${s.pagesUrl}/passage.html`);
    await selectText(page, '#story', STORY);
    await trigger(s, page, 'cloze');
    await bubbleFrame(page).locator('[data-testid=practice]').waitFor({ timeout: 120_000 });
    await expect.poll(() => bubbleFit(page), { message: 'cloze' }).toEqual(fits);
  });

  it('the tip over a saved word, and the options page with hover lookup and known words (issue 19)', async () => {
    const entry = {
      id: 'a11y',
      date: 1,
      url: 'https://a.test/',
      lang: 'en',
      word: 'farmer',
      sentence: 'The farmer.',
      start: 4,
      end: 10,
      sense: ['grower'],
      substitutes: [],
    };
    const before = await s.worker.evaluate(async (entry) => {
      const { settings, wordList } = await chrome.storage.local.get(['settings', 'wordList']);
      await chrome.storage.local.set({ wordList: [entry], settings: { ...settings, knownWords: { highlight: true } } });
      return { settings, wordList: wordList ?? [] };
    }, entry);
    try {
      const page = await s.context.newPage();
      await page.goto(`${s.pagesUrl}/passage.html`);
      const at = await page.evaluate(wordCentreInPage, { selector: '#story', word: 'farmer' });
      await page.mouse.move(at.x, at.y, { steps: 3 });
      await page.locator('sesame-known-tip [data-testid=known-tip]').waitFor({ state: 'visible', timeout: 10_000 });
      // Like the bubble, the tip hangs off <html>: moved into <body> for axe's contrast check.
      await page.evaluate(() => document.body.append(document.querySelector('sesame-known-tip')!));
      expect(await violations(page, { include: { fromShadowDom: ['sesame-known-tip', '.tip'] } })).toEqual([]);
      const options = await s.context.newPage();
      await options.goto(`chrome-extension://${s.extensionId}/options.html`);
      await options.locator('[data-testid=hover-modifier]').waitFor();
      expect(await options.locator('[data-testid=known-words-highlight]').isChecked()).toBe(true);
      expect(await violations(options)).toEqual([]);
    } finally {
      await s.worker.evaluate(async (before) => chrome.storage.local.set(before), before);
    }
  });
});

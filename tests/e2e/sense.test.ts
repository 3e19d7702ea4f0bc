// Word sense end to end: double-click a word → the bubble shows substitutes at once, then the
// senses of every use on the page and dictionary glosses; the popup shows the clusters with
// snippets, and clicking one scrolls the page to that use and highlights it. The bubble and Chinese
// journeys are shared with Firefox (tests/e2e/journeys.ts).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSession } from './driver/chromium';
import { dblclickWord, hostStatus, launch, openPopup, type Session, bubbleDocument, bubbleFrame, bubbleLocator } from './harness';
import { senseBubble, senseChineseInPopup } from './journeys';
import { wordCentreInPage } from './page-text';

const BANK_IDS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];

async function senses(root: Page, scope: string) {
  const list = bubbleLocator(root, `${scope} [data-testid=sense]`) ?? root.locator(`${scope} [data-testid=sense]`);
  await list.first().waitFor({ timeout: 120_000 });
  return list;
}

/** What the page's CSS highlight registry holds for Sesame's highlight, read in the page's own world. */
function highlighted(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const h = (CSS as unknown as { highlights?: Map<string, Iterable<Range>> }).highlights?.get('sesame-occurrence');
    return h ? [...h].map((r) => r.toString()).join('|') : null;
  });
}

describe('word sense in context', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('bubble: substitutes, then senses of all eight uses and WordNet glosses ranked by context', () => senseBubble(chromiumSession(s)));

  it('popup: clusters cover every use, the selected one is marked, a snippet scrolls to its use', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s1', 'bank');
    await senses(page, 'sesame-bubble');
    const popup = await openPopup(s, page);
    const clusters = await senses(popup, '[data-testid=popup-result]');
    const members: number[] = [];
    for (const cluster of await clusters.all()) {
      const count = Number((await cluster.locator('.muted').first().textContent())!.match(/^(\d+) uses?/)![1]);
      members.push(count);
    }
    expect(members.reduce((a, b) => a + b, 0)).toBe(8);
    const selected = popup.locator('[data-testid=sense][data-selected=true]');
    expect(await selected.count()).toBe(1);
    expect(await selected.locator('.muted').first().textContent()).toContain('this one');
    // Snippets show the use's own sentence as text.
    const snippets = popup.locator('[data-testid=snippet]');
    expect(await snippets.count()).toBeGreaterThan(0);
    // Choose a use far down the page and reveal it.
    let target = -1;
    for (const snip of await snippets.all()) {
      const i = Number(await snip.getAttribute('data-index'));
      if (i >= 4) {
        target = i;
        await page.evaluate(() => scrollTo(0, 0));
        await snip.click();
        break;
      }
    }
    expect(target).toBeGreaterThanOrEqual(4);
    await expect.poll(() => highlighted(page)).toBe('bank');
    await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(400);
    const text = await page.evaluate((id) => document.getElementById(id)!.textContent, BANK_IDS[target]!);
    expect(text).toContain('bank');
    await popup.close();
  });

  it('a second lookup of the same word on the page reuses every embedded use', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s2', 'bank');
    await senses(page, 'sesame-bubble');
    // The count is for Sesame's pages only (the host's status): the bubble, in the page, shows none.
    const hits = async () => (await hostStatus(s)).senseCache?.hits ?? 0;
    const before = await hits();
    await page.keyboard.press('Escape');
    await dblclickWord(page, '#s7', 'bank');
    await senses(page, 'sesame-bubble');
    await expect.poll(hits, { timeout: 60_000 }).toBeGreaterThanOrEqual(before + 7);
    expect(await bubbleFrame(page).locator('[data-testid=senses]').getAttribute('data-cached')).toBeNull();
  });

  it('the second press of a double-click mounts the bubble, its lookup fills that same frame; a double-click that selects no word leaves none behind', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    const box = await page.evaluate(wordCentreInPage, { selector: '#s4', word: 'bank' });
    await page.mouse.move(box.x, box.y);
    await page.mouse.down({ clickCount: 1 });
    await page.mouse.up({ clickCount: 1 });
    await page.mouse.down({ clickCount: 2 });
    // Button still down: no dblclick yet, the bubble's frame is on its way (invisible until filled).
    const early = await bubbleDocument(page);
    expect(await page.locator('sesame-bubble').count()).toBe(1);
    await page.mouse.up({ clickCount: 2 });
    await senses(page, 'sesame-bubble');
    expect(await page.locator('sesame-bubble').count()).toBe(1);
    expect((await bubbleDocument(page)).url()).toBe(early.url());
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('sesame-bubble').count()).toBe(0);

    // A double-click that selects no word (nothing on this page is selectable now): the early bubble goes by itself.
    await page.evaluate(() => void (document.body.style.userSelect = 'none'));
    await page.mouse.dblclick(box.x, box.y);
    expect(await page.evaluate(() => getSelection()?.toString() ?? '')).toBe('');
    await expect.poll(() => page.locator('sesame-bubble').count(), { timeout: 5_000 }).toBe(0);
  });

  it('Chinese: 银行 is looked up as a whole word, 行走 is not one of its uses, CC-CEDICT glosses', () => senseChineseInPopup(chromiumSession(s)));

  it('a page with 300 uses: substitutes at once, the rest streamed, the page stays responsive', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses-many.html`);
    // Record every state the bubble shows (each is a separate render: the page kept running), in the bubble's frame from its start.
    await page.addInitScript(() => {
      if (location.pathname !== '/bubble.html') return;
      const w = window as unknown as { seen: string[] };
      w.seen = [];
      new MutationObserver(() => {
        const working = document.querySelector('[data-testid=working]')?.textContent;
        const subs = document.querySelectorAll('[data-testid=substitutes] .sub').length;
        w.seen.push(`${subs}|${working ?? 'done'}`);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await dblclickWord(page, '#first', 'bank');
    await bubbleFrame(page).locator('[data-testid=senses]').waitFor({ timeout: 120_000 });
    expect(await bubbleFrame(page).locator('[data-testid=senses] > p').textContent()).toMatch(/^300 uses on this page/);
    const seen = await (await bubbleDocument(page)).evaluate(() => (window as unknown as { seen: string[] }).seen);
    // Substitutes were on screen while the other uses were still being read.
    expect(seen.some((x) => /^[1-9]\d*\|Reading the other uses on this page… \d+\/300$/.test(x))).toBe(true);
  });
});

// The practice page's controls (how many blanks, difficulty) and practising on a page's main
// text when nothing is selected.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, openFromPopup, openPopup, selectText, type Session } from './harness';

const STORY =
  'The farmer watched the sleepy cattle grazing near the old wooden barn while his daughter painted the distant mountains. Their neighbours repaired broken fences before the winter storms arrived from the northern valleys.';

const inputs = (p: Page) => p.locator('[data-testid=blank-input]');

/**
 * The words behind the blanks, read from the passage as shown (text between the inputs), which
 * must be `source` with those words taken out.
 */
async function blankedWords(practice: Page, source: string): Promise<string[]> {
  const parts = await practice
    .locator('[data-testid=passage]')
    .evaluate((el) => [...el.childNodes].map((n) => (n instanceof HTMLInputElement ? null : (n.textContent ?? ''))));
  const words: string[] = [];
  let at = 0;
  parts.forEach((part, i) => {
    if (part !== null) {
      expect(source.startsWith(part, at)).toBe(true);
      at += part.length;
      return;
    }
    const next = parts.slice(i + 1).find((p) => p !== null) ?? '';
    const end = next ? source.indexOf(next, at) : source.length;
    words.push(source.slice(at, end));
    at = end;
  });
  expect(at).toBe(source.length);
  return words;
}

describe('practice controls and main text', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('makes a new exercise with the number of blanks and the difficulty the learner chooses', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/passage.html`);
    await selectText(page, '#story', STORY);
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=popup-cloze]').waitFor();
    expect(await popup.locator('[data-testid=main-text]').count()).toBe(0);
    const practice = await openFromPopup(s, popup, 'popup-cloze');
    expect(await inputs(practice).count()).toBe(5);

    // Keyboard only: type a count, Tab away to commit it.
    const count = practice.getByRole('spinbutton');
    const setCount = async (n: number) => {
      await count.focus();
      await practice.keyboard.press('ControlOrMeta+A');
      await practice.keyboard.type(String(n));
      await practice.keyboard.press('Tab');
    };
    await setCount(2);
    await expect.poll(() => inputs(practice).count(), { timeout: 120_000 }).toBe(2);
    expect(await blankedWords(practice, STORY)).toHaveLength(2);
    await setCount(8);
    await expect.poll(() => inputs(practice).count(), { timeout: 120_000 }).toBe(8);
    const eight = await blankedWords(practice, STORY);
    expect(new Set(eight).size).toBe(8);

    // A new difficulty is a new exercise (typed answers are gone) with the same count.
    await setCount(3);
    await expect.poll(() => inputs(practice).count(), { timeout: 120_000 }).toBe(3);
    await inputs(practice).first().fill('typed');
    await practice.locator('[data-testid=difficulty]').selectOption('hard');
    await expect
      .poll(async () => (await inputs(practice).count()) === 3 && (await inputs(practice).first().inputValue()) === '', { timeout: 120_000 })
      .toBe(true);
    expect(await practice.locator('[data-testid=difficulty]').inputValue()).toBe('hard');
    expect(await blankedWords(practice, STORY)).toHaveLength(3);
    await inputs(practice).first().fill('typed');
    await practice.locator('[data-testid=difficulty]').selectOption('easy');
    await expect
      .poll(async () => (await inputs(practice).count()) === 3 && (await inputs(practice).first().inputValue()) === '', { timeout: 120_000 })
      .toBe(true);
  });

  it('practises on the article’s main text when nothing is selected', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/article.html`);
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=no-selection]').waitFor();
    await popup.locator('[data-testid=practise-article]').waitFor({ timeout: 30_000 });
    expect(await popup.locator('[data-testid=practise-article]').textContent()).toBe('Practise on this article');
    const practice = await openFromPopup(s, popup, 'practise-article');
    expect(practice.url()).not.toContain('river');

    // Readability's article: the headline and the paragraphs, one block each.
    const article = await page.$$eval('#story h1, #story p', (ps) => ps.map((p) => p.textContent!.replace(/\s+/g, ' ').trim()).join('\n\n'));
    const words = await blankedWords(practice, article);
    expect(words.length).toBeGreaterThan(1);
    const shown = (await practice.locator('[data-testid=passage]').textContent())!;
    for (const chrome of ['Gazette', 'Subscribe', 'newsletter', 'Election', 'Championship', 'Copyright', 'Most read', 'Politics']) {
      expect(shown).not.toContain(chrome);
    }
    // The shown passage is the article's paragraphs with the blanked words taken out.
    for (const word of words) expect(word).toMatch(/^[A-Za-z]+$/);
    expect(await practice.locator('[data-testid=sections]').count()).toBe(0);
  });

  it('offers a long article in sections, whole, with previous and next', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/article.html`);
    // A long read: 40 more paragraphs (~30 000 characters, past the old 20 000 cut), each naming its number.
    const added = await page.evaluate(() => {
      const story = document.getElementById('story')!;
      const texts: string[] = [];
      for (let i = 1; i <= 40; i++) {
        const text = `Paragraph marker${i} begins here. `
          .concat('The volunteers carried sandbags along the muddy river bank while the rain kept falling on the valley. '.repeat(7))
          .trim();
        const p = document.createElement('p');
        p.textContent = text;
        story.append(p);
        texts.push(text);
      }
      // A lazy image: Readability gives it its real src, in the clone only, which loads nothing.
      const img = Object.assign(document.createElement('img'), { className: 'lazy' });
      img.dataset.src = `${location.origin}/never-loaded.png`;
      story.append(img);
      return texts.join('\n\n').length;
    });
    expect(added).toBeGreaterThan(20_000);
    const popup = await openPopup(s, page);
    await popup.locator('[data-testid=practise-article]').waitFor({ timeout: 30_000 });
    expect(await popup.locator('[data-testid=main-text] .notice').count()).toBe(0);
    const practice = await openFromPopup(s, popup, 'practise-article');
    const label = practice.locator('[data-testid=section-label]');
    const sectionText = async () => (await label.textContent())!;
    const n = Number(/^Section 1 of (\d+)$/.exec(await sectionText())?.[1]);
    expect(n).toBeGreaterThanOrEqual(15);
    expect(await practice.locator('[data-testid=section-previous]').isDisabled()).toBe(true);
    const passage = practice.locator('[data-testid=passage]');
    // Paragraph numbers in the shown passage (never blanked: blanks are words of letters only).
    const markers = async () => [...((await passage.textContent()) ?? '').matchAll(/marker(\d+)/g)].map((m) => Number(m[1]));
    const first = await markers();
    expect(Math.max(0, ...first)).toBeLessThan(10);

    await practice.locator('[data-testid=section-next]').click();
    await expect.poll(sectionText).toBe(`Section 2 of ${n}`);
    await expect
      .poll(async () => Math.min(...(await markers())) > Math.max(0, ...first) && (await inputs(practice).count()) > 0, { timeout: 120_000 })
      .toBe(true);
    expect(await practice.locator('[data-testid=section-previous]').isDisabled()).toBe(false);

    // The last section holds the end of the article: nothing was cut.
    for (let i = 2; i < n; i++) await practice.locator('[data-testid=section-next]').click();
    await expect.poll(sectionText).toBe(`Section ${n} of ${n}`);
    expect(await practice.locator('[data-testid=section-next]').isDisabled()).toBe(true);
    await expect.poll(async () => (await markers()).includes(40), { timeout: 120_000 }).toBe(true);
    await practice.locator('[data-testid=section-previous]').click();
    await expect.poll(sectionText).toBe(`Section ${n - 1} of ${n}`);
    expect(s.network.filter((r) => r.url.includes('never-loaded'))).toEqual([]);
  });
});

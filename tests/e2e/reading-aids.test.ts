// The reading aids in the browser: a Chinese word's pinyin in the bubble, one span per syllable
// coloured by the chosen scheme (colours readable: axe's contrast check passes), zhuyin when
// chosen; a polyphone's chosen and other readings; an English word's Chinese equivalents and its
// level; speaking from the background; the popup's diagnostics behind a disclosure.
// Stubbed: chrome.tts in the extension's service worker (getVoices and speak replaced there by
// the test, to observe the call; headless Chromium has no voices). Nothing else. The speak
// shortcut (Alt+Shift+A) is run through the background's own handler (globalThis.sesameSpeakCommand,
// what commands.onCommand calls): a headless browser does not deliver extension shortcuts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readableColor, TONE_COLOR_SCHEMES } from '@/models/shared/text/tone-colors';
import { bubbleDocument, bubbleFrame, bubbleShown, dblclickWord, inBubble, launch, openPopup, type Session, selectText, tabIdOf, trigger } from './harness';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** rgb() as getComputedStyle writes it, for a #rrggbb colour. */
const rgb = (hex: string) => `rgb(${[1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(', ')})`;

async function lookUpChinese(s: Session, page: Page, selector: string, word: string): Promise<void> {
  await selectText(page, selector, word);
  await trigger(s, page, 'sense');
  await inBubble(page, 'reading').waitFor({ timeout: 120_000 });
}

/** Serious or critical axe findings in the bubble (its own document, in its frame), light and dark. */
async function bubbleViolations(page: Page): Promise<string[]> {
  const frame = await bubbleDocument(page);
  // Injected with evaluate: the extension page's CSP would block a script tag.
  if (!(await frame.evaluate(() => 'axe' in window))) await frame.evaluate(AXE);
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const ids = await frame.evaluate(async () => {
      const { axe } = window as unknown as { axe: { run(c: unknown): Promise<{ violations: { id: string; impact?: string | null }[] }> } };
      const r = await axe.run({ include: ['.bubble'] });
      return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    found.push(...ids.map((id) => `${scheme}: ${id}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** Serious or critical axe findings in the on-page notice, light and dark; fails if axe checked no contrast there. */
async function noticeViolations(page: Page): Promise<string[]> {
  await page.evaluate(() => document.body.append(document.querySelector('sesame-notice')!));
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const r = await page.evaluate(async () => {
      type Result = { id: string; impact?: string | null; nodes: unknown[] };
      const { axe } = window as unknown as { axe: { run(c: unknown): Promise<{ violations: Result[]; passes: Result[] }> } };
      const out = await axe.run({ include: { fromShadowDom: ['sesame-notice', '.notice'] } });
      return {
        contrast: out.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0,
        ids: out.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
      };
    });
    expect(r.contrast, `${scheme}: contrast checked in the notice`).toBeGreaterThan(0);
    found.push(...r.ids.map((id) => `${scheme}: ${id}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** Replaces chrome.tts in the service worker with a recorder that has the given voices. */
function stubTts(s: Session, voices: { voiceName: string; lang: string; remote: boolean }[]) {
  return s.worker.evaluate((voices) => {
    const g = globalThis as unknown as { spokenByTest: unknown[] };
    g.spokenByTest = [];
    const tts = chrome.tts as unknown as Record<string, unknown>;
    tts.getVoices = (cb: (v: unknown[]) => void) => cb(voices);
    tts.speak = (text: string, options: Record<string, unknown>, cb?: () => void) => {
      g.spokenByTest.push({ text, lang: options.lang, voiceName: options.voiceName, enqueue: options.enqueue });
      cb?.();
    };
  }, voices);
}
const spoken = (s: Session) => s.worker.evaluate(() => (globalThis as unknown as { spokenByTest: unknown[] }).spokenByTest);

describe('reading aids (Hanping tone colours)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ settings: { reading: { pinyin: 'marks', toneColors: 'hanping' } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('shows a Chinese word’s pinyin as tone-marked syllables, each coloured readably, with its level', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await lookUpChinese(s, page, '#r1', '银行');
    const reading = inBubble(page, 'reading');
    expect(await reading.getAttribute('data-by')).toBe('word');
    const syllables = reading.locator('[data-testid=syllable]');
    expect(await syllables.allTextContents()).toEqual(['yín', 'háng']);
    expect(await syllables.evaluateAll((els) => els.map((e) => e.getAttribute('data-tone')))).toEqual(['2', '2']);
    // Hanping's second tone, made readable on white; the light scheme is emulated.
    await page.emulateMedia({ colorScheme: 'light' });
    const colour = await syllables.first().evaluate((e) => getComputedStyle(e).color);
    expect(colour).toBe(rgb(readableColor(TONE_COLOR_SCHEMES.hanping[1], '#ffffff')));
    // Text only: the syllables are text nodes in spans, nothing else.
    expect(await reading.locator('[data-testid=pinyin] *:not([data-testid=syllable])').count()).toBe(0);
    await inBubble(page, 'level').waitFor();
    expect(await inBubble(page, 'level-hsk').textContent()).toBe('HSK 3');
    expect(await bubbleViolations(page)).toEqual([]);
    await page.close();
  });

  it('reads a polyphone from its senses and lists its other readings', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await lookUpChinese(s, page, '#r2', '行');
    const reading = inBubble(page, 'reading');
    expect(['context', 'dictionary']).toContain(await reading.getAttribute('data-by'));
    const shown = (await reading.locator('[data-testid=pinyin]').first().textContent())!;
    const others = (await inBubble(page, 'other-readings').textContent())!;
    // háng and xíng both appear: one chosen, the other listed.
    expect(`${shown} ${others}`).toMatch(/háng/);
    expect(`${shown} ${others}`).toMatch(/xíng/);
    expect(others).not.toContain(shown);
    await page.close();
  });

  it('gives an English word its Chinese equivalents, ranked like its WordNet senses, and a level', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await dblclickWord(page, '#r3', 'bank');
    await inBubble(page, 'equivalents').waitFor({ timeout: 120_000 });
    const method = await inBubble(page, 'equivalent-method').getAttribute('data-method');
    expect(method).toBe(await inBubble(page, 'gloss-method').getAttribute('data-method'));
    const words = await bubbleFrame(page).locator('[data-testid=equivalent] .sub').allTextContents();
    expect(words.length).toBeGreaterThan(0);
    expect(words.every((w) => /^\p{Script=Han}+$/u.test(w))).toBe(true);
    expect(words.length).toBeLessThanOrEqual(3);
    // The English UI puts WordNet first; each equivalent has a tone-coloured reading.
    const order = await (await bubbleDocument(page)).evaluate(() => {
      const all = [...document.querySelectorAll('[data-testid=glosses], [data-testid=equivalents]')];
      return all.map((e) => e.getAttribute('data-testid'));
    });
    expect(order).toEqual(['glosses', 'equivalents']);
    expect(await bubbleFrame(page).locator('[data-testid=equivalent] [data-testid=syllable]').count()).toBeGreaterThan(0);
    expect(await inBubble(page, 'level').getAttribute('data-band')).toBe('2');
    expect(await inBubble(page, 'level-predicted').textContent()).toMatch(/here \(/);
    expect(await bubbleViolations(page)).toEqual([]);
    await page.close();
  });

  it('speaks the word and its sentence from the background with a local voice, and says when there is none', async () => {
    await stubTts(s, [
      { voiceName: 'Online Mandarin', lang: 'zh-CN', remote: true },
      { voiceName: 'Test Mandarin', lang: 'zh-CN', remote: false },
      { voiceName: 'Online English', lang: 'en-US', remote: true },
    ]);
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    // The page never sees speech: nothing in its own world is called.
    await page.evaluate(() => {
      (window as unknown as { pageSpoke: number }).pageSpoke = 0;
      speechSynthesis.speak = () => void (window as unknown as { pageSpoke: number }).pageSpoke++;
    });
    await lookUpChinese(s, page, '#r1', '银行');
    await bubbleShown(page);
    await inBubble(page, 'speak-word').click();
    await expect.poll(() => inBubble(page, 'speak-status').getAttribute('data-state')).toBe('speaking');
    expect(await inBubble(page, 'speak-status').textContent()).toContain('Test Mandarin');
    await inBubble(page, 'speak-sentence').click();
    await expect.poll(() => spoken(s)).toHaveLength(2);
    expect(await spoken(s)).toEqual([
      { text: '银行', lang: 'zh-CN', voiceName: 'Test Mandarin', enqueue: false },
      { text: '他在银行工作了十年。', lang: 'zh-CN', voiceName: 'Test Mandarin', enqueue: false },
    ]);
    // English has only a network voice here: nothing is spoken, and the bubble says why.
    // Closed first: the bubble may cover the English line.
    await page.keyboard.press('Escape');
    await page.locator('sesame-bubble').waitFor({ state: 'detached' });
    await dblclickWord(page, '#r3', 'bank');
    await inBubble(page, 'equivalents').waitFor({ timeout: 120_000 });
    expect(await bubbleFrame(page).locator('.word').textContent()).toBe('bank');
    // A new word starts with nothing said.
    expect(await inBubble(page, 'speak-status').getAttribute('data-state')).toBe('idle');
    await bubbleShown(page);
    await inBubble(page, 'speak-word').click();
    await expect.poll(() => inBubble(page, 'speak-status').getAttribute('data-state')).toBe('no-voice');
    expect(await inBubble(page, 'speak-status').textContent()).toMatch(/No on-device English voice/);
    expect(await spoken(s)).toHaveLength(2);
    expect(await page.evaluate(() => (window as unknown as { pageSpoke: number }).pageSpoke)).toBe(0);
    await page.close();
  });

  it('the speak shortcut with no voice at all says so on the page: a notice without a bubble, in the bubble with one; nothing is spoken', async () => {
    // No voice of any kind, local or remote (what a bare headless Chromium has).
    await stubTts(s, []);
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await page.evaluate(() => {
      (window as unknown as { pageSpoke: number }).pageSpoke = 0;
      speechSynthesis.speak = () => void (window as unknown as { pageSpoke: number }).pageSpoke++;
    });
    const tabId = await tabIdOf(s, page);
    const shortcut = () =>
      s.worker.evaluate((tabId) => (globalThis as unknown as { sesameSpeakCommand(id: number): Promise<{ kind: string }> }).sesameSpeakCommand(tabId), tabId);
    // No bubble open: a small notice by the selection, as text.
    await selectText(page, '#r1', '银行');
    expect(await shortcut()).toEqual({ kind: 'no-voice', lang: 'zh' });
    const notice = page.locator('sesame-notice [data-testid=page-notice]');
    await expect.poll(() => notice.isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await notice.textContent()).toMatch(/^No on-device Chinese voice is installed/);
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.locator('*').count()).toBe(0);
    expect(await page.locator('sesame-bubble').count()).toBe(0);
    // Near the selection, not over it.
    const [word, box] = await Promise.all([
      page.evaluate(() => window.getSelection()!.getRangeAt(0).getBoundingClientRect().toJSON() as DOMRect),
      notice.boundingBox(),
    ]);
    expect(box!.y).toBeGreaterThanOrEqual(word.bottom);
    // axe, light and dark: shown anew first (it goes after 8 s), moved into <body> where axe's contrast check looks.
    expect(await shortcut()).toEqual({ kind: 'no-voice', lang: 'zh' });
    expect(await noticeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => notice.isVisible()).toBe(false);
    // An English word: the English message.
    await selectText(page, '#r3', 'bank');
    expect(await shortcut()).toEqual({ kind: 'no-voice', lang: 'en' });
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toMatch(/^No on-device English voice is installed/);
    await page.keyboard.press('Escape');
    // The bubble open: it says so there, not in a notice over it.
    await lookUpChinese(s, page, '#r1', '银行');
    expect(await inBubble(page, 'bubble-status').count()).toBe(0);
    await selectText(page, '#r1', '银行');
    expect(await shortcut()).toEqual({ kind: 'no-voice', lang: 'zh' });
    await expect.poll(() => inBubble(page, 'bubble-status').textContent(), { timeout: 10_000 }).toMatch(/^No on-device Chinese voice is installed/);
    expect(await inBubble(page, 'bubble-status').getAttribute('role')).toBe('status');
    expect(await notice.isVisible()).toBe(false);
    expect(await bubbleViolations(page)).toEqual([]);
    // The bubble's own button says the same with no voice at all.
    await bubbleShown(page);
    await inBubble(page, 'speak-word').click();
    await expect.poll(() => inBubble(page, 'speak-status').getAttribute('data-state')).toBe('no-voice');
    expect(await inBubble(page, 'speak-status').textContent()).toMatch(/No on-device Chinese voice/);
    expect(await spoken(s)).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { pageSpoke: number }).pageSpoke)).toBe(0);
    await page.close();
  });

  it('popup: the user’s controls first, diagnostics behind a disclosure, no sideways overflow', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    const popup = await openPopup(s, page);
    const disclosure = popup.locator('[data-testid=diagnostics-disclosure]');
    await disclosure.waitFor({ state: 'attached', timeout: 60_000 });
    expect(await disclosure.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await popup.locator('[data-testid=threads]').isVisible()).toBe(false);
    // The site switch (the user's own control) comes before the diagnostics.
    const before = await popup.evaluate(() => {
      const toggle = document.querySelector('[data-testid=site-toggle]')!;
      const diag = document.querySelector('[data-testid=diagnostics-disclosure]')!;
      return Boolean(toggle.compareDocumentPosition(diag) & Node.DOCUMENT_POSITION_FOLLOWING);
    });
    expect(before).toBe(true);
    await disclosure.locator('summary').click();
    await popup.locator('[data-testid=threads]').waitFor({ state: 'visible' });
    expect(Number(await popup.locator('[data-testid=threads]').textContent())).toBeGreaterThanOrEqual(1);
    const fits = await popup.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1);
    expect(fits).toBe(true);
    await popup.close();
    await page.close();
  });
});

describe('reading settings in Options', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('chooses the reading style and tone colours, with a sample, and the bubble follows', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    const sample = options.locator('[data-testid=reading-sample] [data-testid=syllable]');
    await expect.poll(() => sample.allTextContents()).toEqual(['mā', 'má', 'mǎ', 'mà', 'ma']);
    await options.locator('[data-testid=pinyin-style]').selectOption('zhuyin');
    await options.locator('[data-testid=tone-colors]').selectOption('pleco');
    await expect.poll(() => sample.allTextContents()).toEqual(['ㄇㄚ', 'ㄇㄚˊ', 'ㄇㄚˇ', 'ㄇㄚˋ', '˙ㄇㄚ']);
    await options.emulateMedia({ colorScheme: 'light' });
    // Pleco's first tone (#e30000) passes on white as it is.
    expect(await sample.first().evaluate((e) => getComputedStyle(e).color)).toBe(rgb(TONE_COLOR_SCHEMES.pleco[0]));
    const stored = await s.worker.evaluate(async () => (await chrome.storage.local.get('settings')).settings?.reading);
    expect(stored).toEqual({ pinyin: 'zhuyin', toneColors: 'pleco' });
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await lookUpChinese(s, page, '#r1', '银行');
    expect(await inBubble(page, 'reading').locator('[data-testid=syllable]').allTextContents()).toEqual(['ㄧㄣˊ', 'ㄏㄤˊ']);
    await Promise.all([page.close(), options.close()]);
  });
});

describe('reading aids (zhuyin, no tone colours)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ settings: { reading: { pinyin: 'zhuyin', toneColors: 'none' } } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('writes the reading in zhuyin, uncoloured', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/reading.html`);
    await lookUpChinese(s, page, '#r1', '银行');
    const syllables = inBubble(page, 'reading').locator('[data-testid=syllable]');
    expect(await syllables.allTextContents()).toEqual(['ㄧㄣˊ', 'ㄏㄤˊ']);
    expect(await syllables.first().getAttribute('style')).toBeNull();
    expect(await inBubble(page, 'reading').locator('[data-testid=pinyin]').getAttribute('lang')).toBe('zh-Bopo');
    await page.close();
  });
});

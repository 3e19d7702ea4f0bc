// The learning loop in Chromium: Anki turned on in Settings (the browser asked for the loopback
// permission), connected to the fake AnkiConnect (tests/support/anki-server.mjs: Anki itself cannot
// run here), a note added from the bubble; saved words become review cards, counted on the toolbar
// badge; three cards reviewed from the keyboard; axe on the review page and the Anki section.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startAnkiServer } from '../support/anki-server.mjs';
import { bubbleShown, dblclickWord, extensionRequest, inBubble, launch, type Session } from './harness';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AnkiServer {
  url: string;
  notes: { deckName: string; modelName: string; fields: Record<string, string>; tags: string[] }[];
  requests: { origin?: string; body: { action: string } | null }[];
  close(): Promise<void>;
}

/** Serious and critical axe violations on the page, light and dark. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const ids = await page.evaluate(async () => {
      const { axe } = window as unknown as { axe: { run(c: unknown): Promise<{ violations: { id: string; impact?: string | null }[] }> } };
      return (await axe.run(document)).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    found.push(...ids.map((id) => `${scheme}: ${id}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/**
 * Headless Chromium cannot show the permission prompt (permissions.request waits for it forever),
 * and no test tool can answer it. So the test grants what the prompt would, where the browser keeps
 * it: the profile's record of the extension's granted and active host permissions, written while
 * the browser is closed. Then permissions.request resolves at once, as for a permission granted before.
 */
function grantLoopbackAccess(profile: string, extensionId: string): void {
  const file = join(profile, 'Default', 'Preferences');
  const prefs = JSON.parse(readFileSync(file, 'utf8'));
  const ext = prefs.extensions.settings[extensionId];
  for (const key of ['granted_permissions', 'active_permissions']) {
    ext[key] = { ...ext[key], explicit_host: [...(ext[key]?.explicit_host ?? []), 'http://127.0.0.1/*'] };
  }
  writeFileSync(file, JSON.stringify(prefs));
}

const hasLoopbackAccess = (s: Session) => s.worker.evaluate(() => chrome.permissions.contains({ origins: ['http://127.0.0.1/*'] }));

const badge = (s: Session) => s.worker.evaluate(() => chrome.action.getBadgeText({}));

describe('learning loop', () => {
  let s: Session;
  let anki: AnkiServer;
  const profile = mkdtempSync(join(tmpdir(), 'sesame-learning-'));
  beforeAll(async () => {
    anki = (await startAnkiServer({ decks: ['Default', 'Sesame'] })) as AnkiServer;
    // First run: Anki on in storage but no access granted: the background asks nothing of Anki.
    const first = await launch({
      profile,
      settings: { anki: { enabled: true, url: anki.url, key: '', deck: 'Sesame', model: 'Cloze', fieldMap: {}, tags: [] } },
    });
    expect(await hasLoopbackAccess(first)).toBe(false);
    await expect(extensionRequest(first, { type: 'anki.connect' })).rejects.toThrow(/"kind":"no-access"/);
    expect(anki.requests).toHaveLength(0);
    await first.close();
    grantLoopbackAccess(profile, first.extensionId);
    s = await launch({ profile });
  });
  afterAll(async () => {
    await s?.close();
    await anki?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('turns Anki on in Settings, connects, and adds a note from the bubble', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    expect(await options.locator('[data-testid=anki-enabled]').isChecked()).toBe(false);
    expect(await options.locator('[data-testid=anki-setup]').count()).toBe(0);
    await options.locator('[data-testid=anki-enabled]').click();
    await options.locator('[data-testid=anki-setup]').waitFor({ timeout: 15_000 });
    expect(await hasLoopbackAccess(s)).toBe(true);
    await options.locator('[data-testid=anki-url]').fill(anki.url);
    await options.locator('[data-testid=anki-connect]').click();
    await expect.poll(() => options.locator('[data-testid=anki-status]').textContent(), { timeout: 15_000 }).toBe('Connected to AnkiConnect (API version 6).');
    await options.locator('[data-testid=anki-deck]').selectOption('Sesame');
    expect(await options.locator('[data-testid=anki-model]').inputValue()).toBe('Cloze');
    expect(await options.locator('[data-testid=anki-field][data-field=Text]').inputValue()).toBe('cloze');
    expect(await options.locator('[data-testid=anki-field][data-field="Back Extra"]').inputValue()).toBe('extra');
    await options.locator('[data-testid=anki-save]').click();
    await expect.poll(() => options.locator('[data-testid=anki-status]').textContent()).toBe('Anki settings saved.');
    expect(await axeViolations(options)).toEqual([]);

    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s1', 'bank');
    await inBubble(page, 'senses').waitFor({ timeout: 120_000 });
    await bubbleShown(page);
    await inBubble(page, 'save-word').click();
    const add = inBubble(page, 'add-to-anki');
    await add.waitFor({ timeout: 15_000 });
    expect(await add.textContent()).toBe('Add to Anki');
    await add.click();
    await expect.poll(() => add.textContent(), { timeout: 15_000 }).toBe('Added to Anki');
    expect(anki.notes).toHaveLength(1);
    const note = anki.notes[0]!;
    expect(note).toMatchObject({ deckName: 'Sesame', modelName: 'Cloze', tags: ['sesame'] });
    expect(note.fields.Text).toBe('She went to the {{c1::bank}} to deposit her salary before noon.');
    expect(note.fields['Back Extra']).toContain(`${s.pagesUrl}/senses.html`);
    // Every AnkiConnect request came from the extension (its service worker), none from the page.
    expect(anki.requests.every((r) => r.origin === `chrome-extension://${s.extensionId}`)).toBe(true);

    // The word list knows it is in Anki now.
    await options.reload();
    const row = options.locator('[data-testid=word-entry]').first();
    await expect.poll(() => row.locator('[data-testid=add-to-anki]').textContent(), { timeout: 15_000 }).toBe('Already in Anki');
  });

  it('makes saved words review cards, counts them on the badge, and reviews three from the keyboard', async () => {
    // Two more words saved (as the bubble saves them: in the word list); the background makes cards of them.
    await s.worker.evaluate(async () => {
      const { wordList } = await chrome.storage.local.get('wordList');
      const more = [
        {
          id: 'w-boats',
          date: Date.now(),
          url: 'http://127.0.0.1/x',
          lang: 'en',
          word: 'boats',
          sentence: 'We watched the boats on the river.',
          start: 15,
          end: 20,
          sense: [],
          substitutes: ['ships'],
        },
        {
          id: 'w-fee',
          date: Date.now(),
          url: 'http://127.0.0.1/y',
          lang: 'en',
          word: 'fee',
          sentence: 'My bank charges a fee for every transfer.',
          start: 18,
          end: 21,
          sense: [],
          substitutes: ['charge'],
        },
      ];
      await chrome.storage.local.set({ wordList: [...more, ...(wordList as unknown[])] });
    });
    await expect.poll(() => badge(s), { timeout: 15_000 }).toBe('3');

    const review = await s.context.newPage();
    await review.goto(`chrome-extension://${s.extensionId}/review.html`);
    const card = review.locator('[data-testid=review-card]');
    await card.waitFor();
    expect(await review.locator('[data-testid=review-due]').getAttribute('data-due')).toBe('3');
    expect(await axeViolations(review)).toEqual([]);

    const seen: string[] = [];
    /** The saved word of each card: the two stored here by id, the bubble's one (a random id) "bank". */
    const wordOf = (id: string) => (id.endsWith('w-boats') ? 'boats' : id.endsWith('w-fee') ? 'fee' : 'bank');
    for (const [i, key] of ['3', '1', '4'].entries()) {
      await card.and(review.locator('[data-phase=answer]')).waitFor({ timeout: 15_000 });
      const id = (await card.getAttribute('data-card'))!;
      seen.push(id);
      // Keyboard only: the answer field has focus; Enter checks, Esc shows the word.
      await expect.poll(() => review.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('review-answer');
      // The first card answered right, the second shown with Esc, the third answered with another word (which the model judges).
      if (i === 1) await review.keyboard.press('Escape');
      else {
        await review.keyboard.type(i === 0 ? wordOf(id).toUpperCase() : 'zebra');
        await review.keyboard.press('Enter');
      }
      const verdict = review.locator('[data-testid=review-verdict]');
      await verdict.waitFor({ timeout: 120_000 });
      if (i === 0) expect(await verdict.getAttribute('data-verdict')).toBe('correct');
      if (i === 1) expect(await verdict.getAttribute('data-verdict')).toBe('revealed');
      if (i === 2) expect(['wrong', 'acceptable']).toContain(await verdict.getAttribute('data-verdict'));
      expect(await verdict.textContent()).toContain(wordOf(id));
      // The rating the outcome suggests has focus: Good for the right word, Again for a shown one.
      if (i < 2) {
        await expect.poll(() => review.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(i === 0 ? 'rate-good' : 'rate-again');
      }
      if (i === 0) expect(await axeViolations(review)).toEqual([]);
      await review.keyboard.press(key);
      await expect.poll(async () => (await card.count()) === 0 || (await card.getAttribute('data-card')) !== id, { timeout: 15_000 }).toBe(true);
    }
    expect(new Set(seen).size).toBe(3);
    // The model judged the typed answers (two cloze.check requests); the shown word needed none.
    const checks = await s.worker.evaluate(() => globalThis.sesameRouterStats?.requests['cloze.check'] ?? 0);
    expect(checks).toBe(2);
    await review.locator('[data-testid=review-empty]').waitFor();
    expect(await review.locator('[data-testid=review-empty]').textContent()).toBe('All done for now.');
    // Each card was reviewed once, with the grade its key gave; none is due now, and the badge says so.
    const cards = await s.worker.evaluate(
      async () => ((await chrome.storage.local.get('review')).review as { cards: { id: string; memory: { reps: number; due: number } }[] }).cards,
    );
    expect(cards).toHaveLength(3);
    expect(cards.every((c) => c.memory.reps === 1 && c.memory.due > Date.now())).toBe(true);
    // Keys 3, 1, 4: Good, Again, Easy; Easy brings its card back last, Again first.
    const dueOf = (n: number) => cards.find((c) => c.id === seen[n])!.memory.due;
    expect(dueOf(1)).toBeLessThan(dueOf(0));
    expect(dueOf(0)).toBeLessThan(dueOf(2));
    await expect.poll(() => badge(s), { timeout: 15_000 }).toBe('');

    // "Practise what I read this week": the practice page opens on this week's saved sentences.
    const opened = s.context.waitForEvent('page');
    await review.locator('[data-testid=practise-week]').click();
    const practice = await opened;
    await practice.waitForURL(/\/practice\.html#[\w-]+$/);
    const id = new URL(practice.url()).hash.slice(1);
    const passage = await s.worker.evaluate(
      async (key) => ((await chrome.storage.session.get('practicePassages')).practicePassages as Record<string, { text: string; lang: string }>)[key],
      id,
    );
    expect(passage?.lang).toBe('en');
    for (const sentence of [
      'She went to the bank to deposit her salary before noon.',
      'We watched the boats on the river.',
      'My bank charges a fee for every transfer.',
    ]) {
      expect(passage?.text).toContain(sentence);
    }
    await practice.close();
  });

  it('exports the word list with the review state, clears it all, and imports it back', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    await options.locator('[data-testid=word-entry]').first().waitFor();
    const download = options.waitForEvent('download');
    await options.locator('[data-testid=backup-export]').click();
    const path = (await (await download).path())!;
    const file = JSON.parse(readFileSync(path, 'utf8')) as { format: string; words: unknown[]; review: { cards: { memory: { reps: number } }[] } };
    expect(file.format).toBe('sesame-learning');
    expect(file.words).toHaveLength(3);
    expect(file.review.cards.map((c) => c.memory.reps)).toEqual([1, 1, 1]);

    options.once('dialog', (d) => void d.accept());
    await options.locator('[data-testid=clear-data]').click();
    await expect.poll(() => options.locator('[data-testid=word-entry]').count()).toBe(0);
    const cleared = await s.worker.evaluate(async () => (await chrome.storage.local.get('review')).review as { cards: unknown[] });
    expect(cleared.cards).toEqual([]);

    const chooseFile = async (files: Parameters<import('playwright-core').FileChooser['setFiles']>[0]) => {
      const chooser = options.waitForEvent('filechooser');
      await options.locator('[data-testid=backup-import]').click();
      await (await chooser).setFiles(files);
    };
    await chooseFile(path);
    await expect.poll(() => options.locator('[data-testid=word-entry]').count(), { timeout: 15_000 }).toBe(3);
    await expect.poll(() => options.getByText('Imported 3 new words and 3 new review cards; 0 damaged entries left out.').count()).toBe(1);
    const restored = await s.worker.evaluate(async () => (await chrome.storage.local.get('review')).review as { cards: { memory: { reps: number } }[] });
    expect(restored.cards.map((c) => c.memory.reps)).toEqual([1, 1, 1]);

    // A file that is not Sesame's: a clear message, nothing lost.
    await chooseFile({ name: 'words.csv', mimeType: 'text/csv', buffer: Buffer.from('word,sentence\nbank,x') });
    await expect.poll(() => options.getByText('This file is not a Sesame backup: it is not JSON.').count()).toBe(1);
    expect(await options.locator('[data-testid=word-entry]').count()).toBe(3);
  });

  it('asks nothing of Anki once it is turned off', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    const enabled = options.locator('[data-testid=anki-enabled]');
    expect(await enabled.isChecked()).toBe(true);
    await enabled.click();
    await options.locator('[data-testid=anki-setup]').waitFor({ state: 'detached' });
    const before = anki.requests.length;
    await expect(extensionRequest(s, { type: 'anki.decks' })).rejects.toThrow(/"kind":"off"/);
    expect(anki.requests.length).toBe(before);
  });
});

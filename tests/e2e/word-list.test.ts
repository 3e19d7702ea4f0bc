// The word list and the model manager: save a word from the bubble, review it in Settings with
// its sentence and sense, export it to Anki with the cloze history, clear every saved thing; the
// installed models show where they run; the keyboard shortcuts are listed.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, launch, type Session, bubbleFrame } from './harness';

describe('word list and model manager', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('saves a word with its sentence and sense, exports it, and "Clear my data" removes it', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s1', 'bank');
    await bubbleFrame(page).locator('[data-testid=senses]').waitFor({ timeout: 120_000 });
    const save = bubbleFrame(page).locator('[data-testid=save-word]');
    await save.click();
    await expect.poll(() => save.textContent()).toBe('Saved');
    expect(await save.isDisabled()).toBe(true);

    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    const entry = options.locator('[data-testid=word-entry]');
    await entry.first().waitFor();
    expect(await entry.count()).toBe(1);
    expect(await entry.locator('th').textContent()).toBe('bank');
    expect(await entry.locator('td').first().textContent()).toContain('She went to the bank to deposit her salary before noon.');
    expect(await entry.locator('td .muted').first().textContent()).toMatch(/^Sense: /);

    const download = options.waitForEvent('download');
    await options.locator('[data-testid=export-all]').click();
    const csv = readFileSync((await (await download).path())!, 'utf8');
    expect(csv).toContain('#notetype:Cloze');
    expect(csv).toContain('"She went to the {{c1::bank}} to deposit her salary before noon."');

    // Something in the cloze history too, then clear everything.
    await s.worker.evaluate(() =>
      chrome.storage.local.set({ clozeHistory: [{ id: 'h', date: 1, url: '', lang: 'en', text: 'a b', blanks: [], points: 0, max: 0 }] }),
    );
    options.once('dialog', (d) => void d.accept());
    await options.locator('[data-testid=clear-data]').click();
    await expect.poll(() => entry.count()).toBe(0);
    const stored = await s.worker.evaluate(async () => ({
      local: await chrome.storage.local.get(['wordList', 'clozeHistory']),
      session: await chrome.storage.session.get('practicePassages'),
    }));
    expect(stored.local).toEqual({ wordList: [], clozeHistory: [] });
    expect(stored.session.practicePassages ?? {}).toEqual({});
  });

  it('lists installed models with where they run, and the tools’ keyboard shortcuts', async () => {
    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    await expect.poll(() => options.locator('[data-testid=model-runtime]').first().textContent(), { timeout: 30_000 }).toMatch(/^q8 · WASM, \d+ thread/);
    // What the browser has bound (it may leave a suggested key unbound when it clashes).
    const bound: [string, string][] = await s.worker.evaluate(async () =>
      (await chrome.commands.getAll()).map((c: { name?: string; shortcut?: string }): [string, string] => [c.name ?? '', c.shortcut || 'not set']),
    );
    expect(bound.map(([name]) => name)).toEqual(expect.arrayContaining(['sense-lookup', 'cloze-practice', 'continue-text', 'speak-word']));
    for (const [name, shortcut] of bound.filter(([name]) => name !== '_execute_action')) {
      expect(await options.locator(`[data-testid=shortcut-${name}]`).textContent()).toBe(shortcut);
    }
    expect(bound).toContainEqual(['sense-lookup', 'Alt+Shift+S']);
  });
});

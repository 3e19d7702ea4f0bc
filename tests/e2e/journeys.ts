// The core user journeys, written once against the driver interface (driver/types.ts) and run in
// both browsers: Chromium (tests/e2e/*.test.ts, MV3 with the offscreen host) and Firefox
// (tests/e2e-firefox/, MV2 with the background-page host).
import { statSync } from 'node:fs';
import { expect } from 'vitest';
import { kernelWorkers } from '../../models/host/kernels/gemv-threads';
import type { Diagnostics } from '../../models/shared/protocol';
import type { DPage, DSession } from './driver/types';
import { selectTextInPage, wordCentreInPage } from './page-text';

export const STORY =
  'The farmer watched the sleepy cattle grazing near the old wooden barn while his daughter painted the distant mountains. Their neighbours repaired broken fences before the winter storms arrived from the northern valleys.';
export const ZH = '他拿起手机给妈妈打电话，告诉她自己已经到家了。';
const BANK_IDS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];

export const inBubble = (page: DPage, testId: string) => page.locator(`sesame-bubble [data-testid=${testId}]`);

/** A request's answer: its result, or its error (code and message) as the router sent it. */
export async function answerOf(sent: Promise<unknown>): Promise<{ ok: true; result: unknown } | { ok: false; code: string; message: string }> {
  try {
    return { ok: true, result: await sent };
  } catch (error) {
    // The request helpers reject with the error info as JSON (an evaluate may add its own prefix).
    const json = /\{.*\}/s.exec((error as Error).message)?.[0];
    if (!json) throw error;
    return { ok: false, ...(JSON.parse(json) as { code: string; message: string }) };
  }
}

/** Double-clicks the first occurrence of `word` in the element matching `selector`. */
export async function dblclickWord(page: DPage, selector: string, word: string): Promise<void> {
  const box = await page.evaluate(wordCentreInPage, { selector, word });
  await page.mouse.dblclick(box.x, box.y);
}

/** Selects `text` (a substring of the element's text) programmatically. */
export async function selectText(page: DPage, selector: string, text: string): Promise<void> {
  await page.evaluate(selectTextInPage, { selector, text });
}

async function senses(root: DPage, scope: string) {
  const list = root.locator(`${scope} [data-testid=sense]`);
  await list.first().waitFor({ timeout: 120_000 });
  return list;
}

/** What the page's CSS highlight registry holds for Sesame's highlight, read in the page's own world. */
function highlighted(page: DPage): Promise<string | null> {
  return page.evaluate(() => {
    const h = (CSS as unknown as { highlights?: Map<string, Iterable<Range>> }).highlights?.get('sesame-occurrence');
    if (!h) return null;
    const parts: string[] = [];
    for (const r of h) parts.push(r.toString());
    return parts.join('|');
  });
}

// ---- first run ----

/** The welcome page a first install opens (the session was launched with keepOnboarding). */
export function welcomePage(d: DSession): Promise<DPage> {
  return d.waitForPage((url) => url.includes('/onboarding.html'), 30_000);
}

/** The welcome page downloads only the models of the languages the user reads, with progress, and says it works offline. */
export async function welcomeDownloadsChosenLanguages(d: DSession, welcome: DPage): Promise<void> {
  // Settings were written after the welcome page rendered: reload it with them.
  await welcome.reload();
  await welcome.locator('[data-testid=lang-en]').waitFor();
  if (!(await welcome.locator('[data-testid=lang-en]').isChecked())) await welcome.locator('[data-testid=lang-en]').check();
  if (await welcome.locator('[data-testid=lang-zh]').isChecked()) await welcome.locator('[data-testid=lang-zh]').uncheck();
  await expect
    .poll(() => welcome.locator('[data-testid=needed-models] td:first-child').allTextContents())
    .toEqual(['sesame-fixtures/tiny-bert-uncased', 'sesame-fixtures/tiny-gpt2']);
  // Sizes before download come from the hub's file list: exactly the files the load fetches.
  const bytes = (id: string, files: string[]) => files.reduce((sum, f) => sum + statSync(`.fixtures/hub/${id}/${f}`).size, 0);
  const side = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
  const expected = [
    bytes('sesame-fixtures/tiny-bert-uncased', [...side, 'onnx/model_quantized.onnx']),
    bytes('sesame-fixtures/tiny-gpt2', [...side, 'generation_config.json', 'onnx/model_quantized.onnx']),
  ];
  const size = welcome.locator('[data-testid=model-size]');
  const attrs = (name: string) => Promise.all([0, 1].map((i) => size.nth(i).getAttribute(name)));
  await expect.poll(() => attrs('data-exact'), { timeout: 30_000 }).toEqual(['true', 'true']);
  expect((await attrs('data-bytes')).map(Number)).toEqual(expected);
  expect(await size.allTextContents()).toEqual(expected.map((b) => `${(b / 1e6).toFixed(1)} MB`));
  expect(await welcome.locator('[data-testid=total-size]').textContent()).toBe(
    `${((expected[0]! + expected[1]!) / 1e6).toFixed(1)} MB to download (sizes from the model host's file list).`,
  );
  // Asked of the hub's API, before any model file was fetched.
  expect(d.hub.requests.some((r) => r.path === '/api/models/sesame-fixtures/tiny-gpt2/revision/main')).toBe(true);
  expect(d.hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
  await welcome.locator('[data-testid=lang-zh]').check();
  await expect.poll(() => welcome.locator('[data-testid=needed-models] td:first-child').allTextContents()).toContain('sesame-fixtures/tiny-ernie-zh');
  await welcome.locator('[data-testid=lang-zh]').uncheck();

  d.hub.setFault((req) => (req.url?.endsWith('.onnx') ? { chunkDelayMs: 20 } : null));
  const before = d.hub.requests.length;
  await welcome.locator('[data-testid=download]').click();
  await welcome.locator('[data-testid=download-progress] progress').first().waitFor({ timeout: 60_000 });
  await welcome.locator('[data-testid=offline-ready]').waitFor({ timeout: 120_000 });
  d.hub.setFault(null);
  const downloads = d.hub.requests.slice(before).filter((r) => r.path.includes('/resolve/'));
  const fetched = new Set(downloads.map((r) => r.path.split('/').slice(1, 3).join('/')));
  // Model files came through the redirect to the second origin, as the hub's CDN serves them.
  expect(downloads.filter((r) => r.path.endsWith('.onnx') && r.method === 'GET' && !r.range).map((r) => r.origin)).toEqual(['cdn', 'cdn']);
  expect([...fetched].sort()).toEqual(['sesame-fixtures/tiny-bert-uncased', 'sesame-fixtures/tiny-gpt2']);
  const cached = await welcome.evaluate(async () => (await caches.open('sesame-models-v1')).keys().then((k) => k.map((r) => r.url)));
  expect(cached.some((u) => u.includes('tiny-bert-uncased'))).toBe(true);
  expect(cached.some((u) => u.includes('tiny-ernie-zh'))).toBe(false);
}

/** The welcome page's live demo runs each tool on the sample text. */
export async function welcomeDemo(welcome: DPage): Promise<void> {
  const demo = welcome.locator('[data-testid=demo-en]');
  await demo.locator('[data-testid=demo-sense]').click();
  await demo.locator('[data-testid=substitutes] .sub').first().waitFor({ timeout: 60_000 });
  await demo.locator('[data-testid=demo-complete]').click();
  await demo.locator('[data-testid=alternatives] li').first().waitFor({ timeout: 60_000 });
  await demo.locator('[data-testid=demo-cloze]').click();
  await demo.locator('[data-testid=cloze] .blank').first().waitFor({ timeout: 60_000 });
}

// ---- word sense ----

/** Double-click → substitutes, then the senses of all eight uses and WordNet glosses ranked by context; a snippet scrolls to its use. */
export async function senseBubble(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/senses.html`);
  await dblclickWord(page, '#s3', 'bank');
  await page.locator('sesame-bubble [data-testid=substitutes] .sub').first().waitFor({ timeout: 120_000 });
  const clusters = await senses(page, 'sesame-bubble');
  await expect.poll(() => page.locator('sesame-bubble [data-testid=senses] > p').textContent()).toMatch(/^8 uses on this page/);
  expect(await clusters.count()).toBeGreaterThanOrEqual(1);
  expect(await page.locator('sesame-bubble [data-testid=sense][data-selected=true]').count()).toBe(1);
  const method = page.locator('sesame-bubble [data-testid=gloss-method]');
  await method.waitFor();
  expect(await method.getAttribute('data-method')).toBe('context-embedding');
  expect(await method.textContent()).toMatch(/^WordNet/);
  expect(await page.locator('sesame-bubble [data-testid=gloss]').count()).toBeGreaterThan(0);
  // The bubble's snippet scrolls the page too.
  const snippet = page.locator('sesame-bubble [data-testid=snippet]').first();
  const index = Number(await snippet.getAttribute('data-index'));
  await snippet.click();
  await expect.poll(() => highlighted(page)).toBe('bank');
  await expect
    .poll(() =>
      page.evaluate((id) => {
        const r = document.getElementById(id)!.getBoundingClientRect();
        return r.top >= 0 && r.bottom <= innerHeight;
      }, BANK_IDS[index]!),
    )
    .toBe(true);
  // On WASM a q8 encoder's passes run in Sesame's kernels (kernels/bert-encoder.ts), no onnxruntime
  // session made; split over worker threads where the host is cross-origin isolated, as the completion's.
  // This fixture's weights use all 8 bits (per-tensor, no reduce_range): SIMD128, not relaxed SIMD
  // (tests/e2e/kernels.test.ts takes the hub's layout there).
  const status = await d.hostStatus();
  const bert = status.loaded.find((m) => m.family === 'bert');
  expect(bert).toMatchObject({ dtype: 'q8', backend: 'wasm' });
  expect(bert?.layers).toBe(`3 hidden states; passes in Sesame's kernels (2 layers, SIMD128), no onnxruntime session${kernelThreadsNote(status)}`);
}

/** How a kernel note ends: the threads its products are split over, where the host has worker threads (a cross-origin-isolated document with cores to spare). */
function kernelThreadsNote(status: Diagnostics): string {
  const workers = status.crossOriginIsolated ? kernelWorkers(status.hardwareConcurrency) : 0;
  return workers > 0 ? `; split over ${workers + 1} threads` : '';
}

/** Chinese, from the popup (opened in a tab): 银行 is looked up as a whole word, 行走 is not one of its uses, CC-CEDICT glosses. */
export async function senseChineseInPopup(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/senses-zh.html`);
  await page.evaluate(() => {
    const node = document.getElementById('z2')!.firstChild!;
    const at = node.textContent!.indexOf('银行');
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 2);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  });
  const popup = await d.openPopup(page);
  await senses(popup, '[data-testid=popup-result]');
  expect(await popup.locator('[data-testid=popup-result] [data-testid=senses] > p').textContent()).toMatch(/^3 uses on this page/);
  for (const sub of await popup.locator('[data-testid=popup-result] [data-testid=substitutes] .sub').allTextContents()) {
    expect(sub).toMatch(/^\p{Script=Han}{2}$/u);
  }
  const method = popup.locator('[data-testid=gloss-method]');
  await method.waitFor();
  expect(await method.textContent()).toMatch(/^CC-CEDICT/);
  expect((await popup.locator('[data-testid=gloss]').allTextContents()).join(' ')).toMatch(/bank/);
}

// ---- ghost text ----

export type CompletionCounters = NonNullable<Diagnostics['completion']>;
export const ghostText = (page: DPage) => page.evaluate(() => document.querySelector('sesame-ghost')?.shadowRoot?.textContent ?? '');
const hostCounters = async (d: DSession): Promise<CompletionCounters> =>
  (await d.hostStatus()).completion ?? { requests: 0, cancelled: 0, reusedTokens: 0, computedTokens: 0, cachedFields: 0 };
const events = (page: DPage) => page.evaluate(() => (window as unknown as { __events: { id: string; inputType: string | null; value: string }[] }).__events);

/**
 * Waits for the whole ghost text of the request made after `since` (the host's counters then):
 * until the host has finished a request that was not cancelled, then until the text shows and
 * stops changing (the last streamed pieces are still on their way to the page). Either browser's
 * session: it reads the counters and the ghost text through the two functions.
 */
export async function waitForWholeGhost(counters: () => Promise<CompletionCounters>, text: () => Promise<string>, since: CompletionCounters): Promise<string> {
  const finished = (c: CompletionCounters) => c.requests - c.cancelled;
  await expect.poll(async () => finished(await counters()), { timeout: 120_000 }).toBeGreaterThan(finished(since));
  await expect.poll(text, { timeout: 60_000 }).not.toBe('');
  let last = '';
  await expect
    .poll(
      async () => {
        const now = await text();
        const stable = now === last;
        last = now;
        return stable;
      },
      { interval: 400, timeout: 60_000 },
    )
    .toBe(true);
  return last;
}

export const waitForGhost = (d: DSession, page: DPage, since: CompletionCounters): Promise<string> =>
  waitForWholeGhost(
    () => hostCounters(d),
    () => ghostText(page),
    since,
  );

/** The requests a hung run held: each answered by the watchdog, saying it restarted the host. */
export function expectAnsweredByWatchdog(stuck: readonly unknown[]): void {
  for (const answer of stuck) {
    expect(answer).toMatchObject({
      ok: false,
      code: 'inference',
      message: expect.stringMatching(/stopped responding \(no progress for \d+ s\) and was restarted/),
    });
  }
}

/** Textarea: ghost text after a pause, Tab inserts it and the page sees an input event; the host's kernels as the browser allows. */
export async function ghostTabAccepts(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/completion.html`);
  await page.click('#ta');
  const since = await hostCounters(d);
  await page.keyboard.type('The river bank was', { delay: 10 });
  const typed = Date.now();
  await expect.poll(() => ghostText(page), { timeout: 120_000 }).not.toBe('');
  console.log(`[${d.browser}] last key → first ghost text (200 ms pause included, model loaded on first use): ${Date.now() - typed} ms`);
  const suggestion = await waitForGhost(d, page, since);
  await page.keyboard.press('Tab');
  // The field holds the accepted text and the ghost is gone, read together (after the typing pause
  // the field's new text asks for a new suggestion, which may show a moment later).
  await expect
    .poll(() =>
      page.evaluate(() => ({
        value: (document.getElementById('ta') as HTMLTextAreaElement).value,
        ghost: document.querySelector('sesame-ghost')?.shadowRoot?.textContent ?? '',
      })),
    )
    .toEqual({ value: `The river bank was${suggestion}`, ghost: '' });
  const last = (await events(page)).filter((e) => e.id === 'ta').at(-1)!;
  expect(last.inputType).toBe('insertText');
  expect(last.value).toBe(`The river bank was${suggestion}`);
  // On WASM the q8 head runs in Sesame's kernel, and the prompt and the decoding steps too
  // (kernels/gpt2-step.ts): the file, downloaded into the cache before the load, was read back
  // through the rewrite that builds the kernels, and no onnxruntime session was made.
  // With cores to spare, a cross-origin-isolated host (Chrome's offscreen document) splits the kernels' products over
  // worker threads (the tiny head's are big enough); Firefox's background page is not isolated: one thread.
  const status = await d.hostStatus();
  expect(status.crossOriginIsolated).toBe(d.browser === 'chromium');
  const gpt = status.loaded.find((m) => m.family === 'gpt2');
  expect(gpt).toMatchObject({ dtype: 'q8', backend: 'wasm' });
  const threads = kernelThreadsNote(status);
  // Chromium's host keeps a kernel image once idle (lm/kernel-image.ts); Firefox's has no kernel threads to write one with.
  expect(gpt?.head?.replace(/; kernel image kept for the next cold load$/, '')).toBe(`int8 head in Sesame's kernel${threads}`);
  expect(gpt?.decoder).toBe(`prompts and steps in Sesame's kernels (2 layers), no onnxruntime session${threads}`);
}

/** Esc dismisses the ghost text and leaves the field as typed; the next pause brings a new one. */
export async function ghostEscDismisses(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/completion.html`);
  await page.click('#ta');
  const since = await hostCounters(d);
  await page.keyboard.type('Once upon a time', { delay: 10 });
  await waitForGhost(d, page, since);
  await page.keyboard.press('Escape');
  await expect.poll(() => ghostText(page)).toBe('');
  expect(await page.inputValue('#ta')).toBe('Once upon a time');
  // Dismissed stays dismissed without typing…
  await page.waitForTimeout(800);
  expect(await ghostText(page)).toBe('');
  // …and typing on asks again.
  const again = await hostCounters(d);
  await page.keyboard.type(' there', { delay: 10 });
  await waitForGhost(d, page, again);
  await page.keyboard.press('Escape');
  await expect.poll(() => ghostText(page)).toBe('');
  expect(await page.inputValue('#ta')).toBe('Once upon a time there');
}

// ---- cloze practice ----

const blankInputs = (p: DPage) => p.locator('[data-testid=blank-input]');
async function verdicts(p: DPage): Promise<(string | null)[]> {
  const feedback = p.locator('[data-testid=blank-feedback]');
  const out: (string | null)[] = [];
  const n = await feedback.count();
  for (let i = 0; i < n; i++) out.push(await feedback.nth(i).getAttribute('data-verdict'));
  return out;
}

/** Triggers a cloze on the selection and opens the practice page from the bubble's Practice button. */
export async function practiceFromBubble(d: DSession, page: DPage): Promise<DPage> {
  await d.trigger(page, 'cloze');
  const button = inBubble(page, 'practice');
  await button.waitFor({ timeout: 120_000 });
  const practice = await d.waitForNewPage(
    (url) => url.includes('/practice.html'),
    () => button.click(),
  );
  await blankInputs(practice).first().waitFor({ timeout: 120_000 });
  return practice;
}

/** A Chinese paragraph: multi-character blanks, pinyin hints, answers judged by the model, reveal. */
export async function clozeChinese(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/zh.html`);
  await selectText(page, '#z2', ZH);
  const practice = await practiceFromBubble(d, page);
  const n = await blankInputs(practice).count();
  expect(n).toBeGreaterThan(0);
  expect(await blankInputs(practice).first().getAttribute('lang')).toBe('zh');
  const first = blankInputs(practice).first();
  await first.focus();
  await practice.keyboard.press('Alt+H');
  await practice.keyboard.press('Alt+H');
  await expect
    .poll(() => practice.locator('[data-testid=hint]').allTextContents())
    .toEqual([expect.stringMatching(/^ · [2-9] characters$/), expect.stringMatching(/^ · Pinyin: \p{L}+$/u)]);
  for (let i = 0; i < n; i++)
    await blankInputs(practice)
      .nth(i)
      .fill(i === 0 ? '電話' : '银行');
  await first.press('Enter');
  await practice.locator('[data-testid=score]').waitFor({ timeout: 120_000 });
  const v = await verdicts(practice);
  expect(v).toHaveLength(n);
  for (const x of v) expect(['correct', 'acceptable', 'wrong']).toContain(x);
  for (const top of await practice.locator('[data-testid=model-top]').allTextContents()) expect(top).toMatch(/\p{Script=Han}{2,}/u);
  await practice.locator('[data-testid=reveal]').last().click();
  await practice.locator('[data-testid=blank-feedback] .revealed').last().waitFor();
  const answer = (await practice.locator('[data-testid=blank-feedback] .revealed').last().textContent())!.replace(/^Answer: /, '');
  expect([...answer].length).toBeGreaterThanOrEqual(2);
  expect(ZH).toContain(answer);
}

// ---- settings ----

/** Settings list the downloaded models and clear the cache; the next use downloads again. */
export async function settingsClearCache(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/bank.html`);
  await dblclickWord(page, '#p1', 'bank');
  await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  const options = await d.openExtensionPage('options.html');
  await options.locator('h1').waitFor();
  await expect.poll(() => options.locator('[data-testid=installed]').textContent()).toContain('sesame-fixtures/tiny-bert-uncased');
  await options.click('[data-testid=clear-cache]');
  await expect.poll(() => options.locator('[data-testid=options-message]').textContent()).toContain('Clear cache: done');
  expect(await options.locator('[data-testid=installed]').count()).toBe(0);
  const before = d.hub.requests.filter((r) => r.path.endsWith('.onnx')).length;
  await page.bringToFront();
  await page.keyboard.press('Escape');
  await dblclickWord(page, '#p2', 'bank');
  await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  expect(d.hub.requests.filter((r) => r.path.endsWith('.onnx')).length).toBeGreaterThan(before);
}

// ---- offline ----

/** A model used once works after the browser restarts with the model host unreachable (served from the cache). */
export async function offlineAfterRestart(d: DSession): Promise<void> {
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/bank.html`);
  await dblclickWord(page, '#p1', 'bank');
  await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  await d.restart();
  // Every request to the model host now fails.
  d.hub.setFault(() => ({ status: 500 }));
  const before = d.hub.requests.length;
  try {
    const again = await d.newPage();
    await again.goto(`${d.pagesUrl}/bank.html`);
    await dblclickWord(again, '#p3', 'bank');
    await inBubble(again, 'substitutes').waitFor({ timeout: 120_000 });
    expect(await again.locator('sesame-bubble .word').textContent()).toBe('bank');
    expect(await inBubble(again, 'error').count()).toBe(0);
    expect(d.hub.requests.slice(before).filter((r) => r.path.endsWith('.onnx'))).toEqual([]);
  } finally {
    d.hub.setFault(null);
  }
}

// ---- hostile pages ----

/** A page that redefines built-ins, posts fake messages and dispatches its own double-clicks cannot drive Sesame; a real double-click still works. */
export async function hostilePageCannotDrive(d: DSession): Promise<void> {
  const before = await d.routerStats();
  const page = await d.newPage();
  await page.goto(`${d.pagesUrl}/hostile.html`);
  await page.waitForTimeout(500);
  // Content scripts' requests only: Sesame's own pages (the welcome tab) may still be asking for file sizes.
  const after = await d.routerStats();
  expect(after.pageRequests).toEqual(before.pageRequests);
  // A synthetic double-click on a selected word (what a page can do by itself) opens nothing.
  await selectText(page, '#rtl', 'bank');
  await page.evaluate(() => {
    const target = document.getElementById('rtl')!;
    target.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, cancelable: true, detail: 2 }));
  });
  await page.waitForTimeout(1000);
  expect(await page.locator('sesame-bubble').count()).toBe(0);
  expect((await d.routerStats()).pageRequests).toEqual(before.pageRequests);
  await dblclickWord(page, '#emoji', 'family');
  await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  expect(await page.locator('sesame-bubble').count()).toBe(1);
}

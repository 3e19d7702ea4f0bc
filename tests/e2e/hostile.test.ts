// Hostile pages and bad input: nothing crashes, nothing leaks, the page cannot drive Sesame.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, launch, selectText, type Session, trigger } from './harness';

const inBubble = (page: Page | Frame, testId: string) => page.locator(`sesame-bubble [data-testid=${testId}]`);
const stats = (s: Session) =>
  s.worker.evaluate(() => (globalThis as unknown as { sesameRouterStats: { requests: Record<string, number>; rejected: number } }).sesameRouterStats);

async function dblclickInFrame(page: Page, frameSelector: string, selector: string, word: string): Promise<Frame> {
  const frame = (await (await page.$(frameSelector))!.contentFrame())!;
  const inner = await frame.evaluate(
    ({ selector, word }) => {
      const node = document.querySelector(selector)!.firstChild!;
      const at = node.textContent!.indexOf(word);
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + word.length);
      const r = range.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    },
    { selector, word },
  );
  const box = (await (await page.$(frameSelector))!.boundingBox())!;
  await page.mouse.dblclick(box.x + inner.x, box.y + inner.y);
  return frame;
}

describe('hostile pages and bad input', () => {
  let s: Session;
  const netlogDir = mkdtempSync(join(tmpdir(), 'sesame-netlog-'));
  const netlog = join(netlogDir, 'netlog.json');
  beforeAll(async () => {
    s = await launch({ args: [`--log-net-log=${netlog}`, '--net-log-capture-mode=Default'] });
  });
  afterAll(async () => {
    await s?.close();
    if (!process.env.KEEP_NETLOG) rmSync(netlogDir, { recursive: true, force: true });
    else console.log('NETLOG', netlog);
  });

  it('a page that redefines built-ins and posts fake messages cannot drive Sesame, and lookups still work', async () => {
    const before = await stats(s);
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/hostile.html`);
    await page.waitForTimeout(500);
    const after = await stats(s);
    expect(after.requests).toEqual(before.requests);
    await dblclickWord(page, '#emoji', 'family');
    await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    expect(await page.locator('sesame-bubble').count()).toBe(1);
  });

  it('handles emoji/ZWJ, RTL, combining marks and mixed Chinese/English selections', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/hostile.html`);
    for (const [selector, word] of [
      ['#emoji', '👩‍👩‍👧‍👦 family'],
      ['#rtl', 'bank'],
      ['#mixed', '银行'],
      ['#mixed', 'river bank'],
    ] as const) {
      await page.keyboard.press('Escape');
      await selectText(page, selector, word);
      await trigger(s, page, 'sense');
      await expect
        .poll(async () => (await inBubble(page, 'substitutes').count()) + (await inBubble(page, 'error').count()), { timeout: 120_000 })
        .toBeGreaterThan(0);
      if (await inBubble(page, 'error').count()) expect(await inBubble(page, 'error').textContent()).not.toMatch(/internal|undefined|TypeError/i);
    }
  });

  it('works inside iframes and on pages with a strict CSP', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/hostile.html`);
    const frame = await dblclickInFrame(page, '#frame', '#inner', 'bank');
    await inBubble(frame, 'substitutes').waitFor({ timeout: 120_000 });
    const strict = await s.context.newPage();
    await strict.goto(`${s.pagesUrl}/strict-csp.html`);
    await dblclickWord(strict, '#p1', 'bank');
    await inBubble(strict, 'substitutes').waitFor({ timeout: 120_000 });
    // The bubble's styles applied despite the CSP (constructed stylesheet): it is positioned fixed.
    const position = await strict.evaluate(() => {
      const el = document.querySelector('sesame-bubble')!.shadowRoot!.querySelector('.bubble')!;
      return getComputedStyle(el).position;
    });
    expect(position).toBe('fixed');
  });

  it('cuts a 1 MB selection to a window with a visible notice, and refuses it for word sense', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await page.evaluate(() => {
      const p = document.createElement('p');
      p.id = 'huge';
      p.textContent = 'The river bank was quiet and the water was slow. '.repeat(21_000);
      document.body.append(p);
      const range = document.createRange();
      range.selectNodeContents(p);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
    });
    await trigger(s, page, 'cloze');
    await inBubble(page, 'cloze').waitFor({ timeout: 120_000 });
    expect(await inBubble(page, 'notice').textContent()).toMatch(/Long selection/);
    await page.keyboard.press('Escape');
    await trigger(s, page, 'sense');
    await inBubble(page, 'error').waitFor({ timeout: 60_000 });
    expect(await inBubble(page, 'error').textContent()).toMatch(/single word/);
  });

  it('empty or whitespace selections do nothing and the popup says what to do', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await page.evaluate(() => getSelection()!.removeAllRanges());
    const before = await stats(s);
    await trigger(s, page, 'sense');
    await page.waitForTimeout(500);
    expect(await page.locator('sesame-bubble').count()).toBe(0);
    expect((await stats(s)).requests).toEqual(before.requests);
  });

  it('a 100 000-node page stays usable', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/big.html`);
    expect(await page.evaluate(() => document.getElementsByTagName('*').length)).toBeGreaterThan(50_000);
    await dblclickWord(page, '#target', 'bank');
    await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  });

  it('page text is not stored, and the only host contacted is the model host, for model files', async () => {
    const storage = await s.worker.evaluate(async () => ({
      local: JSON.stringify(await chrome.storage.local.get(null)),
      session: JSON.stringify(await chrome.storage.session.get(null)),
    }));
    for (const phrase of ['deposit her salary', 'grassy bank', 'family walked', 'shadow root the bank']) {
      expect(storage.local).not.toContain(phrase);
      expect(storage.session).not.toContain(phrase);
    }
    const hubHost = new URL(s.hub.url).host;
    const pagesHost = new URL(s.pagesUrl).host;
    const extensionId = s.extensionId;
    await s.close();
    // Chromium itself talks to its own services (autofill, update, accounts): only requests whose
    // initiator is the extension are Sesame's.
    const log = JSON.parse(readFileSync(netlog, 'utf8')) as { events: { source?: { id?: number }; params?: { url?: string; initiator?: string } }[] };
    const bySource = new Map<number, { url?: string; initiator?: string }>();
    for (const e of log.events) {
      const id = e.source?.id;
      if (id === undefined || !e.params) continue;
      const entry = bySource.get(id) ?? {};
      if (e.params.url) entry.url ??= e.params.url;
      if (e.params.initiator) entry.initiator ??= e.params.initiator;
      bySource.set(id, entry);
    }
    const ours = [...bySource.values()].filter((r) => r.initiator?.startsWith(`chrome-extension://${extensionId}`) && r.url && /^(https?|wss?):/.test(r.url));
    expect(ours.length).toBeGreaterThan(0);
    for (const { url } of ours) {
      const u = new URL(url!);
      expect(u.host, url).toBe(hubHost);
      expect(u.pathname, url).toMatch(/^\/[\w.-]+\/[\w.-]+\/resolve\/[\w.-]+\//);
    }
    expect(pagesHost).not.toBe(hubHost);
  });
});

// Attacks from a page's own script, written as a hostile site would write them, against the built
// extension: it may start no work, neither read nor operate Sesame's UI, learn nothing about what
// the user looked up on another site, and reach nothing on a site the user switched Sesame off
// for. Each attack is paired with the user's own gesture doing the same thing, which works.
// Hosts: *.test resolve to the loopback page server, so a.test, www.a.test and b.test are sites.
// The bubble is as shipped (a closed shadow root): the tests reach it from Sesame's own world.
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostics } from '@/models/shared/protocol';
import {
  dblclickWord,
  ghostText,
  hostStatus,
  inClosedBubble,
  inSesameWorld,
  launch,
  routerStats,
  selectText,
  type Session,
  trigger,
  waitInClosedBubble,
} from './harness';

/** Requests of `type` the background router has seen. */
const requests = async (s: Session, type: string) => (await routerStats(s)).requests[type] ?? 0;
const storedWords = (s: Session) =>
  s.worker.evaluate(async () => ((await chrome.storage.local.get('wordList')).wordList as unknown[] | undefined)?.length ?? 0);
const hits = async (s: Session) => ((await hostStatus(s)) as Diagnostics).senseCache?.hits ?? Number.NaN;

/** Waits until Sesame's content script runs in `page` and has read its settings. */
async function sesameReady(page: Page): Promise<void> {
  await inSesameWorld(page, '1');
  await page.waitForTimeout(800);
}

async function wordCentreIn(frame: Frame, selector: string, word: string): Promise<{ x: number; y: number }> {
  return frame.evaluate(
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
}

describe('a hostile page', () => {
  let s: Session;
  let port: string;
  const site = (host: string, path: string) => `http://${host}:${port}/${path}`;
  beforeAll(async () => {
    s = await launch({
      args: ['--host-resolver-rules=MAP *.test 127.0.0.1'],
      settings: { disabledSites: ['a.test'], completion: { enabled: true, pauseMs: 200, maxTokens: 6 }, testing: {} },
    });
    port = new URL(s.pagesUrl).port;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('selects a word and dispatches a synthetic double press and dblclick: no bubble, no lookup; the user’s double-click works and leaves no mark in the page’s timeline', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await sesameReady(page);
    const before = await requests(s, 'sense');
    await page.evaluate(() => {
      const node = document.getElementById('p1')!.firstChild!;
      const at = node.textContent!.indexOf('bank');
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + 4);
      getSelection()!.removeAllRanges();
      getSelection()!.addRange(range);
      const target = document.getElementById('p1')!;
      // The second press mounts the bubble early for the user's own double-click only.
      target.dispatchEvent(new MouseEvent('mousedown', { bubbles: true, cancelable: true, composed: true, detail: 2, button: 0 }));
      target.dispatchEvent(new MouseEvent('dblclick', { bubbles: true, cancelable: true, composed: true, detail: 2 }));
    });
    await page.waitForTimeout(1500);
    expect(await requests(s, 'sense')).toBe(before);
    expect(await page.locator('sesame-bubble').count()).toBe(0);
    await dblclickWord(page, '#p1', 'bank');
    await waitInClosedBubble(page, 'substitutes');
    expect(await requests(s, 'sense')).toBe(before + 1);
    // The page shares its timeline with the content script: no mark of Sesame's tells it the lookup happened.
    expect(await page.evaluate(() => performance.getEntriesByType('mark').map((m) => m.name))).not.toContainEqual(expect.stringMatching(/sesame/i));
  });

  it("focuses its textarea and calls execCommand('insertText') (a trusted input event): no completion; typing completes, and the page cannot read the ghost", async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await sesameReady(page);
    const before = await requests(s, 'complete');
    const inserted = await page.evaluate(() => {
      const ta = document.getElementById('ta') as HTMLTextAreaElement;
      ta.focus();
      return document.execCommand('insertText', false, 'The river bank was');
    });
    expect(inserted).toBe(true);
    expect(await page.inputValue('#ta')).toBe('The river bank was');
    await page.waitForTimeout(1500);
    expect(await requests(s, 'complete')).toBe(before);
    expect(await ghostText(page)).toBe('');
    // The user types: a suggestion shows (read from Sesame's world), and page script sees no shadow root.
    await page.click('#ta');
    await page.keyboard.type(' quiet and', { delay: 20 });
    await expect.poll(() => ghostText(page), { timeout: 120_000 }).not.toBe('');
    expect(await requests(s, 'complete')).toBeGreaterThan(before);
    const seen = await page.evaluate(() => {
      const host = document.querySelector('sesame-ghost')!;
      return { root: host.shadowRoot === null, text: host.textContent, html: host.innerHTML };
    });
    expect(seen).toEqual({ root: true, text: '', html: '' });
  });

  it("reads the bubble and clicks its Save and Practice buttons from script: it sees nothing, nothing is saved, no practice opens; the user's clicks work", async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s1', 'bank');
    const saveAt = await waitInClosedBubble(page, 'save-word');
    // What page script finds: a host element, no shadow root, no text, no markup.
    const seen = await page.evaluate(() => {
      const host = document.querySelector('sesame-bubble')!;
      return { root: host.shadowRoot === null, text: host.textContent, html: host.innerHTML, found: document.querySelectorAll('[data-testid]').length };
    });
    expect(seen).toEqual({ root: true, text: '', html: '', found: 0 });
    // Even a script holding the button (here: from Sesame's own world) only makes untrusted events, which the bubble drops.
    await inClosedBubble(
      page,
      `(root) => {
      const button = root.querySelector('[data-testid=save-word]');
      button.click();
      button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    }`,
    );
    await page.waitForTimeout(1000);
    const stored = () => s.worker.evaluate(async () => ((await chrome.storage.local.get('wordList')).wordList as unknown[] | undefined)?.length ?? 0);
    expect(await stored()).toBe(0);
    expect(await inClosedBubble(page, `(root) => root.querySelector('[data-testid=save-word]').textContent`)).not.toBe('Saved');
    await page.mouse.click(saveAt.x, saveAt.y);
    await expect.poll(stored).toBe(1);

    await page.keyboard.press('Escape');
    await selectText(page, '#s2', (await page.locator('#s2').textContent())!.trim());
    await trigger(s, page, 'cloze');
    const practiceAt = await waitInClosedBubble(page, 'practice');
    const pages = s.context.pages().length;
    await inClosedBubble(page, `(root) => root.querySelector('[data-testid=practice]').click()`);
    await page.waitForTimeout(1500);
    expect(s.context.pages().length).toBe(pages);
    const opened = s.context.waitForEvent('page', { timeout: 30_000 });
    await page.mouse.click(practiceAt.x, practiceAt.y);
    await (await opened).waitForURL(/\/practice\.html/, { timeout: 30_000 });
  });

  it("reaches for the bubble's frame: no <iframe> in its DOM (even with attachShadow forced open), its document and address are cross-origin, not even in window.frames (so it cannot be navigated), forged messages and ports do nothing", async () => {
    const page = await s.context.newPage();
    // Before any of Sesame's code runs, the page forces every shadow root open: Sesame's isolated world has its own attachShadow.
    await page.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (this: Element, init: ShadowRootInit) {
        return attach.call(this, { ...init, mode: 'open' });
      };
    });
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s1', 'bank');
    await waitInClosedBubble(page, 'save-word');
    const seen = await page.evaluate(() => {
      const host = document.querySelector('sesame-bubble')!;
      const frame = window.frames[0] as Window;
      const attempt = (read: () => unknown): string => {
        try {
          return `read: ${String(read())}`;
        } catch (error) {
          return (error as Error).name;
        }
      };
      return {
        root: host.shadowRoot === null,
        iframes: document.querySelectorAll('iframe').length,
        frames: window.frames.length,
        document: attempt(() => frame.document.body.innerHTML),
        address: attempt(() => frame.location.href),
      };
    });
    // A frame in a shadow tree is not one of the document's frames: no window to read, post to or navigate.
    expect(seen).toEqual({ root: true, iframes: 0, frames: 0, document: 'TypeError', address: 'TypeError' });

    // Forged actions and props, posted to every window the page can reach, with a MessagePort, and on that port.
    const saved = await storedWords(s);
    const title = await inClosedBubble<string>(page, `(root) => root.querySelector('.title').textContent`);
    await page.evaluate(() => {
      const targets = [window, window.top!, ...Array.from({ length: window.frames.length }, (_, i) => window.frames[i]!)];
      const forged = [
        { kind: 'call', call: 1, name: 'onSave' },
        { kind: 'call', call: 2, name: 'onPractice' },
        {
          kind: 'props',
          props: { title: 'Forged', state: { phase: 'error', error: { code: 'internal', message: 'forged' } } },
          callbacks: ['onClose'],
          maxWidth: 380,
          maxHeight: 400,
        },
      ];
      for (const frame of targets) {
        for (const message of forged) {
          frame.postMessage(message, '*');
          const channel = new MessageChannel();
          frame.postMessage(message, '*', [channel.port2]);
          channel.port1.postMessage(message);
        }
      }
    });
    await page.waitForTimeout(1000);
    expect(await storedWords(s)).toBe(saved);
    expect(await inClosedBubble<string>(page, `(root) => root.querySelector('.title').textContent`)).toBe(title);
    expect(await inClosedBubble<number>(page, `(root) => root.querySelectorAll('[data-testid=save-word], [data-testid=substitutes]').length`)).toBe(2);
  });

  it('restyles and covers the bubble: its CSS and inline styles do not reach the frame; a click through a transparent overlay is dropped; the uncovered bubble takes the user’s click', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/senses.html`);
    await dblclickWord(page, '#s3', 'bank');
    const saveAt = await waitInClosedBubble(page, 'save-word');
    await page.evaluate(() => {
      const style = document.createElement('style');
      style.textContent =
        'sesame-bubble, iframe { display: none !important; opacity: 0 !important; visibility: hidden !important; transform: scale(0.01) !important; }';
      document.head.append(style);
      const host = document.querySelector('sesame-bubble') as HTMLElement;
      for (const [name, value] of [
        ['display', 'none'],
        ['opacity', '0'],
        ['visibility', 'hidden'],
        ['clip-path', 'inset(50%)'],
      ] as const)
        host.style.setProperty(name, value, 'important');
    });
    const shown = await inSesameWorld(
      page,
      `(() => {
        const host = document.querySelector('sesame-bubble');
        const frame = chrome.dom.openOrClosedShadowRoot(host).querySelector('iframe');
        const h = getComputedStyle(host), f = getComputedStyle(frame), r = frame.getBoundingClientRect();
        return { display: h.display, opacity: h.opacity, visibility: f.visibility, transform: f.transform, clip: h.clipPath, frameOpacity: f.opacity, sized: r.width > 100 && r.height > 100 };
      })()`,
    );
    expect(shown).toEqual({ display: 'inline', opacity: '1', visibility: 'visible', transform: 'none', clip: 'none', frameOpacity: '1', sized: true });

    // An invisible layer over the bubble that lets clicks through (clickjacking): the frame sees itself covered and drops the click.
    const saved = await storedWords(s);
    await page.evaluate(() => {
      const cover = document.createElement('div');
      cover.id = 'cover';
      cover.style.cssText = 'position: fixed; inset: 0; z-index: 2147483647; pointer-events: none; background: rgba(255, 255, 255, 0.02)';
      document.documentElement.append(cover);
    });
    await page.waitForTimeout(800);
    await page.mouse.click(saveAt.x, saveAt.y);
    await page.waitForTimeout(1000);
    expect(await storedWords(s)).toBe(saved);
    await page.evaluate(() => document.getElementById('cover')!.remove());
    await page.waitForTimeout(800);
    await page.mouse.click(saveAt.x, saveAt.y);
    await expect.poll(() => storedWords(s)).toBe(saved + 1);
  });

  it('probes the cache from another site: a use looked up on b.test is not served from a.test’s lookups, and no count tells it', async () => {
    // a.test is switched off in this session: use c.test and b.test as the two sites.
    const first = await s.context.newPage();
    await first.goto(site('c.test', 'senses.html'));
    await dblclickWord(first, '#s1', 'bank');
    await waitInClosedBubble(first, 'senses');
    const afterFirst = await hits(s);

    // The hostile site has the same sentences; the user looks the word up there too.
    const probe = await s.context.newPage();
    await probe.goto(site('b.test', 'senses.html'));
    await dblclickWord(probe, '#s2', 'bank');
    await waitInClosedBubble(probe, 'senses');
    // What the page can read: nothing of the bubble; and the bubble itself holds no count of uses served from a cache.
    expect(await probe.evaluate(() => document.querySelector('sesame-bubble')!.shadowRoot)).toBeNull();
    expect(await inClosedBubble(probe, `(root) => root.querySelector('[data-testid=senses]').getAttribute('data-cached')`)).toBeNull();
    expect(afterFirst).not.toBeNaN();
    // What the host did: none of the page's other uses came from c.test's entries (at most the
    // selected use, which a lookup embeds once and then finds again among the page's uses).
    expect(await hits(s)).toBeLessThanOrEqual(afterFirst + 1);

    // The same site again: its own entries are reused (the cache still works within a site).
    await first.keyboard.press('Escape');
    await dblclickWord(first, '#s7', 'bank');
    await waitInClosedBubble(first, 'senses');
    await expect.poll(() => hits(s), { timeout: 60_000 }).toBeGreaterThanOrEqual(afterFirst + 7);
  });

  it('a switched-off site (a.test): its www. form and a cross-origin iframe inside it reach nothing; the same iframe elsewhere works', async () => {
    const before = await requests(s, 'sense');
    const www = await s.context.newPage();
    await www.goto(site('www.a.test', 'bank.html'));
    await sesameReady(www);
    await dblclickWord(www, '#p1', 'bank');

    const host = await s.context.newPage();
    await host.goto(site('a.test', 'frame-host.html?inner=b.test'));
    const frameOf = async (p: Page) => {
      const inner = (f: Frame) => f.url().startsWith('http://b.test:') && f.url().endsWith('/bank.html');
      await expect.poll(() => p.frames().some(inner)).toBe(true);
      const frame = p.frames().find(inner)!;
      await p.bringToFront();
      await frame.waitForSelector('#p1', { state: 'attached' });
      return frame;
    };
    const frame = await frameOf(host);
    await host.waitForTimeout(1000);
    const box = (await (await host.$('#f'))!.boundingBox())!;
    const at = await wordCentreIn(frame, '#p1', 'bank');
    await host.mouse.dblclick(box.x + at.x, box.y + at.y);
    await host.waitForTimeout(1500);
    expect(await requests(s, 'sense')).toBe(before);
    expect(await frame.locator('sesame-bubble').count()).toBe(0);
    expect(await www.locator('sesame-bubble').count()).toBe(0);

    // The same frame embedded by a site that is on: the lookup runs.
    const other = await s.context.newPage();
    await other.goto(site('c.test', 'frame-host.html?inner=b.test'));
    const allowed = await frameOf(other);
    await other.waitForTimeout(1000);
    const box2 = (await (await other.$('#f'))!.boundingBox())!;
    const at2 = await wordCentreIn(allowed, '#p1', 'bank');
    await other.mouse.dblclick(box2.x + at2.x, box2.y + at2.y);
    await expect.poll(() => allowed.locator('sesame-bubble').count(), { timeout: 30_000 }).toBe(1);
    expect(await requests(s, 'sense')).toBe(before + 1);
  });

  it('sensitive fields the page builds (masked, a shown password, api_key, autocomplete=off answer): typing asks for nothing', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/completion.html`);
    await page.evaluate(() => {
      const add = (html: string) => document.body.insertAdjacentHTML('beforeend', html);
      add('<input id="masked" type="text" name="note" style="-webkit-text-security: disc; width: 400px">');
      add('<input id="shown" type="password" name="login" style="width: 400px"><button id="eye">show</button>');
      add('<input id="key" type="text" name="api_key" style="width: 400px">');
      add('<input id="answer" type="text" name="answer" autocomplete="off" style="width: 400px">');
      document.getElementById('eye')!.addEventListener('click', () => document.getElementById('shown')!.setAttribute('type', 'text'));
    });
    await sesameReady(page);
    await page.click('#eye');
    expect(await page.getAttribute('#shown', 'type')).toBe('text');
    const before = await requests(s, 'complete');
    for (const id of ['masked', 'shown', 'key', 'answer']) {
      await page.click(`#${id}`);
      await page.keyboard.type('The river bank was', { delay: 10 });
      await page.waitForTimeout(800);
    }
    expect(await requests(s, 'complete')).toBe(before);
    // A plain field on the same page still completes.
    await page.click('#inp');
    await page.keyboard.type('The river bank was', { delay: 10 });
    await expect.poll(() => requests(s, 'complete'), { timeout: 30_000 }).toBeGreaterThan(before);
  });

  it('a compromised content script flooding the router gets "rate-limited" answers; other tabs are served', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    const answers = await inSesameWorld<Record<string, number>>(
      page,
      `new Promise((resolve) => {
        const port = chrome.runtime.connect({ name: 'sesame' });
        const codes = {};
        let n = 0;
        port.onMessage.addListener((m) => {
          if (m.kind !== 'error' && m.kind !== 'result') return;
          const code = m.kind === 'result' ? 'result' : m.error.code;
          codes[code] = (codes[code] || 0) + 1;
          if (++n === 150) resolve(codes);
        });
        for (let i = 0; i < 150; i++) port.postMessage({ kind: 'request', id: 'flood-' + i, request: { type: 'sense', text: '12345', start: 0, end: 5 } });
        setTimeout(() => resolve(codes), 20000);
      })`,
    );
    expect(answers['rate-limited']).toBeGreaterThanOrEqual(40);
    expect((answers['rate-limited'] ?? 0) + (answers['unsupported-language'] ?? 0)).toBe(150);
    // Another tab is not affected.
    const other = await s.context.newPage();
    await other.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(other, '#p3', 'bank');
    await waitInClosedBubble(other, 'substitutes');
  });
});

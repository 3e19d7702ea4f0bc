// The driver over puppeteer-core and WebDriver BiDi: Debian's firefox-esr, headless, with the MV2
// build installed as a temporary add-on under a fixed UUID (so its pages have known URLs and its
// storage and Cache API data outlive a restart of the browser on the same profile).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../support/hub-server.mjs';
import type { Diagnostics } from '../../../models/shared/protocol';
import { FIXTURE_MODELS, type HubServer, type RouterCounts, startPageServer } from '../harness';
import type { DLaunchOptions, DLocator, DPage, DSession, Tool } from './types';

export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv2');
/** The add-on id (wxt.config.ts, browser_specific_settings.gecko.id) and the UUID its pages get. */
export const ADDON_ID = 'sesame@sesame.invalid';
export const ADDON_UUID = '5e5a3e00-0000-4000-8000-000000000001';
export const FIREFOX =
  process.env.FIREFOX_PATH ?? ['/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox-esr'].find((p) => existsSync(p)) ?? '/usr/bin/firefox-esr';

const ORIGIN = `moz-extension://${ADDON_UUID}`;
const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
async function until<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>, interval = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await sleep(interval);
  }
}

// ---- locators: evaluated in the page, a descendant combinator crosses open shadow roots ----

interface Step {
  sel: string;
  pick?: number | 'last';
}
type Op = 'count' | 'text' | 'texts' | 'attr' | 'value' | 'checked' | 'box' | 'focus' | 'select';

/** Runs in the page: finds the elements of `steps` and applies `op`. Self-contained (serialised). */
function locateInPage(input: { steps: Step[]; op: Op; arg: string | null }): unknown {
  const split = (sel: string): string[] => {
    const groups: string[] = [];
    let cur = '';
    let depth = 0;
    let quote = '';
    for (let i = 0; i < sel.length; i++) {
      const c = sel[i]!;
      if (quote) {
        cur += c;
        if (c === quote) quote = '';
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '[' || c === '(') depth++;
      else if (c === ']' || c === ')') depth--;
      if (c === ' ' && depth === 0) {
        const prev = cur.trim().slice(-1);
        let j = i;
        while (sel[j] === ' ') j++;
        const next = sel[j] ?? '';
        if (cur.trim() === '' || '>+~'.includes(prev) || '>+~'.includes(next)) {
          cur += c;
          continue;
        }
        groups.push(cur.trim());
        cur = '';
        continue;
      }
      cur += c;
    }
    if (cur.trim()) groups.push(cur.trim());
    return groups;
  };
  const deep = (root: ParentNode, group: string, found: Set<Element>): void => {
    const own = (root as Element).shadowRoot;
    if (own) deep(own, group, found);
    const kids = root.children;
    for (let i = 0; i < kids.length; i++) {
      const el = kids[i]!;
      if (el.matches(group)) found.add(el);
      deep(el, group, found);
    }
  };
  let scopes: Element[] | null = null;
  for (const step of input.steps) {
    for (const group of split(step.sel)) {
      const found = new Set<Element>();
      if (scopes === null) deep(document, group, found);
      else for (const scope of scopes) deep(scope, group, found);
      scopes = Array.from(found);
    }
    if (step.pick !== undefined && scopes) {
      const i: number = step.pick === 'last' ? scopes.length - 1 : step.pick;
      scopes = i >= 0 && i < scopes.length ? [scopes[i]!] : [];
    }
  }
  const els = scopes ?? [];
  const el = els[0] as (HTMLInputElement & Element) | undefined;
  switch (input.op) {
    case 'count':
      return els.length;
    case 'texts': {
      const out: (string | null)[] = [];
      for (const e of els) out.push(e.textContent);
      return out;
    }
  }
  if (!el) return { missing: true };
  switch (input.op) {
    case 'text':
      return { value: el.textContent };
    case 'attr':
      return { value: el.getAttribute(input.arg ?? '') };
    case 'value':
      return { value: el.value };
    case 'checked':
      return { value: el.checked };
    case 'focus':
      el.focus();
      return { value: true };
    case 'select':
      el.focus();
      el.select();
      return { value: true };
    case 'box': {
      el.scrollIntoView({ block: 'center', inline: 'center' });
      const r = el.getBoundingClientRect();
      return { value: { x: r.left + r.width / 2, y: r.top + r.height / 2 } };
    }
  }
  return { missing: true };
}

class FirefoxLocator implements DLocator {
  constructor(
    private readonly page: FirefoxPage,
    private readonly steps: Step[],
  ) {}

  /**
   * `sesame-bubble <selector>` is looked up inside the bubble's frame (an extension page on the
   * page, components/bubble/mount-bubble.tsx); a box found there is moved by the frame's place on the page.
   */
  private async run(op: Op, arg: string | null = null): Promise<unknown> {
    const [first, ...rest] = this.steps;
    const inner = first && /^sesame-bubble\s+(.+)$/s.exec(first.sel)?.[1];
    if (!first || !inner) return this.page.raw.evaluate(locateInPage, { steps: this.steps, op, arg });
    const frame = await this.page.bubbleFrame();
    if (!frame) return op === 'count' ? 0 : op === 'texts' ? [] : { missing: true };
    const found = (await frame.evaluate(locateInPage, { steps: [{ ...first, sel: inner }, ...rest], op, arg })) as { value?: { x: number; y: number } };
    if (op !== 'box' || !found.value) return found;
    // Only once the page shows the frame (mount-bubble.tsx: transparent and click-through until it has
    // said its size, `sized`): a click before that lands on the page under it (as bubbleShown waits in Chromium).
    const at = await this.page.raw.evaluate(() => {
      const frame = document.querySelector('sesame-bubble')?.shadowRoot?.querySelector('iframe');
      if (!frame?.classList.contains('sized')) return null;
      const r = frame.getBoundingClientRect();
      return { x: r.left, y: r.top };
    });
    return at ? { value: { x: at.x + found.value.x, y: at.y + found.value.y } } : { missing: true };
  }

  /** An operation on the first element, waiting (like Playwright) until there is one. */
  private async one<T>(op: Op, arg: string | null = null, timeoutMs = 30_000): Promise<T> {
    const result = await until(`${this.describe()} (${op})`, timeoutMs, async () => {
      const r = (await this.run(op, arg)) as { missing?: boolean; value?: T };
      return r.missing ? undefined : r;
    });
    return result.value as T;
  }

  private describe(): string {
    return this.steps.map((s) => `${s.sel}${s.pick === undefined ? '' : `[${s.pick}]`}`).join(' → ');
  }

  async waitFor(options: { timeout?: number } = {}): Promise<void> {
    await until(this.describe(), options.timeout ?? 30_000, async () => ((await this.count()) > 0 ? true : undefined));
  }
  async count(): Promise<number> {
    return (await this.run('count')) as number;
  }
  textContent(): Promise<string | null> {
    return this.one<string | null>('text');
  }
  async allTextContents(): Promise<string[]> {
    return ((await this.run('texts')) as (string | null)[]).map((t) => t ?? '');
  }
  getAttribute(name: string): Promise<string | null> {
    return this.one<string | null>('attr', name);
  }
  inputValue(): Promise<string> {
    return this.one<string>('value');
  }
  isChecked(): Promise<boolean> {
    return this.one<boolean>('checked');
  }
  /**
   * A real click at the element's place, once that place has held still for 100 ms: the bubble's
   * frame grows and moves when a result replaces its working state, and a click at the place it
   * had a moment before lands beside the button (Playwright's click waits for a stable box too).
   */
  async click(): Promise<void> {
    let at = await this.one<{ x: number; y: number }>('box');
    await until(`${this.describe()} (a box that holds still)`, 30_000, async () => {
      await sleep(100);
      const now = await this.one<{ x: number; y: number }>('box');
      const still = now.x === at.x && now.y === at.y;
      at = now;
      return still ? true : undefined;
    });
    await this.page.raw.mouse.click(at.x, at.y);
  }
  async check(): Promise<void> {
    if (!(await this.isChecked())) await this.click();
  }
  async uncheck(): Promise<void> {
    if (await this.isChecked()) await this.click();
  }
  async focus(): Promise<void> {
    await this.one<boolean>('focus');
  }
  async fill(value: string): Promise<void> {
    await this.one<boolean>('select');
    if (value) await this.page.keyboard.type(value);
    else await this.page.keyboard.press('Delete');
  }
  async press(key: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press(key);
  }
  first(): DLocator {
    return this.pick(0);
  }
  last(): DLocator {
    return this.pick('last');
  }
  nth(index: number): DLocator {
    return this.pick(index);
  }
  locator(selector: string): DLocator {
    return new FirefoxLocator(this.page, [...this.steps, { sel: selector }]);
  }
  private pick(pick: number | 'last'): DLocator {
    const steps = this.steps.slice();
    steps[steps.length - 1] = { ...steps[steps.length - 1]!, pick };
    return new FirefoxLocator(this.page, steps);
  }
}

/** Puppeteer's key names for Playwright-style ones ("Alt+H", "Escape"). */
async function pressKey(page: Page, key: string): Promise<void> {
  const parts = key.split('+');
  const main = parts.pop()!;
  type Key = Parameters<Page['keyboard']['press']>[0];
  for (const m of parts) await page.keyboard.down(m as Key);
  await page.keyboard.press((main.length === 1 && parts.length ? main.toLowerCase() : main) as Key);
  for (const m of parts.reverse()) await page.keyboard.up(m as Key);
}

/** A page's address as its document sees it (over BiDi an extension page's target keeps saying about:blank). */
async function hrefOf(page: Page): Promise<string> {
  return page.evaluate(() => location.href).catch(() => page.url());
}

export class FirefoxPage implements DPage {
  private known: string;
  constructor(
    readonly raw: Page,
    href?: string,
  ) {
    this.known = href ?? raw.url();
  }
  url(): string {
    const raw = this.raw.url();
    return raw.startsWith('about:') ? this.known : raw;
  }
  async goto(url: string): Promise<void> {
    if (url.startsWith('moz-extension:')) {
      // A navigation to an extension page never reports its load over BiDi: start it, poll the document.
      void this.raw.goto(url, { timeout: 0 }).catch(() => undefined);
      await until(`${url} to load`, 30_000, async () =>
        (await this.raw.evaluate(() => `${document.readyState} ${location.href}`)) === `complete ${url}` ? true : undefined,
      );
      this.known = url;
      return;
    }
    await this.raw.goto(url, { waitUntil: 'load' });
    this.known = url;
  }
  async reload(): Promise<void> {
    const url = this.url();
    if (url.startsWith('moz-extension:')) {
      await this.raw.evaluate(() => {
        (window as unknown as { __sesameReloading: boolean }).__sesameReloading = true;
        location.reload();
      });
      await until(`${url} to reload`, 30_000, async () =>
        (await this.raw.evaluate(() => document.readyState === 'complete' && !(window as unknown as { __sesameReloading?: boolean }).__sesameReloading))
          ? true
          : undefined,
      );
      return;
    }
    await this.raw.reload({ waitUntil: 'load' });
  }
  async close(): Promise<void> {
    await this.raw.close().catch(() => undefined);
  }
  async bringToFront(): Promise<void> {
    await this.raw.bringToFront();
  }
  locator(selector: string): DLocator {
    return new FirefoxLocator(this, [{ sel: selector }]);
  }
  /** The bubble's frame, when one is open (over BiDi its URL reads about:blank: ask its document). */
  async bubbleFrame(): Promise<Frame | undefined> {
    for (const frame of this.raw.frames()) {
      if (frame === this.raw.mainFrame()) continue;
      const path = await frame.evaluate(() => (location.protocol === 'moz-extension:' ? location.pathname : '')).catch(() => '');
      if (path === '/bubble.html') return frame;
    }
    return undefined;
  }
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.raw.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>;
  }
  click(selector: string): Promise<void> {
    return this.locator(selector).click();
  }
  inputValue(selector: string): Promise<string> {
    return this.locator(selector).inputValue();
  }
  waitForTimeout(ms: number): Promise<void> {
    return sleep(ms);
  }
  readonly keyboard = {
    type: (text: string, options: { delay?: number } = {}) => this.raw.keyboard.type(text, { delay: options.delay ?? 0 }),
    press: (key: string) => pressKey(this.raw, key),
  };
  readonly mouse = {
    dblclick: (x: number, y: number) => this.raw.mouse.click(x, y, { count: 2 }),
  };
}

async function launchBrowser(profile: string): Promise<Browser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    args: ['--remote-allow-system-access'],
    // SESAME_FIREFOX_CONSOLE=1 shows Firefox's output, the extension's console included (pref below).
    dumpio: Boolean(process.env.SESAME_FIREFOX_CONSOLE),
    userDataDir: profile,
    defaultViewport: { width: 1100, height: 800 },
    extraPrefsFirefox: {
      'xpinstall.signatures.required': false,
      'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: ADDON_UUID }),
      // A temporary add-on is removed when the browser closes: keep its data for the restart.
      'extensions.webextensions.keepStorageOnUninstall': true,
      'extensions.webextensions.keepUuidOnUninstall': true,
      'devtools.console.stdout.content': true,
      'browser.shell.checkDefaultBrowser': false,
      'datareporting.policy.dataSubmissionEnabled': false,
      'toolkit.telemetry.reportingpolicy.firstRun': false,
    },
  });
  await browser.installExtension(FIREFOX_EXTENSION_DIR);
  return browser;
}

export async function launchFirefox(options: DLaunchOptions = {}): Promise<DSession> {
  if (!existsSync(join(FIREFOX_EXTENSION_DIR, 'manifest.json'))) throw new Error('Build the extension first (npm run build)');
  const hub: HubServer = options.hub ?? (await startHubServer({ root: resolve('.fixtures/hub') }));
  const pages = await startPageServer();
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'sesame-firefox-'));
  let browser: Browser;
  /** An extension page kept open for `ext()`, requests and the background page. */
  let helper: FirefoxPage;

  const findPage = async (match: (url: string) => boolean, among: (p: Page) => boolean = () => true): Promise<FirefoxPage | undefined> => {
    for (const page of (await browser.pages()).filter(among)) {
      const href = await hrefOf(page);
      if (match(href) && (await page.evaluate(() => document.readyState).catch(() => '')) === 'complete') return new FirefoxPage(page, href);
    }
    return undefined;
  };
  const start = async () => {
    browser = await launchBrowser(profile);
    // Every install of the temporary add-on (a restart installs it again) opens the welcome page.
    const welcome = await until('the welcome page', 30_000, () => findPage((u) => u.includes('/onboarding.html')), 250);
    if (!options.keepOnboarding) await welcome.close();
    helper = new FirefoxPage(await browser.newPage());
    await helper.goto(`${ORIGIN}/options.html`);
  };
  await start();

  const ext = <R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> =>
    // Extension pages are not allowed to eval: the call is built here and evaluated by BiDi itself.
    helper.raw.evaluate(`((chrome) => (${fn.toString()})(${arg === undefined ? 'undefined' : JSON.stringify(arg)}))(globalThis.browser)`) as Promise<R>;

  await ext(
    async ({ host, models, extra }) => {
      await chrome.storage.local.set({
        settings: {
          modelHost: host,
          dtype: 'q8',
          models,
          backend: 'auto',
          idleReleaseMinutes: 10,
          disabledSites: [],
          lookupOnDoubleClick: true,
          completion: { enabled: true, pauseMs: 200, maxTokens: 12 },
          testing: { openShadowRoots: true },
          ...extra,
        },
      });
    },
    { host: `${hub.url}/`, models: FIXTURE_MODELS, extra: options.settings ?? {} },
  );

  const tabIdOf = async (page: DPage): Promise<number> => {
    await page.bringToFront();
    const id = await ext(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id as number | undefined);
    if (id === undefined) throw new Error(`no tab for ${page.url()}`);
    return id;
  };

  const session: DSession = {
    browser: 'firefox',
    hub,
    pagesUrl: pages.url,
    extensionUrl: (path) => `${ORIGIN}/${path.replace(/^\//, '')}`,
    newPage: async () => new FirefoxPage(await browser.newPage()),
    openExtensionPage: async (path) => {
      const page = new FirefoxPage(await browser.newPage());
      await page.goto(session.extensionUrl(path));
      return page;
    },
    waitForPage: (match, timeoutMs = 30_000) => until('a page', timeoutMs, () => findPage(match), 250),
    waitForNewPage: async (match, action, timeoutMs = 30_000) => {
      const before = new Set(await browser.pages());
      await action();
      return until('a new page', timeoutMs, () => findPage(match, (p) => !before.has(p)), 250);
    },
    ext,
    routerStats: () =>
      ext(async () => {
        const background = (await chrome.runtime.getBackgroundPage()) as unknown as { sesameRouterStats: RouterCounts };
        return JSON.parse(JSON.stringify(background.sesameRouterStats)) as RouterCounts;
      }),
    hostStatus: () => session.request<Diagnostics>({ type: 'status' }),
    request: <T>(request: Record<string, unknown>, timeoutMs = 60_000) =>
      ext(
        ({ request, timeoutMs }) =>
          new Promise<T>((resolve, reject) => {
            const port = chrome.runtime.connect({ name: 'sesame' });
            const id = `req-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
            const timer = setTimeout(() => reject(new Error(`no answer to ${String(request.type)} in ${timeoutMs} ms`)), timeoutMs);
            port.onMessage.addListener((m: { id: string; kind: string; result?: T; error?: unknown }) => {
              if (m.id !== id || (m.kind !== 'result' && m.kind !== 'error')) return;
              clearTimeout(timer);
              port.disconnect();
              if (m.kind === 'result') resolve(m.result as T);
              else reject(new Error(JSON.stringify(m.error)));
            });
            port.onDisconnect.addListener(() => {
              clearTimeout(timer);
              reject(new Error(`the port closed before ${String(request.type)} was answered`));
            });
            port.postMessage({ kind: 'request', id, request });
          }),
        { request, timeoutMs },
      ),
    tabIdOf,
    trigger: async (page, tool: Tool) => {
      const tabId = await tabIdOf(page);
      await ext(({ tabId, tool }) => chrome.tabs.sendMessage(tabId, { kind: 'trigger', tool }), { tabId, tool });
    },
    openPopup: async (page) => {
      const tabId = await tabIdOf(page);
      return session.openExtensionPage(`popup.html?tabId=${tabId}`);
    },
    restart: async () => {
      await browser.close();
      await start();
    },
    close: async () => {
      await browser?.close().catch(() => undefined);
      pages.server.close();
      if (!options.hub) await hub.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
  return session;
}

// End-to-end harness: Debian's Chromium driven by playwright-core, with the built extension
// loaded, a loopback "hub" serving fixture models, and a loopback server for test pages.
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Frame, type Locator, type Page, type Request, type Worker } from 'playwright-core';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';
import { selectTextInPage, wordCentreInPage } from './page-text';
import type { Diagnostics } from '../../models/shared/protocol';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');
export const PAGES_DIR = resolve('tests/e2e/pages');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const FIXTURE_MODELS = {
  'sense.en': { id: 'sesame-fixtures/tiny-bert-uncased' },
  'cloze.en': { id: 'sesame-fixtures/tiny-bert-uncased' },
  'sense.zh': { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie' },
  'cloze.zh': { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie' },
  'complete.en': { id: 'sesame-fixtures/tiny-gpt2' },
  'complete.zh': { id: 'sesame-fixtures/tiny-gpt2' },
} as const;

export interface HubServer {
  url: string;
  /** Requests answered with content, on the hub's origin or the CDN it redirects LFS downloads to (tests/support/hub-server.mjs). */
  requests: { method: string; path: string; status: number; bytes: number; range?: string; aborted?: boolean; origin?: 'hub' | 'cdn' }[];
  redirects?: { method: string; path: string; status: number; location: string }[];
  cdnUrl?: string;
  setFault(fn: ((req: { url?: string; method?: string }, info?: { api?: string; file?: string }) => unknown) | null): void;
  close(): Promise<void>;
}

export interface Session {
  context: BrowserContext;
  /** The running service worker (a new one after the browser stopped and restarted it). */
  readonly worker: Worker;
  extensionId: string;
  hub: HubServer;
  pagesUrl: string;
  profile: string;
  /** Every network request the browser made, with the context that made it. */
  network: { url: string; page: string }[];
  close(): Promise<void>;
}

const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

export async function startPageServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(PAGES_DIR, path);
    if (!file.startsWith(PAGES_DIR) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    const headers: Record<string, string> = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' };
    if (path.includes('strict-csp')) headers['content-security-policy'] = "default-src 'none'; style-src 'self'";
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, server };
}

export interface LaunchOptions {
  webgpu?: boolean;
  profile?: string;
  hub?: HubServer;
  settings?: Record<string, unknown>;
  /** Extra Chromium flags (e.g. --log-net-log=FILE). */
  args?: string[];
  /** Leave the welcome page a first install opens (otherwise it is closed). */
  keepOnboarding?: boolean;
}

export async function launch(options: LaunchOptions = {}): Promise<Session> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error('Build the extension first (npm run build)');
  const hub: HubServer = options.hub ?? (await startHubServer({ root: resolve('.fixtures/hub') }));
  const pages = await startPageServer();
  const profile = options.profile ?? mkdtempSync(join(tmpdir(), 'sesame-profile-'));
  const args = [
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    `--disable-extensions-except=${EXTENSION_DIR}`,
    `--load-extension=${EXTENSION_DIR}`,
  ];
  args.push(...(options.args ?? []));
  if (options.webgpu) {
    args.push(
      '--enable-unsafe-webgpu',
      '--enable-features=Vulkan',
      '--use-angle=swiftshader',
      '--use-webgpu-adapter=swiftshader',
      '--enable-unsafe-swiftshader',
    );
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1100, height: 800 },
  });
  // A fresh profile is a first install: the welcome page opens. Tests that are not about it close it.
  const closeWelcome = (p: Page) => {
    const check = () => (p.url().includes('/onboarding.html') ? p.close().catch(() => undefined) : undefined);
    if (p.url() !== 'about:blank') void check();
    else p.once('domcontentloaded', () => void check());
  };
  if (!options.keepOnboarding) {
    context.pages().forEach(closeWelcome);
    context.on('page', closeWelcome);
  }
  const network: { url: string; page: string }[] = [];
  const frameOf = (r: Request): string => {
    try {
      return r.frame().url();
    } catch {
      return ''; // a service worker's request, or a navigation whose frame is gone
    }
  };
  context.on('request', (r) => network.push({ url: r.url(), page: frameOf(r) }));
  const first = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  let worker = first;
  context.on('serviceworker', (w) => void (worker = w));
  const extensionId = new URL(first.url()).host;
  await first.evaluate(
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
  return {
    context,
    get worker() {
      return worker;
    },
    extensionId,
    hub,
    pagesUrl: pages.url,
    profile,
    network,
    close: async () => {
      await context.close().catch(() => undefined);
      pages.server.close();
      if (!options.hub) await hub.close();
      if (!options.profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function openPopup(session: Session, tabPage: Page): Promise<Page> {
  const tabId = await tabIdOf(session, tabPage);
  const popup = await session.context.newPage();
  await popup.goto(`chrome-extension://${session.extensionId}/popup.html?tabId=${tabId}`);
  return popup;
}

/** Clicks a popup button that opens the practice page, and waits for its first blank. */
export async function openFromPopup(session: Session, popup: Page, testId: string): Promise<Page> {
  const opened = session.context.waitForEvent('page');
  await popup.locator(`[data-testid=${testId}]`).click();
  const practice = await opened;
  await practice.locator('[data-testid=blank-input]').first().waitFor({ timeout: 120_000 });
  return practice;
}

/** The tab id of a page (the extension has no "tabs" permission, so find it as the active tab). */
export async function tabIdOf(session: Session, page: Page): Promise<number> {
  await page.bringToFront();
  const id = await session.worker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id);
  if (id === undefined) throw new Error(`no tab for ${page.url()}`);
  return id;
}

/** Double-clicks the first occurrence of `word` in the element matching `selector`. */
export async function dblclickWord(page: Page, selector: string, word: string): Promise<void> {
  const box = await page.evaluate(wordCentreInPage, { selector, word });
  await page.mouse.dblclick(box.x, box.y);
}

/** Selects `text` (a substring of the element's text) programmatically. */
export async function selectText(page: Page, selector: string, text: string): Promise<void> {
  await page.evaluate(selectTextInPage, { selector, text });
}

/** Asks the background to trigger a tool in a tab, as the context menu / keyboard command does. */
export async function trigger(session: Session, page: Page, tool: 'sense' | 'cloze' | 'complete'): Promise<void> {
  const tabId = await tabIdOf(session, page);
  await session.worker.evaluate(({ tabId, tool }) => chrome.tabs.sendMessage(tabId, { kind: 'trigger', tool }), { tabId, tool });
}

const extensionPages = new WeakMap<Session, Page>();

/** Sends one request from an extension page, over a port as the popup does, and returns its answer. */
export async function extensionRequest<T>(session: Session, request: Record<string, unknown>, timeoutMs = 60_000): Promise<T> {
  let page = extensionPages.get(session);
  if (!page || page.isClosed()) {
    page = await session.context.newPage();
    await page.goto(`chrome-extension://${session.extensionId}/options.html`);
    extensionPages.set(session, page);
  }
  return page.evaluate(
    ({ request, timeoutMs }) =>
      new Promise<T>((resolve, reject) => {
        const port = chrome.runtime.connect({ name: 'sesame' });
        const id = `req-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
        const timer = setTimeout(() => reject(new Error(`no answer to ${request.type} in ${timeoutMs} ms`)), timeoutMs);
        port.onMessage.addListener((m: { id: string; kind: string; result?: T; error?: unknown }) => {
          if (m.id !== id || (m.kind !== 'result' && m.kind !== 'error')) return;
          clearTimeout(timer);
          port.disconnect();
          if (m.kind === 'result') resolve(m.result as T);
          else reject(new Error(JSON.stringify(m.error)));
        });
        port.postMessage({ kind: 'request', id, request });
      }),
    { request, timeoutMs },
  );
}

/** The model host's diagnostics (with its memory when asked: needs --enable-blink-features=ForceEagerMeasureMemory to be quick). */
export function hostStatus(session: Session, options: { memory?: boolean } = {}): Promise<Diagnostics> {
  return extensionRequest<Diagnostics>(session, { type: 'status', ...(options.memory ? { memory: true } : {}) });
}

export interface RouterCounts {
  requests: Record<string, number>;
  /** Sent by content scripts only. */
  pageRequests: Record<string, number>;
  cancelled: number;
  rejected: number;
}

/** What the running service worker's router has seen (counts restart with the worker; fails while it is stopped). */
export function routerStats(session: Session, timeoutMs = 5_000): Promise<RouterCounts> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    session.worker.evaluate(() => (globalThis as unknown as { sesameRouterStats: RouterCounts }).sesameRouterStats),
    new Promise<never>((_, fail) => (timer = setTimeout(() => fail(new Error('the service worker did not answer')), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
}

interface WorldContext {
  id: number;
  origin: string;
  auxData?: { type?: string; frameId?: string };
}

const worlds = new WeakMap<Page, Promise<{ cdp: CDPSession; contexts: Map<number, WorldContext> }>>();

/**
 * Evaluates `expression` in Sesame's content-script world of `page`'s main frame, over the DevTools
 * protocol: the way in tests have to closed shadow roots (`chrome.dom.openOrClosedShadowRoot`),
 * which page script does not have.
 */
export async function inSesameWorld<T>(page: Page, expression: string): Promise<T> {
  let world = worlds.get(page);
  if (!world) {
    world = (async () => {
      const cdp = await page.context().newCDPSession(page);
      const contexts = new Map<number, WorldContext>();
      cdp.on('Runtime.executionContextCreated', (p) => void contexts.set(p.context.id, p.context as WorldContext));
      cdp.on('Runtime.executionContextDestroyed', (p) => void contexts.delete(p.executionContextId));
      cdp.on('Runtime.executionContextsCleared', () => contexts.clear());
      await cdp.send('Runtime.enable');
      return { cdp, contexts };
    })();
    worlds.set(page, world);
  }
  const { cdp, contexts } = await world;
  const { frameTree } = await cdp.send('Page.getFrameTree');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const ours = [...contexts.values()].filter(
      (c) => c.auxData?.type === 'isolated' && c.origin.startsWith('chrome-extension://') && c.auxData.frameId === frameTree.frame.id,
    );
    const context = ours.at(-1);
    if (context) {
      const r = await cdp.send('Runtime.evaluate', { expression, contextId: context.id, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
      return r.result.value as T;
    }
    if (Date.now() > deadline) throw new Error(`no Sesame content script in ${page.url()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The ghost text shown in `page` ('' when none), read through its closed shadow root from Sesame's world. */
export function ghostText(page: Page): Promise<string> {
  return inSesameWorld<string>(
    page,
    `(() => {
    const host = document.querySelector('sesame-ghost');
    return (host && chrome.dom.openOrClosedShadowRoot(host)?.textContent) || '';
  })()`,
  );
}

/** The viewport box of the ghost's first character (null when none shows), read inside its closed shadow root from Sesame's world. */
export function ghostGlyph(page: Page): Promise<{ left: number; top: number; height: number } | null> {
  return inSesameWorld(
    page,
    `(() => {
      const host = document.querySelector('sesame-ghost');
      const box = host && chrome.dom.openOrClosedShadowRoot(host)?.querySelector('.ghost');
      const text = box?.firstChild;
      if (!box || box.hasAttribute('hidden') || !text?.textContent) return null;
      const range = document.createRange();
      range.setStart(text, 0);
      range.setEnd(text, 1);
      const r = range.getClientRects()[0];
      return r ? { left: r.left, top: r.top, height: r.height } : null;
    })()`,
  );
}

/**
 * Evaluates `body` (a function of the bubble's root, as source) in the bubble's frame — its own
 * extension-origin document, which page script cannot reach — with the frame's document as the
 * root. The way into the shipped bubble, whose frame sits in a closed shadow root (sessions
 * launched with `settings: { testing: {} }`): Playwright finds the frame by the browser's frame tree.
 */
export async function inClosedBubble<T>(page: Page, body: string): Promise<T> {
  const frame = await bubbleDocument(page);
  return (await frame.evaluate(`(${body})(document)`)) as T;
}

/** Where the bubble's frame is on the page, read from Sesame's world (through the closed shadow root). */
function bubbleFrameBox(page: Page): Promise<{ left: number; top: number } | null> {
  return inSesameWorld(
    page,
    `(() => {
    const host = document.querySelector('sesame-bubble');
    const frame = host && chrome.dom.openOrClosedShadowRoot(host)?.querySelector('iframe');
    const r = frame?.getBoundingClientRect();
    return r ? { left: r.left, top: r.top } : null;
  })()`,
  );
}

/** Waits until the closed bubble shows `[data-testid=testId]`; returns the centre of its box on the page. */
export async function waitInClosedBubble(page: Page, testId: string, timeoutMs = 120_000): Promise<{ x: number; y: number }> {
  const deadline = Date.now() + timeoutMs;
  let last: { x: number; y: number } | null = null;
  for (;;) {
    const inner = await inClosedBubble<{ x: number; y: number } | null>(
      page,
      `(root) => {
        const el = root && root.querySelector('[data-testid=${testId}]');
        if (!el) return null;
        el.scrollIntoView({ block: 'center' });
        const r = el.getBoundingClientRect();
        return r.width > 0 ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : null;
      }`,
    ).catch(() => null);
    const frame = inner ? await bubbleFrameBox(page) : null;
    const box = inner && frame ? { x: frame.left + inner.x, y: frame.top + inner.y } : null;
    // Where it is once the bubble has stopped moving (results stream in and grow it).
    if (box && last && Math.abs(box.x - last.x) < 1 && Math.abs(box.y - last.y) < 1) return box;
    last = box;
    if (Date.now() > deadline) throw new Error(`no ${testId} in the bubble within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * The bubble's frame (an extension page in the page, components/bubble/mount-bubble.tsx): locators
 * go in through it. Sessions launched as usual have the host's shadow root open (settings.testing),
 * so Playwright finds the <iframe>; the bubble's document is cross-origin to the page either way.
 */
export const bubbleFrame = (page: Page | Frame) => page.frameLocator('sesame-bubble iframe');

/** `sesame-bubble <selector>` (the journeys' form, as in the other browser's driver): <selector> inside the bubble's frame. */
export function bubbleLocator(page: Page | Frame, selector: string): Locator | null {
  const inner = /^sesame-bubble\s+(.+)$/s.exec(selector)?.[1];
  return inner ? bubbleFrame(page).locator(inner) : null;
}

export const inBubble = (page: Page | Frame, testId: string) => bubbleFrame(page).locator(`[data-testid=${testId}]`);

/** The bubble's frame as a Playwright Frame (to evaluate in its document), once it has one. */
export async function bubbleDocument(page: Page, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A frame just made has no address yet ('': not a URL): only the extension's bubble page counts.
    const frame = page.frames().find((f) => f.url().startsWith('chrome-extension://') && new URL(f.url()).pathname === '/bubble.html');
    if (frame && !frame.isDetached()) return frame;
    if (Date.now() > deadline) throw new Error(`no bubble frame in ${page.url()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until the bubble's frame takes clicks: the browser reports it shown as it is, unobstructed
 * (IntersectionObserver v2, 100 ms delay; the frame marks its root `data-shown`). A click sooner is dropped.
 */
export async function bubbleShown(page: Page | Frame, timeoutMs = 10_000): Promise<void> {
  await bubbleFrame(page).locator('html[data-shown]').waitFor({ state: 'attached', timeout: timeoutMs });
}

/** Triggers a cloze on the selection and opens the practice page from the bubble's Practice button. */
export async function practiceFromBubble(session: Session, page: Page): Promise<Page> {
  await trigger(session, page, 'cloze');
  const button = inBubble(page, 'practice');
  await button.waitFor({ timeout: 120_000 });
  await bubbleShown(page);
  const opened = session.context.waitForEvent('page');
  await button.click();
  const practice = await opened;
  await practice.locator('[data-testid=blank-input]').first().waitFor({ timeout: 120_000 });
  return practice;
}

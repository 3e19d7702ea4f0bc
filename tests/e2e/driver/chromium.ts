// The driver over playwright-core: Debian's Chromium with the MV3 build (tests/e2e/harness.ts
// launches it; this only presents a harness Session as the journeys' DSession).
import type { Locator, Page } from 'playwright-core';
import {
  bubbleLocator,
  bubbleShown,
  extensionRequest,
  hostStatus,
  launch,
  type LaunchOptions,
  openPopup,
  routerStats,
  type Session,
  tabIdOf,
  trigger,
} from '../harness';
import type { DLaunchOptions, DLocator, DPage, DSession } from './types';

/** `beforeClick`: what a click waits for first (the bubble's frame drops clicks until it is shown). */
function locatorOf(l: Locator, beforeClick: () => Promise<void> = async () => undefined): DLocator {
  const sub = (inner: Locator) => locatorOf(inner, beforeClick);
  return {
    waitFor: (options) => l.waitFor(options),
    count: () => l.count(),
    textContent: () => l.textContent(),
    allTextContents: () => l.allTextContents(),
    getAttribute: (name) => l.getAttribute(name),
    inputValue: () => l.inputValue(),
    isChecked: () => l.isChecked(),
    click: async () => {
      await beforeClick();
      await l.click();
    },
    check: async () => {
      await beforeClick();
      await l.check();
    },
    uncheck: async () => {
      await beforeClick();
      await l.uncheck();
    },
    focus: () => l.focus(),
    fill: (value) => l.fill(value),
    press: (key) => l.press(key),
    first: () => sub(l.first()),
    last: () => sub(l.last()),
    nth: (i) => sub(l.nth(i)),
    locator: (selector) => sub(l.locator(selector)),
  };
}

const pages = new WeakMap<Page, DPage>();

/** The journeys' view of a Playwright page (`sesame-bubble <selector>` finds <selector> inside the bubble's frame) (the same object for the same page). */
export function pageOf(p: Page): DPage {
  let page = pages.get(p);
  if (page) return page;
  page = {
    raw: p,
    url: () => p.url(),
    goto: async (url) => void (await p.goto(url)),
    reload: async () => void (await p.reload()),
    close: () => p.close(),
    bringToFront: () => p.bringToFront(),
    locator: (selector) => {
      const inBubbleFrame = bubbleLocator(p, selector);
      return inBubbleFrame ? locatorOf(inBubbleFrame, () => bubbleShown(p)) : locatorOf(p.locator(selector));
    },
    evaluate: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => p.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>,
    click: (selector) => p.click(selector),
    inputValue: (selector) => p.inputValue(selector),
    waitForTimeout: (ms) => p.waitForTimeout(ms),
    keyboard: { type: (text, options) => p.keyboard.type(text, options), press: (key) => p.keyboard.press(key) },
    mouse: { dblclick: (x, y) => p.mouse.dblclick(x, y) },
  } as DPage & { raw: Page };
  pages.set(p, page);
  return page;
}

/** The Playwright page behind a journey's page (for Chromium-only steps such as downloads). */
export function rawPage(page: DPage): Page {
  return (page as DPage & { raw: Page }).raw;
}

/** A harness session as a DSession; `restart` relaunches on `options.profile`. */
export function chromiumSession(first: Session, options: LaunchOptions = {}): DSession & { readonly session: Session } {
  let s = first;
  const session: DSession & { readonly session: Session } = {
    browser: 'chromium',
    get session() {
      return s;
    },
    get hub() {
      return s.hub;
    },
    get pagesUrl() {
      return s.pagesUrl;
    },
    extensionUrl: (path) => `chrome-extension://${s.extensionId}/${path.replace(/^\//, '')}`,
    newPage: async () => pageOf(await s.context.newPage()),
    openExtensionPage: async (path) => {
      const page = pageOf(await s.context.newPage());
      await page.goto(session.extensionUrl(path));
      return page;
    },
    waitForPage: async (match, timeoutMs = 30_000) => {
      const open = s.context.pages().find((p) => match(p.url()));
      const page = open ?? (await s.context.waitForEvent('page', { predicate: (p) => match(p.url()), timeout: timeoutMs }));
      await page.waitForLoadState();
      return pageOf(page);
    },
    waitForNewPage: async (match, action, timeoutMs = 30_000) => {
      const opened = s.context.waitForEvent('page', { predicate: (p) => match(p.url()), timeout: timeoutMs });
      await action();
      const page = await opened;
      await page.waitForLoadState();
      return pageOf(page);
    },
    ext: <R, A>(fn: (arg: A) => R | Promise<R>, arg?: A) => s.worker.evaluate(fn as (arg: unknown) => Promise<R>, arg) as Promise<R>,
    routerStats: () => routerStats(s),
    hostStatus: () => hostStatus(s),
    request: (request, timeoutMs) => extensionRequest(s, request, timeoutMs),
    tabIdOf: (page) => tabIdOf(s, rawPage(page)),
    trigger: (page, tool) => trigger(s, rawPage(page), tool),
    openPopup: async (page) => pageOf(await openPopup(s, rawPage(page))),
    restart: async () => {
      if (!options.profile) throw new Error('restart needs a profile of the caller');
      await s.close();
      s = await launch(options);
    },
    close: () => s.close(),
  };
  return session;
}

export async function launchChromium(options: DLaunchOptions & LaunchOptions = {}): Promise<DSession & { readonly session: Session }> {
  return chromiumSession(await launch(options), options);
}

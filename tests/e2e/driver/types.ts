// The small browser-driver interface the shared journeys (tests/e2e/journeys.ts) are written
// against: one journey, two browsers. `chromium.ts` implements it over playwright-core (Debian's
// Chromium, the MV3 build), `firefox.ts` over puppeteer-core and WebDriver BiDi (Debian's
// firefox-esr, the MV2 build). Selectors are CSS; like Playwright's, a descendant combinator
// crosses open shadow roots (`sesame-bubble [data-testid=x]` finds x inside the bubble's shadow root).
import type { HubServer, RouterCounts } from '../harness';
import type { Diagnostics } from '../../../models/shared/protocol';

export type BrowserName = 'chromium' | 'firefox';
export type Tool = 'sense' | 'cloze' | 'complete';

export interface DLocator {
  waitFor(options?: { timeout?: number }): Promise<void>;
  count(): Promise<number>;
  textContent(): Promise<string | null>;
  allTextContents(): Promise<string[]>;
  getAttribute(name: string): Promise<string | null>;
  inputValue(): Promise<string>;
  isChecked(): Promise<boolean>;
  /** A trusted click at the element's centre (scrolled into view). */
  click(): Promise<void>;
  check(): Promise<void>;
  uncheck(): Promise<void>;
  focus(): Promise<void>;
  /** Focuses the field, selects what it holds and types `value` over it. */
  fill(value: string): Promise<void>;
  /** Focuses the element and presses `key` ("Enter", "Alt+H"). */
  press(key: string): Promise<void>;
  first(): DLocator;
  last(): DLocator;
  nth(index: number): DLocator;
  locator(selector: string): DLocator;
}

export interface DPage {
  url(): string;
  goto(url: string): Promise<void>;
  reload(): Promise<void>;
  close(): Promise<void>;
  bringToFront(): Promise<void>;
  locator(selector: string): DLocator;
  /** Runs `fn` in the page's own world (a function of one serialisable argument). */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  click(selector: string): Promise<void>;
  inputValue(selector: string): Promise<string>;
  waitForTimeout(ms: number): Promise<void>;
  keyboard: { type(text: string, options?: { delay?: number }): Promise<void>; press(key: string): Promise<void> };
  mouse: { dblclick(x: number, y: number): Promise<void> };
}

export interface DLaunchOptions {
  /** A profile folder kept by the caller (for restarts); otherwise a throwaway one. */
  profile?: string;
  hub?: HubServer;
  settings?: Record<string, unknown>;
  /** Leave the welcome page a first install opens (otherwise it is closed). */
  keepOnboarding?: boolean;
}

export interface DSession {
  readonly browser: BrowserName;
  readonly hub: HubServer;
  readonly pagesUrl: string;
  /** `chrome-extension://<id>/<path>` or `moz-extension://<uuid>/<path>`. */
  extensionUrl(path: string): string;
  newPage(): Promise<DPage>;
  /** Opens one of the extension's own pages in a new tab and waits until it has loaded. */
  openExtensionPage(path: string): Promise<DPage>;
  /** The first open page whose URL passes `match`, or the next one opened (the welcome page). */
  waitForPage(match: (url: string) => boolean, timeoutMs?: number): Promise<DPage>;
  /** Runs `action` and returns the page it opened whose URL passes `match` (a practice page). */
  waitForNewPage(match: (url: string) => boolean, action: () => Promise<void>, timeoutMs?: number): Promise<DPage>;
  /** Runs `fn` with the extension's APIs as `chrome` (promise-based), in the background context or an extension page. */
  ext<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** What the background's router has seen. */
  routerStats(): Promise<RouterCounts>;
  /** The model host's diagnostics, asked for over a port as the popup asks. */
  hostStatus(): Promise<Diagnostics>;
  /** Sends one request from an extension page over a port, as the popup does: its result, or rejects with its error as JSON. */
  request<T>(request: Record<string, unknown>, timeoutMs?: number): Promise<T>;
  tabIdOf(page: DPage): Promise<number>;
  /** Asks the background to trigger a tool in a tab, as the context menu / keyboard command does. */
  trigger(page: DPage, tool: Tool): Promise<void>;
  /** The popup, opened in a tab for `page`'s tab. */
  openPopup(page: DPage): Promise<DPage>;
  /** Closes the browser and starts it again on the same profile (the caller's `profile`). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

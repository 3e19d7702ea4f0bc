// The core journeys in Firefox (Debian's firefox-esr, the MV2 build, puppeteer-core over WebDriver
// BiDi): the same journey code as the Chromium suite (tests/e2e/journeys.ts), one journey, two browsers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../support/hub-server.mjs';
import { launchFirefox } from '../e2e/driver/firefox';
import type { DPage, DSession } from '../e2e/driver/types';
import type { HubServer } from '../e2e/harness';
import {
  clozeChinese,
  ghostEscDismisses,
  ghostTabAccepts,
  hostilePageCannotDrive,
  offlineAfterRestart,
  senseBubble,
  senseChineseInPopup,
  settingsClearCache,
  welcomeDemo,
  welcomeDownloadsChosenLanguages,
  welcomePage,
  answerOf,
  expectAnsweredByWatchdog,
} from '../e2e/journeys';

describe('Firefox: first run', () => {
  let d: DSession;
  let welcome: DPage;
  beforeAll(async () => {
    d = await launchFirefox({ keepOnboarding: true });
    welcome = await welcomePage(d);
  });
  afterAll(async () => {
    await d?.close();
  });

  it('the welcome page opens on install and downloads only the models of the languages the user reads', () => welcomeDownloadsChosenLanguages(d, welcome));
  it('the live demo runs each tool on the sample text', () => welcomeDemo(welcome));
});

describe('Firefox: the tools', () => {
  let d: DSession;
  beforeAll(async () => {
    d = await launchFirefox();
  });
  afterAll(async () => {
    await d?.close();
  });

  it('double-click: substitutes, the senses of every use and WordNet glosses; a snippet scrolls to its use', () => senseBubble(d));
  it('the popup opened in a tab works as the popup: Chinese 银行 with CC-CEDICT glosses', () => senseChineseInPopup(d));
  it('ghost text: Tab inserts it; the background page runs the kernels on one thread', () => ghostTabAccepts(d));
  it('ghost text: Esc dismisses it', () => ghostEscDismisses(d));
  it('cloze practice on a Chinese paragraph, from the bubble to the practice page', () => clozeChinese(d));
  it('a hostile page cannot drive Sesame (fake messages, synthetic double-clicks); a real double-click works', () => hostilePageCannotDrive(d));
  it('settings: downloaded models listed, cache cleared, the next use downloads again', () => settingsClearCache(d));

  it('extension pages are not cross-origin isolated, so a shared memory cannot reach a worker: the host runs on one thread', async () => {
    // Why the background page's kernels stay on one thread (README, "Firefox"): MV2 extension pages
    // cannot send COOP/COEP, and without them Firefox refuses to share memory with a worker.
    const page = await d.openExtensionPage('options.html');
    const probe = await page.evaluate(() => {
      let post: string;
      try {
        const worker = new Worker('/ort/ort-wasm-simd-threaded.asyncify.mjs', { type: 'module' });
        worker.postMessage(new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true }));
        worker.terminate();
        post = 'posted';
      } catch (error) {
        post = (error as Error).name;
      }
      return { isolated: globalThis.crossOriginIsolated, sharedArrayBuffer: typeof SharedArrayBuffer, post };
    });
    expect(probe).toEqual({ isolated: false, sharedArrayBuffer: 'undefined', post: 'DataCloneError' });
    const background = await d.ext(async () => (await chrome.runtime.getBackgroundPage())!.crossOriginIsolated);
    expect(background).toBe(false);
    const status = await d.hostStatus();
    expect(status).toMatchObject({ crossOriginIsolated: false, threads: 1 });
    await page.close();
  });
});

describe('Firefox: offline after a restart', () => {
  let d: DSession;
  let hub: HubServer;
  const profile = mkdtempSync(join(tmpdir(), 'sesame-firefox-offline-'));
  beforeAll(async () => {
    hub = await startHubServer({ root: resolve('.fixtures/hub') });
    d = await launchFirefox({ profile, hub });
  });
  afterAll(async () => {
    await d?.close();
    await hub?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('a model used once works after the browser restarts with the model host unreachable', () => offlineAfterRestart(d));
});

describe('Firefox: a hung inference', () => {
  let d: DSession;
  beforeAll(async () => {
    d = await launchFirefox();
  });
  afterAll(async () => {
    await d?.close();
  });

  it('the watchdog answers the stuck requests, reloads the background page (a new host), and the next requests work', async () => {
    // The fault hook (models/host/run-faults.ts) and the watchdog's limit are globals of the
    // background page, which hosts the models in Firefox; an extension page reaches it directly.
    const arm = (fault: 'hang' | undefined) =>
      d.ext(async (fault) => {
        const background = (await chrome.runtime.getBackgroundPage()) as unknown as Record<string, unknown>;
        background.sesameWatchdogMs = 4_000;
        background.sesameRunFault = fault;
        background.sesameBeforeRestart = true;
      }, fault);
    /** Which background page is there: the one armed above, or a new one whose router is listening. */
    const backgroundPage = () =>
      d.ext(async () => {
        const page = (await chrome.runtime.getBackgroundPage()) as unknown as Record<string, unknown> | null;
        if (page?.sesameBeforeRestart === true) return 'old';
        return page?.sesameRouterStats ? 'new' : 'loading';
      });
    const sense = (text: string) => ({ type: 'sense', text, start: text.indexOf('bank'), end: text.indexOf('bank') + 4, lang: 'en' });
    const complete = (prompt: string) => ({ type: 'complete', prompt, maxNewTokens: 3 });

    expect(await answerOf(d.request(sense('The bank approved the loan.')))).toMatchObject({ ok: true });
    expect(await answerOf(d.request(complete('The bank approved')))).toMatchObject({ ok: true });
    const before = await d.hostStatus();
    await arm('hang');
    expect(await backgroundPage()).toBe('old');
    const started = Date.now();
    // The hung run, and two requests for other models beside it: the Chinese encoder's passes and the
    // completion run in Sesame's kernels, each on its own (no onnxruntime session, so no inference
    // chain to queue behind, for q8 encoders and GPT-2 on WASM): both are answered meanwhile.
    const [hung, other, completed] = await Promise.all([
      answerOf(d.request(sense('Interest rates at the bank rose again.'), 60_000)),
      answerOf(d.request({ type: 'sense', text: '我今天去银行存钱。', start: 4, end: 6, lang: 'zh' }, 60_000)),
      answerOf(d.request(complete('Once upon a time there'), 60_000)),
    ]);
    expect(other).toMatchObject({ ok: true });
    expect(completed).toMatchObject({ ok: true });
    expectAnsweredByWatchdog([hung]);
    expect(Date.now() - started).toBeLessThan(30_000);
    // The background page was reloaded: a new window (the marker is gone) with a new host.
    await expect.poll(() => backgroundPage().catch(() => 'loading'), { timeout: 30_000 }).toBe('new');
    expect(await answerOf(d.request(sense('The bank closed early on Friday.'), 120_000))).toMatchObject({ ok: true });
    expect(await answerOf(d.request(complete('The weather today is'), 120_000))).toMatchObject({ ok: true });
    const after = await d.hostStatus();
    expect(after.hostStartedAt).toBeGreaterThan(before.hostStartedAt);
  });
});

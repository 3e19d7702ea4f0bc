// The model host (offscreen document) serves only the background. Here another extension page and
// a content script (as a compromised renderer could) open the host's port and send it valid work:
// the host refuses the connection, answers nothing, and the work is not done.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dblclickWord, extensionRequest, hostStatus, inBubble, launch, type Session } from './harness';

/** Runs in the attacker's context: connects as the background would and asks for cache.clear and status. */
const ATTEMPT = `new Promise((resolve) => {
  const port = chrome.runtime.connect({ name: 'sesame-host' });
  const got = [];
  let dropped = false;
  port.onMessage.addListener((m) => got.push(m));
  port.onDisconnect.addListener(() => { dropped = true; });
  const config = { remoteHost: 'https://huggingface.co/', idleReleaseMs: 1, preferBackend: 'auto' };
  port.postMessage({ kind: 'run', id: 'foreign1', request: { type: 'cache.clear' }, config });
  port.postMessage({ kind: 'run', id: 'foreign2', request: { type: 'status' }, config });
  setTimeout(() => resolve({ answers: got.length, dropped }), 1500);
})`;

interface Attempt {
  answers: number;
  dropped: boolean;
}

/** Evaluates `expression` in the content script's isolated world of `page`, through the DevTools protocol. */
async function inContentScript<T>(s: Session, page: Page, expression: string): Promise<T> {
  const cdp = await s.context.newCDPSession(page);
  const contexts: { id: number; origin: string; auxData?: { type?: string } }[] = [];
  cdp.on('Runtime.executionContextCreated', (p) => void contexts.push(p.context as (typeof contexts)[number]));
  await cdp.send('Runtime.enable');
  await expect.poll(() => contexts.some((c) => c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${s.extensionId}`)).toBe(true);
  const world = contexts.find((c) => c.auxData?.type === 'isolated' && c.origin === `chrome-extension://${s.extensionId}`)!;
  const r = await cdp.send('Runtime.evaluate', { expression, contextId: world.id, awaitPromise: true, returnByValue: true });
  await cdp.detach();
  if (r.exceptionDetails) throw new Error(r.exceptionDetails.text);
  return r.result.value as T;
}

describe('the model host accepts only the background', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('another extension page and a content script are refused; nothing they asked for is done', async () => {
    const page = await s.context.newPage();
    await page.goto(`${s.pagesUrl}/bank.html`);
    await dblclickWord(page, '#p1', 'bank');
    await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
    const before = await hostStatus(s);
    const cachedBefore = await extensionRequest<{ models: { id: string }[] }>(s, { type: 'models.list' });
    expect(cachedBefore.models.length).toBeGreaterThan(0);

    const options = await s.context.newPage();
    await options.goto(`chrome-extension://${s.extensionId}/options.html`);
    const fromPage = await options.evaluate<Attempt>(ATTEMPT);
    const fromContentScript = await inContentScript<Attempt>(s, page, ATTEMPT);
    for (const attempt of [fromPage, fromContentScript]) expect(attempt.answers).toBe(0);

    const after = await hostStatus(s);
    expect(after.rejected! - before.rejected!).toBe(2);
    expect(after.hostStartedAt).toBe(before.hostStartedAt);
    expect(after.work).toEqual(before.work);
    // cache.clear never ran: the models are still there, and lookups still work.
    expect((await extensionRequest<{ models: { id: string }[] }>(s, { type: 'models.list' })).models).toEqual(cachedBefore.models);
    await page.keyboard.press('Escape');
    await dblclickWord(page, '#p6', 'bank');
    await inBubble(page, 'substitutes').waitFor({ timeout: 120_000 });
  });
});

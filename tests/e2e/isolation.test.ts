// Failure isolation in Chromium, in the real offscreen host: a failed inference (as a WASM
// out-of-memory would fail it) answers its own request with its error and nothing else breaks;
// a hung one is caught by the router's watchdog, which answers the stuck requests with a clear
// error and recreates the host, and the next request works. The faults are armed in the offscreen
// document through DevTools (models/host/run-faults.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostics } from '@/models/shared/protocol';
import { extensionRequest, hostStatus, launch, routerStats, type Session } from './harness';
import { answerOf, expectAnsweredByWatchdog } from './journeys';

/** Evaluates `expression` in the offscreen document (the model host), through the DevTools protocol. */
async function inOffscreen(s: Session, expression: string): Promise<unknown> {
  const page = await s.context.newPage();
  const cdp = await s.context.newCDPSession(page);
  try {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: { targetId: string; url: string }[] };
    const target = targetInfos.find((t) => t.url === `chrome-extension://${s.extensionId}/offscreen.html`);
    if (!target) throw new Error('no offscreen document');
    const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
    const answer = new Promise<{ result?: { result?: { value?: unknown } } }>((resolve) =>
      cdp.on('Target.receivedMessageFromTarget', (e: { message: string }) => {
        const m = JSON.parse(e.message) as { id?: number };
        if (m.id === 1) resolve(m as never);
      }),
    );
    const message = { id: 1, method: 'Runtime.evaluate', params: { expression, returnByValue: true } };
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify(message) });
    return (await answer).result?.result?.value;
  } finally {
    await cdp.detach().catch(() => undefined);
    await page.close();
  }
}

const sense = (text: string, word: string) => ({ type: 'sense', text, start: text.indexOf(word), end: text.indexOf(word) + word.length, lang: 'en' });
const complete = (prompt: string) => ({ type: 'complete', prompt, maxNewTokens: 3 });

/** A request's answer: its result, or its error (code and message). */
const answer = (s: Session, request: Record<string, unknown>, timeoutMs = 60_000) => answerOf(extensionRequest(s, request, timeoutMs));

describe('one failed or hung inference affects only its own request', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch();
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a run that fails: its request gets the error; every model keeps working', async () => {
    expect(await answer(s, sense('The bank approved the loan.', 'bank'))).toMatchObject({ ok: true });
    expect(await answer(s, complete('The bank approved'))).toMatchObject({ ok: true });
    expect(await inOffscreen(s, "globalThis.sesameRunFault = 'fail'; 'armed'")).toBe('armed');

    const failed = await answer(s, sense('We sat on the bank of the river.', 'bank'));
    expect(failed).toMatchObject({ ok: false, message: expect.stringMatching(/Injected inference failure.*OOM/) });
    // Without the run guard, transformers.js' inference chain would reject every later run with that error.
    expect(await answer(s, complete('She walked along the river'))).toMatchObject({ ok: true });
    expect(await answer(s, sense('He went to the bank to deposit a check.', 'bank'))).toMatchObject({ ok: true });
    expect(await answer(s, sense('The boat drifted to the bank of the lake.', 'bank'))).toMatchObject({ ok: true });
  });

  it('a run that hangs: the watchdog answers the stuck requests, recreates the host, and the next request works', async () => {
    const before: Diagnostics = await hostStatus(s);
    const created = () => s.worker.evaluate(async () => Number((await chrome.storage.session.get('offscreenCreated')).offscreenCreated));
    const createdBefore = await created();
    await s.worker.evaluate(() => void ((globalThis as { sesameWatchdogMs?: number }).sesameWatchdogMs = 4_000));
    try {
      expect(await inOffscreen(s, "globalThis.sesameRunFault = 'hang'; 'armed'")).toBe('armed');
      const started = Date.now();
      // The hung run, and two requests for other models beside it: the Chinese encoder's passes and
      // the completion run in Sesame's kernels, each on its own (no onnxruntime session, so no
      // inference chain to queue behind, for q8 encoders and GPT-2 on WASM): both are answered meanwhile.
      const [hung, other, completed] = await Promise.all([
        answer(s, sense('Interest rates at the bank rose again.', 'bank'), 60_000),
        answer(s, { ...sense('我今天去银行存钱。', '银行'), lang: 'zh' }, 60_000),
        answer(s, complete('Once upon a time there'), 60_000),
      ]);
      expectAnsweredByWatchdog([hung]);
      expect(other).toMatchObject({ ok: true });
      expect(completed).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeLessThan(30_000);
      expect((await routerStats(s)) as unknown as { hostRestarts: number }).toMatchObject({ hostRestarts: 1 });

      // The next requests go to a new offscreen document and work.
      expect(await answer(s, sense('The bank closed early on Friday.', 'bank'))).toMatchObject({ ok: true });
      expect(await answer(s, complete('The weather today is'))).toMatchObject({ ok: true });
      const after = await hostStatus(s);
      expect(after.hostStartedAt).not.toBe(before.hostStartedAt);
      expect(await created()).toBe(createdBefore + 1);
    } finally {
      await s.worker.evaluate(() => void ((globalThis as { sesameWatchdogMs?: number }).sesameWatchdogMs = undefined));
    }
  });
});

describe('WebGPU lost in the real browser (SwiftShader adapter)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await launch({ webgpu: true });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the device is destroyed under a loaded model: the run fails on WebGPU, the host answers on WASM and says so in status', async () => {
    const first = await answer(s, sense('The bank approved the loan.', 'bank'), 180_000);
    expect(first).toMatchObject({ ok: true, result: { backend: 'webgpu' } });
    expect(await hostStatus(s)).toMatchObject({ backend: 'webgpu', webgpuAdapter: true });

    // Real: the adapter, the device, the session on it, and the failed run. Forced: only the loss
    // (GPUDevice.destroy() on onnxruntime's device, from the host's own document).
    expect(await inOffscreen(s, "globalThis.sesameRunFault = 'lose-device'; 'armed'")).toBe('armed');
    const after = await answer(s, sense('We sat on the bank of the river.', 'bank'), 180_000);
    expect(after).toMatchObject({ ok: true, result: { backend: 'wasm', word: 'bank' } });
    expect(await inOffscreen(s, 'globalThis.sesameRunFault ?? "used"')).toBe('used');
    const status = await hostStatus(s);
    console.info(`WebGPU device lost: ${status.backendNote}`);
    expect(status).toMatchObject({ backend: 'wasm', webgpuAdapter: true, backendNote: expect.stringMatching(/^WebGPU failed \(.+\); switched to WASM$/) });
    // The next requests stay on WASM, for every tool.
    expect(await answer(s, complete('The bank approved'))).toMatchObject({ ok: true, result: { backend: 'wasm' } });
    expect(await answer(s, sense('He went to the bank to deposit a check.', 'bank'))).toMatchObject({ ok: true, result: { backend: 'wasm' } });
  });
});

// A hung inference must not stall every tool for ever: the router's watchdog sees a host with
// work that makes no progress for the limit, answers what was waiting with a clear error,
// recreates the host, and the next request works. Fake host, clock and timers.
import { describe, expect, it } from 'vitest';
import { Watchdog } from '@/models/background/watchdog';
import type { HostMessage } from '@/models/shared/protocol';
import { type PortLike, REJECTED_KEPT, Router } from '@/models/background/router';
import { withDefaults } from '@/models/shared/settings';

const EXT = 'abcdefghijklmnop';
const ORIGIN = `chrome-extension://${EXT}/`;
const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

function clock() {
  let now = 1_000;
  const timers: { at: number; run: () => void }[] = [];
  return {
    now: () => now,
    setTimer: (run: () => void, ms: number) => {
      const t = { at: now + ms, run };
      timers.push(t);
      return t;
    },
    clearTimer: (t: unknown) => void timers.splice(timers.indexOf(t as (typeof timers)[number]), 1),
    /** Moves time on, running the timers that come due. */
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        now = next.at;
        next.run();
      }
      now = until;
    },
  };
}

function client() {
  const out: { kind: string; id: string; error?: { code: string; message: string } }[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const port: PortLike = {
    sender: { id: EXT, url: `${ORIGIN}popup.html` },
    postMessage: (m) => void out.push(m as (typeof out)[number]),
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: () => undefined },
    disconnect: () => undefined,
  };
  return { port, out, send: (m: unknown) => listeners.forEach((l) => l(m)) };
}

/** A router on a fake host: `hung` hosts never answer; a restart makes a fresh host that does. */
function setup() {
  const time = clock();
  const sent: HostMessage[] = [];
  const restarts: string[] = [];
  let hung = true;
  let router!: Router;
  router = new Router({
    extensionId: EXT,
    extensionOrigin: ORIGIN,
    settings: async () => withDefaults({ modelHost: 'http://127.0.0.1:1/' }),
    host: {
      send: async (m) => {
        sent.push(m);
        if (!hung && m.kind === 'run') queueMicrotask(() => void router.fromHost({ kind: 'result', id: m.id, result: { type: 'cache.clear', bytes: 0 } }));
      },
    },
    restartHost: async (reason) => {
      restarts.push(reason);
      hung = false;
    },
    watchdog: { stallMs: () => 30_000, now: time.now, setTimer: time.setTimer, clearTimer: time.clearTimer },
  });
  return { router, sent, restarts, time, setHung: (h: boolean) => (hung = h) };
}

describe('host watchdog', () => {
  it('a hung host: the stuck requests are answered with a clear error, the host restarted, the next request works', async () => {
    const t = setup();
    const a = client();
    const b = client();
    t.router.accept(a.port);
    t.router.accept(b.port);
    a.send({ kind: 'request', id: 'a1', request: { type: 'cache.clear' } });
    b.send({ kind: 'request', id: 'b1', request: { type: 'cache.clear' } });
    await flush();
    expect(t.sent).toHaveLength(2);
    t.time.advance(29_000);
    expect(a.out).toEqual([]);
    expect(t.restarts).toEqual([]);
    t.time.advance(2_000);
    await flush();
    for (const [c, id] of [
      [a, 'a1'],
      [b, 'b1'],
    ] as const) {
      expect(c.out).toEqual([{ kind: 'error', id, error: { code: 'inference', message: expect.stringMatching(/no progress for 30 s.*restarted/) } }]);
    }
    expect(t.restarts).toHaveLength(1);
    expect(t.router.stats.hostRestarts).toBe(1);
    expect(t.router.inFlight).toBe(0);

    a.send({ kind: 'request', id: 'a2', request: { type: 'cache.clear' } });
    await flush();
    expect(a.out.at(-1)).toMatchObject({ kind: 'result', id: 'a2' });
    // Late output of the old host for a request already answered is dropped.
    await t.router.fromHost({ kind: 'result', id: 'b1', result: { type: 'cache.clear', bytes: 0 } });
    expect(b.out).toHaveLength(1);
  });

  it('a host that keeps reporting progress is not restarted, however long the work', async () => {
    const t = setup();
    const a = client();
    t.router.accept(a.port);
    a.send({ kind: 'request', id: 'dl', request: { type: 'models.download', modelId: 'Xenova/gpt2' } });
    await flush();
    for (let i = 0; i < 10; i++) {
      t.time.advance(20_000);
      await t.router.fromHost({
        kind: 'progress',
        id: 'dl',
        progress: { model: 'Xenova/gpt2', file: 'onnx/model.onnx', loaded: i, total: 10, status: 'progress' },
      });
    }
    expect(t.restarts).toEqual([]);
    await t.router.fromHost({ kind: 'result', id: 'dl', result: { type: 'models.download', modelId: 'Xenova/gpt2', bytes: 1 } });
    expect(a.out.at(-1)).toMatchObject({ kind: 'result', id: 'dl' });
  });

  it('an idle host is never restarted, and the silence of a new request counts from when it was sent', async () => {
    const t = setup();
    const a = client();
    t.router.accept(a.port);
    t.time.advance(10 * 60_000);
    expect(t.restarts).toEqual([]);
    a.send({ kind: 'request', id: 'late', request: { type: 'cache.clear' } });
    await flush();
    t.time.advance(20_000);
    expect(t.restarts).toEqual([]);
    t.time.advance(10_000);
    expect(t.restarts).toHaveLength(1);
  });

  it('the watchdog alone: a bad limit falls back to the default; stop() disarms it', () => {
    const time = clock();
    let stalls = 0;
    const w = new Watchdog({
      stallMs: () => Number.NaN,
      busy: () => true,
      onStall: () => void stalls++,
      now: time.now,
      setTimer: time.setTimer,
      clearTimer: time.clearTimer,
    });
    w.started(true);
    time.advance(89_000);
    expect(stalls).toBe(0);
    time.advance(1_000);
    expect(stalls).toBe(1);
    w.started(true);
    w.stop();
    time.advance(200_000);
    expect(stalls).toBe(1);
  });
});

describe('the router’s refusal log', () => {
  it('keeps a count and the last few reasons, with sender origins, not full URLs', () => {
    const t = setup();
    for (let i = 0; i < 200; i++) {
      const p = client();
      (p.port as { sender: unknown }).sender = { id: 'intruder', url: `https://evil.example/private/path?session=${i}#secret` };
      t.router.accept(p.port);
    }
    expect(t.router.stats.rejected).toBe(200);
    expect(t.router.rejected).toHaveLength(REJECTED_KEPT);
    expect(t.router.rejected.every((r) => r === 'port from unknown sender https://evil.example')).toBe(true);
  });
});

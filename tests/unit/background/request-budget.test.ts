// The per-tab request budget: a burst, a steady refill, one tab's flood never spends another's.
import { describe, expect, it } from 'vitest';
import { RequestBudget, TAB_BUDGET } from '@/models/background/request-budget';
import { type PortLike, Router } from '@/models/background/router';
import { withDefaults } from '@/models/shared/settings';

const EXT = 'abcdefghijklmnop';

describe('RequestBudget', () => {
  it('allows a burst, then refuses until it refills', () => {
    let now = 0;
    const b = new RequestBudget({ burst: 3, perSecond: 2, now: () => now });
    expect([b.take('t1'), b.take('t1'), b.take('t1'), b.take('t1')]).toEqual([true, true, true, false]);
    expect(b.take('t2')).toBe(true);
    now = 499;
    expect(b.take('t1')).toBe(false);
    now = 500;
    expect(b.take('t1')).toBe(true);
    expect(b.take('t1')).toBe(false);
  });

  it('forgets refilled tabs so the map stays small', () => {
    let now = 0;
    const b = new RequestBudget({ burst: 2, perSecond: 1, now: () => now });
    for (let i = 0; i < 300; i++) b.take(`tab:${i}`);
    now = 10_000;
    b.take('tab:new');
    expect(b.size).toBeLessThan(10);
  });

  it('the default is generous for people: 50 keystroke completions at once pass', () => {
    const b = new RequestBudget({ ...TAB_BUDGET, now: () => 0 });
    for (let i = 0; i < 50; i++) expect(b.take('tab:1')).toBe(true);
  });
});

describe('the router applies the budget to content scripts only', () => {
  function setup() {
    const sent: unknown[] = [];
    const router = new Router({
      extensionId: EXT,
      extensionOrigin: `chrome-extension://${EXT}/`,
      settings: async () => withDefaults({}),
      host: { send: async (m) => void sent.push(m) },
      budget: new RequestBudget({ burst: 5, perSecond: 0.001, now: () => 0 }),
    });
    const connect = (sender: PortLike['sender']) => {
      const out: { kind: string; error?: { code: string; message: string } }[] = [];
      const listeners: ((m: unknown) => void)[] = [];
      router.accept({
        sender,
        postMessage: (m) => void out.push(m as (typeof out)[number]),
        onMessage: { addListener: (cb) => void listeners.push(cb) },
        onDisconnect: { addListener: () => {} },
        disconnect: () => {},
      });
      let n = 0;
      const send = () =>
        listeners.forEach((l) =>
          l({ kind: 'request', id: `r${sender?.tab?.id ?? 'x'}-${n++}`, request: { type: 'sense', text: 'the bank', start: 4, end: 8 } }),
        );
      return { out, send };
    };
    return { router, sent, connect };
  }
  const flush = () => new Promise((r) => setTimeout(r, 0));

  it('a flooding tab gets "rate-limited" errors; another tab and extension pages are served', async () => {
    const { router, sent, connect } = setup();
    const flood = connect({ id: EXT, url: 'https://evil.example/', tab: { id: 1, url: 'https://evil.example/' } });
    for (let i = 0; i < 20; i++) flood.send();
    await flush();
    expect(sent).toHaveLength(5);
    const limited = flood.out.filter((m) => m.error?.code === 'rate-limited');
    expect(limited).toHaveLength(15);
    expect(limited[0]!.error!.message).toMatch(/Too many requests/);
    expect(router.stats.limited).toBe(15);
    const other = connect({ id: EXT, url: 'https://good.example/', tab: { id: 2, url: 'https://good.example/' } });
    other.send();
    const popup = connect({ id: EXT, url: `chrome-extension://${EXT}/popup.html` });
    for (let i = 0; i < 10; i++) popup.send();
    await flush();
    expect(sent).toHaveLength(16);
    expect(other.out).toEqual([]);
  });
});

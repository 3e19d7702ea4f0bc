// @vitest-environment happy-dom
// When the extension is updated or reloaded, the old content script stays in open pages, orphaned:
// WXT invalidates its context, and everything it attached must come off (listeners, the settings
// watch, the completion controller), or two copies would answer the same double-click.
import { beforeEach, describe, expect, it, vi } from 'vitest';

const runtime = vi.hoisted(() => ({ added: [] as unknown[], removed: [] as unknown[] }));
const watches = vi.hoisted(() => ({ live: 0 }));

vi.mock('wxt/browser', () => ({
  browser: {
    runtime: {
      id: 'sesame',
      getURL: (path: string) => `chrome-extension://sesame${path}`,
      connect: () => ({ onMessage: { addListener() {} }, onDisconnect: { addListener() {} }, postMessage() {}, disconnect() {} }),
      onMessage: { addListener: (cb: unknown) => runtime.added.push(cb), removeListener: (cb: unknown) => runtime.removed.push(cb) },
    },
  },
}));
vi.mock('@/models/shared/settings-store', async () => {
  const { DEFAULT_SETTINGS } = await import('@/models/shared/settings');
  return {
    loadSettings: async () => ({ ...DEFAULT_SETTINGS, completion: { ...DEFAULT_SETTINGS.completion, enabled: true } }),
    settingsItem: {
      watch: () => {
        watches.live++;
        return () => watches.live--;
      },
    },
  };
});

vi.mock('@/models/shared/words/word-store', () => ({
  loadWords: async () => [],
  wordListItem: {
    watch: () => {
      watches.live++;
      return () => watches.live--;
    },
  },
}));

import { startContentScript } from '@/models/page/content-script';

/** Listeners added to and removed from a target, as type → count still attached. */
function track(target: EventTarget): Map<string, number> {
  const live = new Map<string, number>();
  const add = target.addEventListener.bind(target);
  const remove = target.removeEventListener.bind(target);
  target.addEventListener = (type: string, ...rest: [EventListenerOrEventListenerObject | null, (boolean | AddEventListenerOptions)?]) => {
    live.set(type, (live.get(type) ?? 0) + 1);
    add(type, ...rest);
  };
  target.removeEventListener = (type: string, ...rest: [EventListenerOrEventListenerObject | null, (boolean | EventListenerOptions)?]) => {
    live.set(type, (live.get(type) ?? 0) - 1);
    remove(type, ...rest);
  };
  return live;
}

function lifetime() {
  const callbacks: (() => void)[] = [];
  const ctx = {
    isInvalid: false,
    onInvalidated: (cb: () => void) => void callbacks.push(cb),
    invalidate() {
      ctx.isInvalid = true;
      for (const cb of callbacks) cb();
    },
  };
  return ctx;
}

describe('the content script on extension update', () => {
  beforeEach(() => {
    runtime.added.length = 0;
    runtime.removed.length = 0;
    watches.live = 0;
  });

  it('takes off every listener, the settings watch and the message listener it attached', async () => {
    const onDocument = track(document);
    const ctx = lifetime();
    startContentScript(ctx);
    // The settings and the word list (known words) are watched.
    await vi.waitFor(() => expect(watches.live).toBe(2));
    expect(onDocument.get('dblclick')).toBe(1);
    expect([...onDocument.values()].some((n) => n > 0)).toBe(true);
    expect(runtime.added).toHaveLength(1);

    ctx.invalidate();
    expect(runtime.removed).toEqual(runtime.added);
    expect(watches.live).toBe(0);
    for (const [type, n] of onDocument) expect(n, type).toBe(0);
  });

  it('attaches nothing when the context was invalidated before the settings arrived', async () => {
    const onDocument = track(document);
    const ctx = lifetime();
    startContentScript(ctx);
    ctx.invalidate();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(watches.live).toBe(0);
    expect(onDocument.get('dblclick') ?? 0).toBe(0);
  });
});

// Page-derived caches are partitioned by the tab's top-level site, which the background sets
// from the port's sender; content scripts are never told how many uses came from a cache; the
// host forgets them on "Clear my data".
import { describe, expect, it } from 'vitest';
import type { HostMessage } from '@/models/shared/protocol';
import { clientMessage, parse } from '@/models/shared/protocol';
import { type PortLike, Router } from '@/models/background/router';
import { withDefaults } from '@/models/shared/settings';
import { partitionedModelKey, VectorCache } from '@/models/host/tools/sense/vector-cache';

const EXT = 'abcdefghijklmnop';

async function routed(sender: PortLike['sender'], request: Record<string, unknown>) {
  const sent: HostMessage[] = [];
  const out: unknown[] = [];
  const listeners: ((m: unknown) => void)[] = [];
  const router = new Router({
    extensionId: EXT,
    extensionOrigin: `chrome-extension://${EXT}/`,
    settings: async () => withDefaults({}),
    host: { send: async (m) => void sent.push(m) },
  });
  router.accept({
    sender,
    postMessage: (m) => void out.push(m),
    onMessage: { addListener: (cb) => void listeners.push(cb) },
    onDisconnect: { addListener: () => {} },
    disconnect: () => {},
  });
  listeners.forEach((l) => l({ kind: 'request', id: 'r1', request }));
  await new Promise((r) => setTimeout(r, 0));
  return { sent, out };
}

const sense = { type: 'sense', text: 'the bank', start: 4, end: 8 };

describe('the background tells the host which site a request is for', () => {
  it("a content script's request carries its tab's top-level site, also from a cross-origin frame", async () => {
    const top = await routed({ id: EXT, url: 'https://news.example/a', tab: { id: 3, url: 'https://news.example/a' } }, sense);
    expect(top.sent[0]).toMatchObject({ kind: 'run', config: { site: 'news.example' } });
    const framed = await routed({ id: EXT, url: 'https://ads.tracker.net/frame', tab: { id: 3, url: 'https://news.example/a' } }, sense);
    expect(framed.sent[0]).toMatchObject({ config: { site: 'news.example' } });
  });

  it("Sesame's own pages have no site (their own partition)", async () => {
    const popup = await routed({ id: EXT, url: `chrome-extension://${EXT}/popup.html` }, sense);
    expect((popup.sent[0] as { config: { site?: string } }).config.site).toBeUndefined();
  });

  it('a page cannot name the partition itself: a request with a site field is refused', () => {
    expect(parse(clientMessage, { kind: 'request', id: 'r1', request: { ...sense, site: 'other.example' } }).ok).toBe(false);
  });

  it('content scripts may not clear the host memory; Sesame pages may', async () => {
    const page = await routed({ id: EXT, url: 'https://news.example/a', tab: { id: 3, url: 'https://news.example/a' } }, { type: 'memory.clear' });
    expect(page.sent).toEqual([]);
    const options = await routed({ id: EXT, url: `chrome-extension://${EXT}/options.html` }, { type: 'memory.clear' });
    expect(options.sent[0]).toMatchObject({ kind: 'run', request: { type: 'memory.clear' } });
  });
});

describe('sense vector cache partitions', () => {
  const spec = { id: 'fixtures/bert', dtype: 'q8' };
  const use = { text: 'I sat on the river bank.', start: 18, end: 22 };
  const entry = { vector: null, masks: [], substitutes: [] };

  it('the same use on two sites is two entries; a hit on one is a miss on the other', () => {
    const cache = new VectorCache();
    const a = VectorCache.key(partitionedModelKey(spec, 'wasm', 'a.example'), 'en', 'w', use);
    const b = VectorCache.key(partitionedModelKey(spec, 'wasm', 'b.example'), 'en', 'w', use);
    const own = VectorCache.key(partitionedModelKey(spec, 'wasm', undefined), 'en', 'w', use);
    cache.set(a, entry);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(own)).toBeUndefined();
    expect(cache.get(a)).toBe(entry);
    expect(cache.hits).toBe(1);
  });

  it("a model's entries are still dropped with it, in every partition", () => {
    const cache = new VectorCache();
    cache.set(VectorCache.key(partitionedModelKey(spec, 'wasm', 'a.example'), 'en', 'w', use), entry);
    cache.set(VectorCache.key(partitionedModelKey(spec, 'wasm', undefined), 'en', 'w', use), entry);
    cache.set(VectorCache.key(partitionedModelKey({ id: 'other/model', dtype: 'q8' }, 'wasm', 'a.example'), 'en', 'w', use), entry);
    cache.clear(spec.id);
    expect(cache.size).toBe(1);
  });
});

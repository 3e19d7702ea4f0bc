import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cedictGlossAssets } from '../../../../../../scripts/cedict-gloss-asset';
import type { PublicAsset } from '../../../../../../scripts/sharded-asset';
import { wordnetAssets } from '../../../../../../scripts/wordnet-asset';

vi.mock('wxt/browser', () => ({ browser: { runtime: { getURL: (path: string) => `chrome-extension://sesame${path}` } } }));

// The extension's files are the public assets the build hook ships: fetching a URL reads
// the asset whose destination it names, so this also checks that names agree.
let shipped = new Map<string, string>();
const fetched: string[] = [];

beforeAll(async () => {
  const assets: PublicAsset[] = [...(await wordnetAssets()), ...(await cedictGlossAssets())];
  shipped = new Map(assets.map((a) => [`chrome-extension://sesame/${a.relativeDest}`, a.absoluteSrc]));
  vi.stubGlobal('fetch', async (url: string) => {
    fetched.push(url);
    const file = shipped.get(url);
    return file ? new Response(readFileSync(file)) : new Response('not found', { status: 404 });
  });
}, 120_000);

describe('loadGlosses from the shipped assets', () => {
  it('looks up English in WordNet and Chinese in CC-CEDICT', async () => {
    const { loadGlosses } = await import('@/models/host/tools/sense/glosses/bundled');
    expect((await loadGlosses('banks', 'en')).some((g) => g.headword === 'bank' && g.text.startsWith('a financial institution'))).toBe(true);
    expect((await loadGlosses('银行', 'zh'))[0]?.text).toBe('bank');
  });

  it('fetches each shard once per context', async () => {
    const { loadGlosses } = await import('@/models/host/tools/sense/glosses/bundled');
    fetched.length = 0;
    await loadGlosses('bank', 'en');
    await loadGlosses('banking', 'en');
    await loadGlosses('银行', 'zh');
    expect(fetched).toEqual([]);
    await loadGlosses('geese', 'en');
    expect(fetched).toEqual(['chrome-extension://sesame/wordnet/ge.json', 'chrome-extension://sesame/wordnet/go.json']);
  });
});

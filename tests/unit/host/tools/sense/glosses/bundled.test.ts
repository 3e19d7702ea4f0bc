import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { cedictGlossAssets } from '../../../../../../scripts/cedict-gloss-asset';
import type { PublicAsset } from '../../../../../../scripts/sharded-asset';
import { wordnetAssets } from '../../../../../../scripts/wordnet-asset';
import { cedictReverseAssets } from '../../../../../../scripts/cedict-reverse-asset';
import { frequencyAssets } from '../../../../../../scripts/frequency-asset';

vi.mock('wxt/browser', () => ({ browser: { runtime: { getURL: (path: string) => `chrome-extension://sesame${path}` } } }));

// The extension's files are the public assets the build hook ships: fetching a URL reads
// the asset whose destination it names, so this also checks that names agree.
let shipped = new Map<string, string>();
const fetched: string[] = [];

beforeAll(async () => {
  const assets: PublicAsset[] = [...(await wordnetAssets()), ...(await cedictGlossAssets()), ...(await cedictReverseAssets()), ...(await frequencyAssets())];
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

describe('the reading aids from the shipped assets', () => {
  it("finds an English word's Chinese equivalents in the reverse index, exact matches first", async () => {
    const { loadEquivalents } = await import('@/models/host/tools/sense/glosses/bundled');
    const found = await loadEquivalents('banks');
    expect(found.map((e) => e.headword)).toContain('银行');
    expect(found.find((e) => e.headword === '银行')).toMatchObject({ reading: 'yin2 hang2', match: 'exact', traditional: '銀行' });
    const kinds = found.map((e) => e.match);
    expect(kinds.indexOf('partial') === -1 || kinds.lastIndexOf('exact') < kinds.indexOf('partial')).toBe(true);
  });

  it('gives frequency bands for both languages and HSK levels for Chinese', async () => {
    const { loadWordLevel } = await import('@/models/host/tools/sense/glosses/bundled');
    expect(await loadWordLevel('The', 'en')).toEqual({ band: 1, hsk: null });
    expect((await loadWordLevel('serendipity', 'en')).band).toBeGreaterThanOrEqual(4);
    expect(await loadWordLevel('qwzxv', 'en')).toEqual({ band: null, hsk: null });
    const bank = await loadWordLevel('银行', 'zh');
    expect(bank.hsk).toBe(3);
    expect(bank.band).toBeGreaterThanOrEqual(2);
    expect((await loadWordLevel('我', 'zh')).band).toBe(1);
  });
});

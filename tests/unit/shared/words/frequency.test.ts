import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bandOf, type FrequencyAsset, type FrequencyLookup, frequencyLookup, isFrequencyAsset, zipf } from '@/models/shared/words/frequency';
import { buildEnglishFrequency, frequencyAssets, frequencyDir, readHskLevels } from '../../../../scripts/frequency-asset';

describe('frequency bands', () => {
  it('puts a count on the Zipf scale of its corpus', () => {
    expect(zipf(1000, 1e9)).toBeCloseTo(3);
    expect(zipf(51, 51_000_000)).toBeCloseTo(3);
  });

  it('bands Zipf values from very common (1) to very rare (5)', () => {
    expect([7, 5.5, 5.4, 4.5, 3.5, 2.5, 2.4, 0].map(bandOf)).toEqual([1, 1, 2, 2, 3, 4, 5, 5]);
  });

  it('builds English bands from counts, case folded, words seen once left out', () => {
    const asset = buildEnglishFrequency([
      { word: 'you', count: 2_000_000 },
      { word: 'Bill', count: 600 },
      { word: 'bill', count: 300 },
      { word: 'zymurgy', count: 1 },
      { word: 'lurch', count: 60 },
    ]);
    expect(isFrequencyAsset(asset)).toBe(true);
    const lookup = frequencyLookup(asset);
    expect(lookup.level('You').band).toBe(1);
    // 900 in 51 million: Zipf 4.25.
    expect(lookup.level('bill')).toEqual({ band: 3, hsk: null });
    expect(lookup.level('lurch').band).toBe(4);
    expect(lookup.level('zymurgy').band).toBeNull();
  });

  it('rejects a damaged asset', () => {
    expect(isFrequencyAsset({ v: 1, lang: 'en', source: 'x', bands: ['a'] })).toBe(false);
    expect(isFrequencyAsset({ v: 1, lang: 'fr', source: 'x', bands: ['', '', '', '', ''] })).toBe(false);
    expect(isFrequencyAsset({ v: 1, lang: 'zh', source: 'x', bands: ['', '', '', '', ''], hsk: [1] })).toBe(false);
  });

  it('reads the HSK lists from their source, and refuses another shape', () => {
    expect(readHskLevels('let hsk = [["的"], ["因为"], [], [], [], ["犹豫"]];')[5]).toEqual(['犹豫']);
    expect(() => readHskLevels('let hsk = [["的"]];')).toThrow(/six HSK word lists/);
  });
});

describe('the shipped frequency assets (SUBTLEX-US, SUBTLEX-CH, HSK 2.0)', () => {
  let dir = '';
  const load = (lang: string): FrequencyLookup => {
    const asset: unknown = JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8'));
    expect(isFrequencyAsset(asset)).toBe(true);
    return frequencyLookup(asset as FrequencyAsset);
  };
  beforeAll(async () => {
    dir = await frequencyDir();
  }, 120_000);

  it('ships one small file per language under frequency/', async () => {
    expect((await frequencyAssets()).map((a) => a.relativeDest)).toEqual(['frequency/en.json', 'frequency/zh.json']);
    for (const lang of ['en', 'zh']) expect(statSync(join(dir, `${lang}.json`)).size).toBeLessThan(1024 * 1024);
  });

  it('bands English words as a reader would expect', () => {
    const en = load('en');
    expect(['the', 'house', 'bank', 'lurch', 'serendipity'].map((w) => en.level(w).band)).toEqual([1, 1, 2, 4, 4]);
    expect(en.level('qwzx').band).toBeNull();
  });

  it('bands Chinese words and gives their HSK level', () => {
    const zh = load('zh');
    expect(zh.level('的')).toEqual({ band: 1, hsk: 1 });
    expect(zh.level('银行')).toEqual({ band: 2, hsk: 3 });
    expect(zh.level('犹豫')).toEqual({ band: 3, hsk: 5 });
    expect(zh.level('模型').hsk).toBe(6);
    expect(zh.level('the')).toEqual({ band: null, hsk: null });
  });
});

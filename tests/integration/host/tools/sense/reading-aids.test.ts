// The sense tool's reading aids through the real model host (Node, fixture models from the
// loopback hub, the shipped assets read from .cache/): a Chinese word's reading, an English
// word's Chinese equivalents ranked like its WordNet senses, the word's level and how expected it
// is. Random weights: what is chosen by context is not asserted to be right, only well formed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { TINY_BERT, TINY_ERNIE } from '../../../../support/fixture-specs';
import { nodeGlossLookup, nodeReadingAids } from '../../../../support/glosses';
import { nodeHost } from '../../../../support/node-host';

let hub: { url: string; close(): Promise<void> };
let h: ReturnType<typeof nodeHost>;

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  h = nodeHost(hub.url, undefined, await nodeGlossLookup(), { readingAids: await nodeReadingAids() });
}, 120_000);
afterAll(async () => {
  await hub?.close();
});

const sense = async (text: string, word: string, model = TINY_ERNIE) =>
  (await h.run({ type: 'sense', text, start: text.indexOf(word), end: text.indexOf(word) + word.length }, model)).result as ResultOf<'sense'>;

describe('reading aids in the sense reply', () => {
  it('reads a word with one reading as its entries do, with its HSK level', async () => {
    const r = await sense('他在银行工作了十年。', '银行');
    expect(r.reading).toEqual({ reading: 'yin2 hang2', by: 'word', others: [] });
    expect(r.level).toMatchObject({ hsk: 3 });
    expect(r.level!.band).toBeGreaterThanOrEqual(1);
    expect(r.equivalents).toBeUndefined();
  });

  it('chooses one of a polyphone’s readings from the ranked senses and lists the others', async () => {
    const r = await sense('请把第三行读一遍。', '行');
    expect(['context', 'dictionary']).toContain(r.reading!.by);
    const all = [r.reading!.reading, ...r.reading!.others].map((x) => x.toLowerCase());
    expect(all).toEqual(expect.arrayContaining(['hang2', 'xing2']));
    expect(r.reading!.others).not.toContain(r.reading!.reading);
    // The chosen reading is that of the best-ranked sense when chosen by context.
    if (r.reading!.by === 'context') expect(r.glosses!.find((g) => g.reading?.toLowerCase() === r.reading!.reading.toLowerCase())).toBeDefined();
  });

  it('reads a word the dictionary lacks by its characters', async () => {
    // Not a CC-CEDICT word: each character's usual reading (行 of 银行 would be read xíng here).
    const r = await sense('我家的饭猫很胖。', '饭猫');
    expect(r.glosses).toBeUndefined();
    expect(r.reading).toEqual({ reading: 'fan4 mao1', by: 'characters', others: [] });
  });

  it('gives an English word Chinese equivalents ranked by the same method as its WordNet senses', async () => {
    const r = await sense('We had a picnic on the grassy bank of the river.', 'bank', TINY_BERT);
    expect(r.reading).toBeUndefined();
    expect(r.equivalents!.length).toBeGreaterThan(2);
    expect(r.equivalents!.map((e) => e.headword)).toContain('银行');
    expect(r.equivalentMethod).toBe(r.glossMethod);
    expect(r.equivalents!.every((e) => e.source === 'cc-cedict' && e.reading && (e.match === 'exact' || e.match === 'partial'))).toBe(true);
    const scores = r.equivalents!.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(r.level).toMatchObject({ band: 2, hsk: null });
  });

  it('says how expected the word is here: the model’s probability of it at its mask', async () => {
    const en = await sense('We had a picnic on the grassy bank of the river.', 'bank', TINY_BERT);
    expect(en.level!.predicted).toBeGreaterThan(0);
    expect(en.level!.predicted).toBeLessThanOrEqual(1);
    const zh = await sense('他在银行工作了十年。', '银行');
    expect(zh.level!.predicted).toBeGreaterThan(0);
    expect(zh.level!.predicted).toBeLessThanOrEqual(1);
  });
});

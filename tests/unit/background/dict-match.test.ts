import { describe, expect, it } from 'vitest';
import { dictMatcher, headwordsOf } from '@/models/background/dict-match';
import { cedictShard } from '@/models/shared/dict/cedict-shards';

const shards: Record<string, unknown> = {};
const file = (word: string, traditional = word) => {
  const s = (shards[cedictShard(word)] ??= { v: 1, w: {}, t: {} }) as { w: Record<string, unknown>; t: Record<string, unknown> };
  s.w[word] = [[traditional, 'x', ['y']]];
  if (traditional !== word) ((shards[cedictShard(traditional)] ??= { v: 1, w: {}, t: {} }) as { t: Record<string, unknown> }).t[traditional] = [word];
};
file('银行', '銀行');
file('银');
file('行');
file('河边', '河邊');

describe('dictMatcher', () => {
  it('answers the longest headword at each position, simplified and traditional', async () => {
    const loaded: string[] = [];
    const match = dictMatcher(async (name) => {
      loaded.push(name);
      return shards[name] ?? { v: 1, w: {}, t: {} };
    });
    expect(await match('银行在河边')).toEqual([2, 1, 0, 2, 0]);
    expect(await match('銀行')).toEqual([2, 1]);
    expect(await match('銀')).toEqual([0]);
    // Each shard is fetched once.
    expect(new Set(loaded).size).toBe(loaded.length);
  });
  it('refuses a damaged shard and fetches it again next time', async () => {
    let calls = 0;
    const match = dictMatcher(async () => (++calls === 1 ? { broken: true } : { v: 1, w: { 银: [] }, t: {} }));
    await expect(match('银')).rejects.toThrow(/damaged/);
    expect(await match('银')).toEqual([1]);
  });
  it('reads headwords of both indexes', () => {
    expect([...headwordsOf({ v: 1, w: { 银行: [] }, t: { 銀行: ['银行'] } })].sort()).toEqual(['銀行', '银行'].sort());
  });
});

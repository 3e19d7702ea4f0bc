// Chinese senses from the bundled CC-CEDICT definitions (built by scripts/cedict-gloss-asset.ts):
// shards bucketed by the first character's code point, keyed by simplified headword, with an
// index from traditional headwords so that 銀行 is found as well as 银行.
import { CEDICT_GLOSS_ASSET_DIR, CEDICT_GLOSS_SHARDS, cedictShard } from '../../../../shared/dict/cedict-shards';
import { loadChecked, own } from './shards';
import type { Gloss, ShardLoader } from './types';

export { CEDICT_GLOSS_ASSET_DIR, CEDICT_GLOSS_SHARDS, cedictShard };

/** [traditional, numbered pinyin ("yin2 hang2"), senses]. */
export type CedictGlossEntry = [string, string, string[]];

export interface CedictGlossShard {
  v: 1;
  /** Simplified headword → its entries: common words first, then variant-only entries and proper names. */
  w: Record<string, CedictGlossEntry[]>;
  /** Traditional headword → the simplified headwords filed under it, where they differ. */
  t: Record<string, string[]>;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isCedictGlossShard(value: unknown): value is CedictGlossShard {
  return (
    isRecord(value) &&
    value.v === 1 &&
    isRecord(value.w) &&
    isRecord(value.t) &&
    Object.values(value.w).every(
      (entries) =>
        Array.isArray(entries) &&
        entries.every((e) => Array.isArray(e) && e.length === 3 && typeof e[0] === 'string' && typeof e[1] === 'string' && isStrings(e[2])),
    ) &&
    Object.values(value.t).every(isStrings)
  );
}

export async function lookupChinese(word: string, loadShard: ShardLoader): Promise<Gloss[]> {
  const headword = word.trim();
  if (!headword) return [];
  const shard = (w: string) => loadChecked(loadShard, cedictShard(w), isCedictGlossShard, 'CC-CEDICT gloss');
  const home = await shard(headword);
  const entries = [...(own(home.w, headword) ?? [])];
  for (const simplified of own(home.t, headword) ?? []) {
    const filed = own((await shard(simplified)).w, simplified) ?? [];
    entries.push(...filed.filter(([traditional]) => traditional === headword));
  }
  return entries.flatMap(([, reading, senses], e) =>
    senses.map(
      (text, s): Gloss => ({
        id: `cc-cedict:${headword}:${e + 1}.${s + 1}`,
        source: 'cc-cedict',
        headword,
        reading,
        text,
        examples: [],
        synonyms: [],
      }),
    ),
  );
}

// Where a CC-CEDICT headword lives in the bundled gloss asset (cedict-gloss/NN.json): shards
// bucketed by the headword's first code point. Shared by the host's gloss lookup and the
// background's longest-match lookup for hover (dict/longest-match.ts).

/** The asset's folder in the extension. */
export const CEDICT_GLOSS_ASSET_DIR = 'cedict-gloss';
export const CEDICT_GLOSS_SHARDS = 64;

/** The shard holding a headword: its first code point, bucketed. */
export function cedictShard(headword: string): string {
  const bucket = (headword.codePointAt(0) ?? 0) % CEDICT_GLOSS_SHARDS;
  return String(bucket).padStart(2, '0');
}

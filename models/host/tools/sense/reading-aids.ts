// What the sense tool adds for readers, beside the senses: a Chinese word's reading chosen by
// context, an English word's Chinese equivalents ranked by context, and the word's level (how
// common it is, how expected here). The data comes from bundled assets (glosses/bundled.ts);
// these are the lookups the tool is handed, so tests give it their own.
import type { Lang } from '../../../shared/protocol';
import type { WordLevel } from '../../../shared/words/frequency';
import type { Gloss } from './glosses/types';

export interface ReadingAids {
  /** The reading of a Chinese word's characters one by one (the compact dictionary's pinyin), null if a character is unknown. */
  charactersReading?: (word: string) => Promise<string | null>;
  /** An English word's Chinese equivalents, as glosses to rank (glosses/reverse-index.ts). */
  equivalents?: (word: string) => Promise<Gloss[]>;
  /** The word's frequency band and HSK level; null when the language has no list. */
  level?: (word: string, lang: Lang) => Promise<WordLevel | null>;
}

/**
 * The log-probability the masked LM gives the original word at its masks: the sum over its
 * pieces of each mask's log-probability (the masks are predicted together, so for a word of
 * several characters this is the product of their marginals). Null when the word's pieces are
 * not one per mask (an English word of several word pieces under its single mask).
 */
export function originalLogProb(pieces: readonly number[], maskLogProbs: readonly Float32Array[]): number | null {
  if (pieces.length === 0 || pieces.length !== maskLogProbs.length) return null;
  let sum = 0;
  for (let p = 0; p < pieces.length; p++) {
    const v = maskLogProbs[p]![pieces[p]!];
    if (v === undefined || Number.isNaN(v)) return null;
    sum += v;
  }
  return sum;
}

/** A log-probability as a probability the reply can carry (0…1, finite). */
export function probabilityOf(logProb: number | null | undefined): number | undefined {
  if (logProb === null || logProb === undefined || Number.isNaN(logProb)) return undefined;
  return Math.min(1, Math.max(0, Math.exp(logProb)));
}

// The reading of a Chinese word for the sense reply, from the senses the sense tool looked up
// and its ranking of them by context (rankGlosses, run over all candidates), so that a
// polyphonic word such as 行 is read as this use means it (háng for a row or a trade, xíng for going or being able).
import type { Gloss, GlossMethod, RankedGloss } from './glosses/types';
import { chooseReading, type ReadingChoice } from '../../../shared/text/readings';

/** Longest reading sent (the reply's reading fields hold 200 characters). */
const MAX_READING = 200;
/** Other readings sent at most. */
const MAX_OTHERS = 8;

export interface SenseRanking {
  /** Every ranked candidate (rankGlosses with no limit), best first. */
  ranked: readonly RankedGloss[];
  method: GlossMethod;
}

/**
 * The reading to show, or undefined when there is none. `ranking` is null when the glosses were
 * not ranked; a ranking by dictionary order says nothing about this context and is not used.
 * `charactersReading` is the reading of the word's characters one by one (the compact
 * dictionary's `pinyin`), for a word the dictionary does not have.
 */
export function readingForSense(glosses: readonly Gloss[], ranking: SenseRanking | null, charactersReading: string | null): ReadingChoice | undefined {
  const ranked = ranking && ranking.method !== 'dictionary-order' ? ranking.ranked : null;
  const choice = chooseReading(glosses, ranked, charactersReading);
  if (!choice) return undefined;
  return {
    reading: choice.reading.slice(0, MAX_READING),
    by: choice.by,
    others: choice.others.slice(0, MAX_OTHERS).map((r) => r.slice(0, MAX_READING)),
  };
}

// How well a candidate blank fits a difficulty, from how the model rates the original word when
// it is masked in the passage. Pure, so the rules are tested with made-up numbers.
import type { ClozeDifficulty } from '../../../shared/protocol';

export interface WordFit {
  /** log-probability of the original word with all its pieces masked (independent masks). */
  logp: number;
  /** The original's rank among the model's whole-word guesses (0 = first choice); RANK_LIMIT when not among them. */
  rank: number;
}

/** Ranks beyond this are not computed (multi-piece words are ranked within a beam this wide). */
export const RANK_LIMIT = 50;
/** easy: the original is among the model's top 3; hard: it is in the top 50 but not the top 3. */
export const OBVIOUS_RANK = 3;

const IN_BAND = 1000;

/**
 * A ranking key (higher is better). Words inside the difficulty's rank band come first, the more
 * probable first (for hard: plausible but not obvious). Outside the band, the nearer in rank the better.
 * `medium` is not scored: the blanks are chosen by the seed alone.
 */
export function difficultyKey(fit: WordFit, difficulty: Exclude<ClozeDifficulty, 'medium'>): number {
  const rank = Math.min(fit.rank, RANK_LIMIT);
  const logp = Math.max(fit.logp, -100);
  if (difficulty === 'easy') return rank < OBVIOUS_RANK ? IN_BAND + logp : -rank + logp * 1e-3;
  if (rank >= OBVIOUS_RANK && rank < RANK_LIMIT) return IN_BAND + logp;
  const distance = rank < OBVIOUS_RANK ? OBVIOUS_RANK - rank : rank - RANK_LIMIT + 1;
  return -distance + logp * 1e-3;
}

/** Up to `max` items spread evenly over `items`, the offset chosen by `random`. */
export function spreadSubset<T>(items: readonly T[], max: number, random: () => number): T[] {
  if (items.length <= max) return [...items];
  const step = items.length / max;
  const offset = random() * step;
  return Array.from({ length: max }, (_, i) => items[Math.min(items.length - 1, Math.floor(offset + i * step))]!);
}

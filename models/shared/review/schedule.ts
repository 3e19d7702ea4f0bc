// Scheduling review cards with FSRS (ts-fsrs): the review page's outcome becomes a rating, the
// rating an FSRS grade, and the card's memory state its next due date. Time is always passed in
// (`now`, epoch ms), so the same reviews give the same schedule.
import { type Card, createEmptyCard, type FSRS, type FSRSParameters, fsrs, type Grade, Rating, type State } from 'ts-fsrs';
import type { ClozeVerdict } from '../protocol';
import type { MemoryState, ReviewCard } from './card';

export const REVIEW_RATINGS = ['again', 'hard', 'good', 'easy'] as const;
export type ReviewRating = (typeof REVIEW_RATINGS)[number];

export const GRADE_OF: Record<ReviewRating, Grade> = {
  again: Rating.Again,
  hard: Rating.Hard,
  good: Rating.Good,
  easy: Rating.Easy,
};

/** How a card went on the review page: the model's verdict on the typed word (null: none typed). */
export interface ReviewOutcome {
  verdict: ClozeVerdict | null;
  /** The learner gave up and was shown the word. */
  revealed?: boolean;
  /** Hints taken before answering (length, pinyin, first letter). */
  hints?: number;
}

/**
 * The rating an outcome earns, before the learner overrides it: forgotten (wrong, revealed,
 * nothing typed) is Again; the saved word unaided is Good; a word the model accepts in its place
 * counts as remembered, as does the word after a hint, but with effort: Hard. Easy is only ever
 * the learner's own choice.
 */
export function ratingOf(o: ReviewOutcome): ReviewRating {
  if (o.revealed || o.verdict === null || o.verdict === 'wrong') return 'again';
  if (o.verdict === 'acceptable' || (o.hints ?? 0) > 0) return 'hard';
  return 'good';
}

/** FSRS with ts-fsrs's defaults (90 % retention, short-term learning steps, no fuzz). */
export function scheduler(params: Partial<FSRSParameters> = {}): FSRS {
  return fsrs(params);
}
const DEFAULT = scheduler();

function toFsrs(m: MemoryState): Card {
  const { due, last_review, state, ...rest } = m;
  return { ...rest, state: state as State, due: new Date(due), ...(last_review !== undefined ? { last_review: new Date(last_review) } : {}) };
}

function fromFsrs(c: Card): MemoryState {
  return {
    due: c.due.getTime(),
    stability: c.stability,
    difficulty: c.difficulty,
    elapsed_days: c.elapsed_days,
    scheduled_days: c.scheduled_days,
    learning_steps: c.learning_steps,
    reps: c.reps,
    lapses: c.lapses,
    state: c.state,
    ...(c.last_review ? { last_review: c.last_review.getTime() } : {}),
  };
}

/** A new card's memory: due at once. */
export function newMemory(now: number): MemoryState {
  return fromFsrs(createEmptyCard(new Date(now)));
}

/** The card after a review rated `rating` at `now`. */
export function reviewed(card: ReviewCard, rating: ReviewRating, now: number, f: FSRS = DEFAULT): ReviewCard {
  const { card: next } = f.next(toFsrs(card.memory), new Date(now), GRADE_OF[rating]);
  return { ...card, memory: fromFsrs(next) };
}

/** When each rating would bring the card back (for the rating buttons' labels). */
export function nextDueByRating(card: ReviewCard, now: number, f: FSRS = DEFAULT): Record<ReviewRating, number> {
  const preview = f.repeat(toFsrs(card.memory), new Date(now));
  return Object.fromEntries(REVIEW_RATINGS.map((r) => [r, preview[GRADE_OF[r]].card.due.getTime()])) as Record<ReviewRating, number>;
}

/** How likely the learner still recalls the card at `now` (0–1). */
export function recallChance(card: ReviewCard, now: number, f: FSRS = DEFAULT): number {
  return f.get_retrievability(toFsrs(card.memory), new Date(now), false);
}

export const isDue = (card: ReviewCard, now: number): boolean => card.memory.due <= now;

/** The cards due at `now`, longest overdue first (then oldest card), at most `limit`. */
export function dueCards(cards: readonly ReviewCard[], now: number, limit = Infinity): ReviewCard[] {
  return cards
    .filter((c) => isDue(c, now))
    .sort((a, b) => a.memory.due - b.memory.due || a.created - b.created)
    .slice(0, limit);
}

export function dueCount(cards: readonly ReviewCard[], now: number): number {
  return cards.reduce((n, c) => n + (isDue(c, now) ? 1 : 0), 0);
}

/** When the next card falls due (to set an alarm for the badge), or null with no cards. */
export function nextDueAt(cards: readonly ReviewCard[]): number | null {
  return cards.reduce<number | null>((min, c) => (min === null || c.memory.due < min ? c.memory.due : min), null);
}

/** The toolbar badge: nothing at zero, the count up to 99, then "99+". */
export function badgeText(count: number): string {
  return count <= 0 ? '' : count > 99 ? '99+' : String(count);
}

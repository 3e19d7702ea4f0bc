// The review state as stored (local:review): a version and the cards. Read leniently (a damaged
// card is dropped, the rest kept, as the word list does), updated by pure functions: adding what
// the word list and the cloze history hold, recording a review, merging an imported state.
import type { HistoryEntry } from '../practice/history';
import type { WordEntry } from '../words/word-list';
import { CONTEXTS_PER_CARD, REVIEW_CARD_LIMIT, type ReviewCard, reviewCard, type Sighting, sightingOfWord, sightingsOfExercise, withSighting } from './card';
import { sameWordSense } from './sense-match';
import { newMemory, type ReviewRating, reviewed } from './schedule';

export const REVIEW_STATE_VERSION = 1;

export interface ReviewState {
  v: typeof REVIEW_STATE_VERSION;
  cards: ReviewCard[];
}

export const emptyReview = (): ReviewState => ({ v: REVIEW_STATE_VERSION, cards: [] });

/** The valid cards of whatever was stored; ids kept unique (the first wins). */
export function validReview(stored: unknown): ReviewState {
  const list =
    typeof stored === 'object' && stored !== null && (stored as { v?: unknown }).v === REVIEW_STATE_VERSION ? (stored as { cards?: unknown }).cards : null;
  if (!Array.isArray(list)) return emptyReview();
  const seen = new Set<string>();
  const cards = list.flatMap((c, i) => {
    try {
      const card = reviewCard(c, `cards[${i}]`);
      if (seen.has(card.id)) return [];
      seen.add(card.id);
      return [card];
    } catch {
      return [];
    }
  });
  return { v: REVIEW_STATE_VERSION, cards };
}

/** The state with these sightings placed in order (sense-matched into existing cards or new ones). */
export function withSightings(state: ReviewState, sightings: readonly Sighting[], now: number): ReviewState {
  let cards = state.cards;
  for (const s of sightings) cards = withSighting(cards, s, newMemory(now)).cards;
  return { ...state, cards };
}

/**
 * Everything the learner kept, as cards: saved words (oldest first, so a card's first context is
 * where the word was first met) and missed cloze blanks. Idempotent: what is already on a card
 * is skipped, so this runs after every save or exercise, and once over data saved before review existed.
 */
export function withSavedData(state: ReviewState, words: readonly WordEntry[], history: readonly HistoryEntry[], now: number): ReviewState {
  const sightings = [...words.map(sightingOfWord), ...history.flatMap(sightingsOfExercise)].sort((a, b) => a.date - b.date);
  return withSightings(state, sightings, now);
}

/** The state after the card `id` was reviewed; unchanged when there is no such card. */
export function withReview(state: ReviewState, id: string, rating: ReviewRating, now: number): ReviewState {
  return { ...state, cards: state.cards.map((c) => (c.id === id ? reviewed(c, rating, now) : c)) };
}

/** The copy that has seen more: more reviews, then the later review. */
function moreReviewed(a: ReviewCard, b: ReviewCard): ReviewCard {
  if (a.memory.reps !== b.memory.reps) return a.memory.reps > b.memory.reps ? a : b;
  return (b.memory.last_review ?? 0) > (a.memory.last_review ?? 0) ? b : a;
}

/** Two copies of a card as one: the memory of the copy reviewed more, the contexts of both (newest first). */
function mergedCard(mine: ReviewCard, theirs: ReviewCard): ReviewCard {
  const kept = moreReviewed(mine, theirs);
  const contexts = [...mine.contexts, ...theirs.contexts]
    .filter((x, i, all) => all.findIndex((y) => y.ref === x.ref || y.sentence === x.sentence) === i)
    .sort((a, b) => b.date - a.date)
    .slice(0, CONTEXTS_PER_CARD);
  return { ...kept, id: mine.id, contexts };
}

/**
 * An imported state merged into this one. An imported card joins the card with its id, else the
 * card of the same word in the same sense (mergedCard), else comes in as it is (while there is room).
 */
export function mergedReview(current: ReviewState, imported: ReviewState): ReviewState {
  const cards = [...current.cards];
  for (const card of imported.cards) {
    const byId = cards.findIndex((c) => c.id === card.id);
    const home = byId >= 0 ? byId : cards.findIndex((c) => sameWordSense(c, card));
    if (home >= 0) cards[home] = mergedCard(cards[home]!, card);
    else if (cards.length < REVIEW_CARD_LIMIT) cards.push(card);
  }
  return { v: REVIEW_STATE_VERSION, cards };
}

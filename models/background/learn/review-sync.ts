// Keeping review cards in step with what the learner kept: words saved (and cloze blanks missed)
// become cards or join the card of the same word in the same sense; a word removed from the list
// takes its contexts off the cards (a card left with none goes). Idempotent, so it runs after
// every change and once over everything on install or update.
import type { HistoryEntry } from '../../shared/practice/history';
import { withoutRef } from '../../shared/review/card';
import { type ReviewState, withSavedData } from '../../shared/review/review-state';
import type { WordEntry } from '../../shared/words/word-list';

/** The ids of words in `before` that are not in `after`. */
export function removedIds(before: readonly { id: string }[], after: readonly { id: string }[]): string[] {
  const kept = new Set(after.map((w) => w.id));
  return before.filter((w) => !kept.has(w.id)).map((w) => w.id);
}

/** The state with the removed words' contexts dropped and everything kept placed on cards. */
export function syncedReview(
  state: ReviewState,
  data: { words: readonly WordEntry[]; history: readonly HistoryEntry[]; removed?: readonly string[] },
  now: number,
): ReviewState {
  let cards = state.cards;
  for (const id of data.removed ?? []) cards = withoutRef(cards, `word:${id}`);
  return withSavedData({ ...state, cards }, data.words, data.history, now);
}

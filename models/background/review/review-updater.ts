// Changing the review state from any tab or page: read, change, write, one change at a time
// (background/serial.ts), as the word list is saved, so a review recorded while a word is being
// saved keeps both. The store is injected (wxt storage in the background, a map in tests).
import type { Serial } from '../serial';
import { type ReviewState, validReview } from '../../shared/review/review-state';

export interface ReviewStore {
  get(): Promise<unknown>;
  set(value: ReviewState): Promise<void>;
}

/** Applies `change` to the stored state; resolves to the state written. */
export function reviewUpdater(store: ReviewStore, inTurn: Serial): (change: (state: ReviewState) => ReviewState) => Promise<ReviewState> {
  return (change) =>
    inTurn(async () => {
      const next = change(validReview(await store.get()));
      await store.set(next);
      return next;
    });
}

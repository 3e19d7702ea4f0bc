// The review state in extension storage (local:review). Written only by the background, one
// change at a time (background/review/review-updater.ts); read by the review page and the badge;
// emptied by "Clear my data".
import { storage } from '@wxt-dev/storage';
import { emptyReview, type ReviewState, validReview } from './review-state';

export const reviewItem = storage.defineItem<unknown>('local:review', { fallback: emptyReview() });

export async function loadReview(): Promise<ReviewState> {
  return validReview(await reviewItem.getValue());
}

export async function clearReview(): Promise<void> {
  await reviewItem.setValue(emptyReview());
}

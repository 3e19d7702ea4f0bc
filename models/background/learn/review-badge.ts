// The toolbar badge: how many review cards are due, kept current by refreshing when the review
// state changes and at the moment the next card falls due (an alarm: the background may sleep).
import { badgeText, dueCount, nextDueAt } from '../../shared/review/schedule';
import type { ReviewCard } from '../../shared/review/card';

export const REVIEW_ALARM = 'sesame-review-due';

export interface BadgeDeps {
  setText: (text: string) => Promise<void> | void;
  /** Schedules the next refresh at this time (epoch ms), or cancels it with null. */
  wakeAt: (when: number | null) => Promise<void> | void;
}

/** Shows the due count and wakes at the next card that is not due yet; resolves to the count. */
export async function refreshBadge(cards: readonly ReviewCard[], now: number, deps: BadgeDeps): Promise<number> {
  const due = dueCount(cards, now);
  const later = nextDueAt(cards.filter((c) => c.memory.due > now));
  await deps.setText(badgeText(due));
  await deps.wakeAt(later);
  return due;
}

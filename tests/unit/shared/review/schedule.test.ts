import { describe, expect, it } from 'vitest';
import { type ReviewCard, reviewCard } from '@/models/shared/review/card';
import {
  badgeText,
  dueCards,
  dueCount,
  isDue,
  newMemory,
  nextDueAt,
  nextDueByRating,
  ratingOf,
  recallChance,
  reviewed,
  scheduler,
} from '@/models/shared/review/schedule';

const T0 = Date.UTC(2025, 0, 6, 9);
const MIN = 60_000;
const DAY = 86_400_000;

function card(id: string, created = T0): ReviewCard {
  return {
    id,
    lang: 'en',
    word: 'bank',
    senseKey: ['shore'],
    created,
    contexts: [{ ref: id, date: created, url: '', sentence: 'the bank', start: 4, end: 8 }],
    memory: newMemory(created),
  };
}

describe('ratings from the review page', () => {
  it('maps outcomes to ratings: forgotten → again, aided or an accepted alternative → hard, the word → good', () => {
    expect(ratingOf({ verdict: 'wrong' })).toBe('again');
    expect(ratingOf({ verdict: null })).toBe('again');
    expect(ratingOf({ verdict: 'correct', revealed: true })).toBe('again');
    expect(ratingOf({ verdict: 'acceptable' })).toBe('hard');
    expect(ratingOf({ verdict: 'correct', hints: 1 })).toBe('hard');
    expect(ratingOf({ verdict: 'correct', hints: 0 })).toBe('good');
  });
});

describe('FSRS scheduling', () => {
  it('a new card is due at once, and a review moves it by the rating', () => {
    const c = card('a');
    expect(isDue(c, T0)).toBe(true);
    expect(c.memory).toMatchObject({ state: 0, reps: 0, lapses: 0, due: T0 });

    const again = reviewed(c, 'again', T0);
    const good = reviewed(c, 'good', T0);
    const easy = reviewed(c, 'easy', T0);
    expect(again.memory.due).toBe(T0 + MIN); // first learning step
    expect(good.memory.due).toBe(T0 + 10 * MIN); // second learning step
    expect(easy.memory.due).toBeGreaterThanOrEqual(T0 + DAY); // straight to review
    expect([again, good, easy].map((x) => x.memory.reps)).toEqual([1, 1, 1]);
    expect(easy.memory.state).toBe(2);
    expect(good.memory.last_review).toBe(T0);
    expect(isDue(good, T0 + 9 * MIN)).toBe(false);
    expect(isDue(good, T0 + 10 * MIN)).toBe(true);
  });

  it('is deterministic, and grows intervals with each good review', () => {
    let a = card('a');
    let b = card('a');
    const intervals: number[] = [];
    let now = T0;
    for (let i = 0; i < 5; i++) {
      a = reviewed(a, 'good', now);
      b = reviewed(b, 'good', now);
      intervals.push(a.memory.due - now);
      now = a.memory.due;
    }
    expect(a).toEqual(b);
    expect(intervals.slice(2).every((d, i) => d > intervals[i + 1]!)).toBe(true);
    expect(intervals.at(-1)!).toBeGreaterThan(7 * DAY);
  });

  it('a lapse counts and brings the card back soon', () => {
    let c = reviewed(card('a'), 'easy', T0);
    const later = c.memory.due;
    c = reviewed(c, 'again', later);
    expect(c.memory.lapses).toBe(1);
    expect(c.memory.state).toBe(3);
    expect(c.memory.due - later).toBeLessThan(DAY);
  });

  it('previews each rating, and the memory round-trips through storage', () => {
    const c = reviewed(card('a'), 'good', T0);
    const at = c.memory.due;
    const preview = nextDueByRating(c, at);
    expect(preview.again).toBeLessThan(preview.good);
    expect(preview.good).toBeLessThanOrEqual(preview.easy);
    expect(preview.good).toBe(reviewed(c, 'good', at).memory.due);
    const stored = JSON.parse(JSON.stringify(c)) as unknown;
    expect(reviewed(reviewCard(stored, 'card'), 'hard', at)).toEqual(reviewed(c, 'hard', at));
    expect(recallChance(reviewed(card('b'), 'easy', T0), T0 + 30 * DAY)).toBeLessThan(recallChance(reviewed(card('b'), 'easy', T0), T0 + DAY));
  });

  it('takes other FSRS parameters: a higher retention gives shorter intervals', () => {
    const c = reviewed(card('a'), 'easy', T0);
    const strict = scheduler({ request_retention: 0.97 });
    expect(reviewed(c, 'good', c.memory.due, strict).memory.due).toBeLessThan(reviewed(c, 'good', c.memory.due).memory.due);
  });
});

describe('due cards and the badge', () => {
  const cards = [card('new', T0 + 5), reviewed(card('later'), 'easy', T0), reviewed(card('soon'), 'again', T0), card('old', T0 - DAY)];

  it('lists the due cards, longest overdue first, and counts them', () => {
    const now = T0 + 2 * MIN;
    expect(dueCards(cards, now).map((c) => c.id)).toEqual(['old', 'new', 'soon']);
    expect(dueCards(cards, now, 2).map((c) => c.id)).toEqual(['old', 'new']);
    expect(dueCount(cards, now)).toBe(3);
    expect(dueCount(cards, T0 - 2 * DAY)).toBe(0);
    expect(nextDueAt(cards)).toBe(T0 - DAY);
    expect(nextDueAt([])).toBeNull();
  });

  it('badge text', () => {
    expect([0, 1, 99, 100, 2500].map(badgeText)).toEqual(['', '1', '99', '99+', '99+']);
  });
});

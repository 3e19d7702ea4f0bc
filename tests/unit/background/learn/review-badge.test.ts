import { describe, expect, it } from 'vitest';
import { refreshBadge } from '@/models/background/learn/review-badge';
import { emptyReview, withReview, withSavedData } from '@/models/shared/review/review-state';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2026, 0, 6, 9);
const word = (id: string, w: string, sentence: string): WordEntry => ({
  id,
  date: T0,
  url: '',
  lang: 'en',
  word: w,
  sentence,
  start: sentence.indexOf(w),
  end: sentence.indexOf(w) + w.length,
  sense: [w === 'cat' ? 'dog' : 'tree'],
  substitutes: [],
});

describe('toolbar badge', () => {
  it('shows the due count and wakes when the next card falls due', async () => {
    const state = withSavedData(emptyReview(), [word('a', 'cat', 'The cat sat.'), word('b', 'oak', 'An oak grew.')], [], T0);
    const calls: { text: string[]; wake: (number | null)[] } = { text: [], wake: [] };
    const deps = { setText: (t: string) => void calls.text.push(t), wakeAt: (w: number | null) => void calls.wake.push(w) };
    expect(await refreshBadge(state.cards, T0, deps)).toBe(2);
    const later = withReview(state, 'word:a', 'good', T0);
    const back = later.cards.find((c) => c.id === 'word:a')!.memory.due;
    expect(await refreshBadge(later.cards, T0 + 1, deps)).toBe(1);
    const none = withReview(later, 'word:b', 'easy', T0 + 1);
    expect(await refreshBadge(none.cards, T0 + 2, deps)).toBe(0);
    expect(await refreshBadge([], T0 + 3, deps)).toBe(0);
    expect(calls.text).toEqual(['2', '1', '', '']);
    expect(calls.wake).toEqual([null, back, back, null]);
  });
});

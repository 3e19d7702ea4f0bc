import { describe, expect, it } from 'vitest';
import { serial } from '@/models/background/serial';
import { reviewUpdater } from '@/models/background/review/review-updater';
import { type ReviewState, withReview, withSavedData } from '@/models/shared/review/review-state';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2025, 0, 6, 9);
const word = (id: string, sentence: string, w: string, sense: string[]): WordEntry => {
  const start = sentence.indexOf(w);
  return { id, date: T0, url: '', lang: 'en', word: w, sentence, start, end: start + w.length, sense, substitutes: [] };
};

describe('reviewUpdater', () => {
  it('applies concurrent changes in turn, each on the last one written', async () => {
    let stored: unknown = 'damaged';
    const store = {
      get: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return stored;
      },
      set: async (v: ReviewState) => {
        stored = JSON.parse(JSON.stringify(v));
      },
    };
    const update = reviewUpdater(store, serial());
    const a = word('a', 'The bank raised its rates.', 'bank', ['lender']);
    const b = word('b', 'We sat on the bank.', 'bank', ['shore']);
    const results = await Promise.all([
      update((s) => withSavedData(s, [a], [], T0)),
      update((s) => withSavedData(s, [b], [], T0)),
      update((s) => withReview(s, 'word:a', 'good', T0 + 1)),
    ]);
    expect(results.map((s) => s.cards.length)).toEqual([1, 2, 2]);
    const final = stored as ReviewState;
    expect(final.cards.map((c) => [c.id, c.memory.reps])).toEqual([
      ['word:a', 1],
      ['word:b', 0],
    ]);
  });
});

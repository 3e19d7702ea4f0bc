import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@/models/shared/practice/history';
import { emptyReview, mergedReview, validReview, withReview, withSavedData } from '@/models/shared/review/review-state';
import { dueCount } from '@/models/shared/review/schedule';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2025, 0, 6, 9);
const DAY = 86_400_000;

function saved(id: string, date: number, sentence: string, word: string, sense: string[]): WordEntry {
  const start = sentence.indexOf(word);
  return { id, date, url: 'https://example.com/', lang: 'en', word, sentence, start, end: start + word.length, sense, substitutes: [] };
}

// The word list is newest first, as word-list.ts keeps it.
const words = [
  saved('r2', T0 + 2, 'Reeds grew along both banks.', 'banks', ['shore', 'edge']),
  saved('m1', T0 + 1, 'The bank raised its rates.', 'bank', ['lender', 'firm']),
  saved('r1', T0, 'We sat on the bank of the river.', 'bank', ['shore', 'side']),
];
const exercise: HistoryEntry = {
  id: 'ex1',
  date: T0 + 3,
  url: '',
  lang: 'en',
  text: 'It rained all day.',
  blanks: [{ start: 3, end: 9, answer: 'rained', given: 'snowed', verdict: 'wrong' }],
  points: 0,
  max: 1,
};

describe('review state from saved data', () => {
  it('makes cards oldest first, by sense, once', () => {
    const state = withSavedData(emptyReview(), words, [exercise], T0 + 10);
    expect(state.cards.map((c) => [c.id, c.contexts.map((x) => x.ref)])).toEqual([
      ['word:r1', ['word:r2', 'word:r1']],
      ['word:m1', ['word:m1']],
      ['blank:ex1:0', ['blank:ex1:0']],
    ]);
    expect(dueCount(state.cards, T0 + 10)).toBe(3);
    expect(withSavedData(state, words, [exercise], T0 + 20)).toEqual(state);
  });

  it('records a review on one card only', () => {
    const state = withSavedData(emptyReview(), words, [], T0);
    const after = withReview(state, 'word:m1', 'easy', T0 + 5);
    expect(after.cards[1]!.memory.reps).toBe(1);
    expect(after.cards[0]).toEqual(state.cards[0]);
    expect(dueCount(after.cards, T0 + 5)).toBe(1);
    expect(withReview(state, 'nope', 'good', T0)).toEqual(state);
  });
});

describe('validReview', () => {
  it('keeps the valid cards of whatever was stored, each id once', () => {
    const state = withSavedData(emptyReview(), words, [], T0);
    const stored = JSON.parse(JSON.stringify({ ...state, cards: [...state.cards, { id: 'x' }, state.cards[0], { ...state.cards[1], extra: 1 }] })) as unknown;
    expect(validReview(stored)).toEqual(state);
    expect(validReview(undefined)).toEqual(emptyReview());
    expect(validReview({ v: 2, cards: state.cards })).toEqual(emptyReview());
    expect(validReview([1, 2])).toEqual(emptyReview());
  });
});

describe('mergedReview', () => {
  const mine = withSavedData(emptyReview(), [words[2]!], [], T0);
  it('the same card: the memory of the copy reviewed more, the contexts of both', () => {
    const theirs = withReview(withSavedData(emptyReview(), [words[2]!, words[0]!], [], T0), 'word:r1', 'good', T0 + DAY);
    const merged = mergedReview(withReview(mine, 'word:r1', 'again', T0 + 1), theirs);
    expect(merged.cards).toHaveLength(1);
    expect(merged.cards[0]!.memory.last_review).toBe(T0 + DAY);
    expect(merged.cards[0]!.contexts.map((x) => x.ref)).toEqual(['word:r2', 'word:r1']);
  });

  it('a card of the same word and sense under another id joins it; others come in as they are', () => {
    const theirs = withSavedData(emptyReview(), [words[0]!, words[1]!], [], T0);
    const merged = mergedReview(mine, theirs);
    expect(merged.cards.map((c) => [c.id, c.contexts.map((x) => x.ref)])).toEqual([
      ['word:r1', ['word:r2', 'word:r1']],
      ['word:m1', ['word:m1']],
    ]);
    expect(mergedReview(merged, merged)).toEqual(merged);
  });
});

import { describe, expect, it } from 'vitest';
import { removedIds, syncedReview } from '@/models/background/learn/review-sync';
import { emptyReview } from '@/models/shared/review/review-state';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2026, 0, 6, 9);

function saved(id: string, date: number, sentence: string, word: string, sense: string[]): WordEntry {
  const start = sentence.indexOf(word);
  return { id, date, url: 'https://example.com/', lang: 'en', word, sentence, start, end: start + word.length, sense, substitutes: [] };
}

const river = saved('r1', T0, 'We sat on the bank of the river.', 'bank', ['shore', 'side']);
const reeds = saved('r2', T0 + 1, 'Reeds grew along both banks.', 'banks', ['shore', 'edge']);
const money = saved('m1', T0 + 2, 'The bank raised its rates.', 'bank', ['lender', 'firm']);

describe('review cards kept in step with the word list', () => {
  it('tells which words a change removed', () => {
    expect(removedIds([river, reeds, money], [money, river])).toEqual(['r2']);
    expect(removedIds([], [river])).toEqual([]);
  });

  it('places saved words once, by sense, and drops a removed word’s context', () => {
    const once = syncedReview(emptyReview(), { words: [money, reeds, river], history: [] }, T0 + 10);
    expect(once.cards.map((c) => [c.id, c.contexts.map((x) => x.ref)])).toEqual([
      ['word:r1', ['word:r2', 'word:r1']],
      ['word:m1', ['word:m1']],
    ]);
    // Running again changes nothing (it runs after every change, and on install).
    expect(syncedReview(once, { words: [money, reeds, river], history: [] }, T0 + 20)).toEqual(once);
    // "reeds" removed: its context leaves the river card, which stays.
    const without = syncedReview(once, { words: [money, river], history: [], removed: ['r2'] }, T0 + 30);
    expect(without.cards.map((c) => [c.id, c.contexts.map((x) => x.ref)])).toEqual([
      ['word:r1', ['word:r1']],
      ['word:m1', ['word:m1']],
    ]);
    // The money word removed: a card left without contexts goes, and is not made again.
    const gone = syncedReview(without, { words: [river], history: [], removed: ['m1'] }, T0 + 40);
    expect(gone.cards.map((c) => c.id)).toEqual(['word:r1']);
  });
});

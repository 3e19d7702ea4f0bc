import { describe, expect, it } from 'vitest';
import { emptyReview, withReview, withSavedData } from '@/models/shared/review/review-state';
import { WEEK_MS, weekPassage } from '@/models/shared/review/week-passage';
import type { WordEntry } from '@/models/shared/words/word-list';

const NOW = Date.UTC(2026, 0, 20, 12);
const DAY = 86_400_000;
function saved(id: string, date: number, sentence: string, word: string, lang: 'en' | 'zh' = 'en'): WordEntry {
  const start = sentence.indexOf(word);
  return { id, date, url: '', lang, word, sentence, start, end: start + word.length, sense: [id], substitutes: [] };
}

describe('practise what I read this week', () => {
  const words = [
    saved('old', NOW - 8 * DAY, 'An old sentence about a lighthouse.', 'lighthouse'),
    saved('a', NOW - 3 * DAY, 'The harbour was quiet at dawn.', 'harbour'),
    saved('b', NOW - 2 * DAY, 'Gulls circled the fishing boats.', 'Gulls'),
    saved('c', NOW - 1 * DAY, 'Nets dried on the stone wall.', 'Nets'),
    saved('z', NOW - 1 * DAY, '我们在港口看船。', '港口', 'zh'),
  ];

  it('takes this week’s sentences in the language read most, due words first', () => {
    let state = withSavedData(emptyReview(), words, [], NOW - 3 * DAY);
    // "c" reviewed (not due now); "a" and "b" still due, "a" longest overdue.
    state = withReview(state, 'word:c', 'easy', NOW - DAY);
    const passage = weekPassage(state.cards, NOW);
    expect(passage).toEqual({
      lang: 'en',
      text: 'The harbour was quiet at dawn. Gulls circled the fishing boats. Nets dried on the stone wall.',
      // The words due go with it: the exercise blanks them first.
      focus: ['harbour', 'Gulls'],
    });
    expect(passage!.text).not.toContain('lighthouse');
  });

  it('stops at the size the practice page takes, and has nothing for a quiet week', () => {
    const state = withSavedData(emptyReview(), words, [], NOW);
    expect(weekPassage(state.cards, NOW, 40)!.text.length).toBeLessThanOrEqual(40);
    expect(weekPassage(state.cards, NOW + WEEK_MS + 2 * DAY)).toBeNull();
    expect(weekPassage([], NOW)).toBeNull();
  });
});

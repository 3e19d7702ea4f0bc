import { describe, expect, it } from 'vitest';
import { BackupError, backupText, imported, mergedWords, readBackup } from '@/models/shared/review/backup';
import { emptyReview, withReview, withSavedData } from '@/models/shared/review/review-state';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2025, 0, 6, 9);

function saved(id: string, date: number, sentence: string, word: string, sense: string[]): WordEntry {
  const start = sentence.indexOf(word);
  return { id, date, url: 'https://example.com/', lang: 'en', word, sentence, start, end: start + word.length, sense, substitutes: [] };
}
const r1 = saved('r1', T0, 'We sat on the bank of the river.', 'bank', ['shore', 'side']);
const m1 = saved('m1', T0 + 1, 'The bank raised its rates.', 'bank', ['lender', 'firm']);
const r2 = saved('r2', T0 + 2, 'Reeds grew along both banks.', 'banks', ['shore', 'edge']);

function problem(text: string): string {
  try {
    readBackup(text);
  } catch (e) {
    expect(e).toBeInstanceOf(BackupError);
    return (e as BackupError).problem;
  }
  throw new Error('no error');
}

describe('the learning backup file', () => {
  it('round-trips the word list and the review state', () => {
    const review = withReview(withSavedData(emptyReview(), [m1, r1], [], T0), 'word:r1', 'good', T0 + 5);
    const text = backupText([m1, r1], review, T0 + 9);
    expect(JSON.parse(text)).toMatchObject({ format: 'sesame-learning', version: 1, exported: '2025-01-06T09:00:00.009Z' });
    expect(readBackup(text)).toEqual({ words: [m1, r1], review, skipped: 0 });
  });

  it('leaves damaged entries out and counts them', () => {
    const review = withSavedData(emptyReview(), [r1], [], T0);
    const file = JSON.parse(backupText([r1], review, T0)) as { words: unknown[]; review: { cards: unknown[] } };
    file.words.push({ id: 'bad' }, { ...r1, id: 'r9', end: 500 });
    file.review.cards.push({ id: 'bad' });
    const back = readBackup(JSON.stringify(file));
    expect(back.words).toEqual([r1]);
    expect(back.review).toEqual(review);
    expect(back.skipped).toBe(3);
  });

  it('says clearly what is wrong with a file that is not one', () => {
    expect(problem('word,sentence\nbank,x')).toBe('not-json');
    expect(problem('{"words": []}')).toBe('not-sesame');
    expect(problem('{"format": "sesame-learning", "version": 2}')).toBe('newer');
    expect(() => readBackup('{"format":"x"}')).toThrow('This file is not a Sesame word list.');
  });

  it('importing merges into what is there, never replacing it', () => {
    const mineReview = withSavedData(emptyReview(), [r1], [], T0);
    const theirs = readBackup(backupText([r2, m1, { ...r1, id: 'copy' }], withSavedData(emptyReview(), [r1, m1, r2], [], T0), T0));
    const after = imported([r1], mineReview, theirs);
    expect(after.words.map((w) => w.id)).toEqual(['r2', 'm1', 'r1']);
    expect(after.review.cards.map((c) => [c.id, c.contexts.length])).toEqual([
      ['word:r1', 2],
      ['word:m1', 1],
    ]);
    expect(mergedWords([r1], [])).toEqual([r1]);
  });
});

import { describe, expect, it } from 'vitest';
import { isHanAt, nextWordStart, previousWordStart, wordSpanAt } from '@/models/page/hover/word-at';

const word = (text: string, index: number, matches?: { from: number; lengths: number[] }) => {
  const s = wordSpanAt(text, index, matches);
  return s ? text.slice(s.start, s.end) : null;
};

describe('wordSpanAt', () => {
  it('finds the English word around any of its characters', () => {
    const text = 'The bank was closed.';
    expect(word(text, 4)).toBe('bank');
    expect(word(text, 7)).toBe('bank');
    expect(word(text, 13)).toBe('closed');
  });
  it('gives null for spaces and punctuation', () => {
    expect(word('The bank was closed.', 3)).toBeNull();
    expect(word('The bank was closed.', 19)).toBeNull();
    expect(word('x', 5)).toBeNull();
  });
  it('keeps contractions and hyphen-free words whole', () => {
    expect(word("don't stop", 2)).toBe("don't");
  });
  it('takes the dictionary match from the character pointed at in Chinese', () => {
    const text = '我去银行取钱';
    // Pointing at 行 (index 3) with the dictionary answer for the run from 3: 行 alone.
    expect(word(text, 2, { from: 2, lengths: [2, 1, 1, 1] })).toBe('银行');
    expect(word(text, 3, { from: 2, lengths: [2, 1, 1, 1] })).toBe('行');
  });
  it('falls back to the segmenter from the pointer when the dictionary has nothing', () => {
    const text = '我去银行取钱';
    const s = wordSpanAt(text, 2);
    expect(s?.start).toBe(2);
    expect(s && s.end > 2).toBe(true);
    expect(word(text, 2, { from: 2, lengths: [0, 0, 0, 0] })).toBe(text.slice(2, wordSpanAt(text, 2)!.end));
  });
});

describe('stepping', () => {
  it('finds the next and previous words', () => {
    const text = 'The bank, was closed.';
    expect(nextWordStart(text, 8)).toBe(10);
    expect(nextWordStart(text, 20)).toBe(-1);
    expect(previousWordStart(text, 10)).toBe(4);
    expect(previousWordStart(text, 0)).toBe(-1);
  });
  it('continues Chinese text right after the current word', () => {
    const text = '银行在河边';
    expect(nextWordStart(text, 2)).toBe(2);
    expect(previousWordStart(text, 3) < 3).toBe(true);
  });
  it('tells Han characters', () => {
    expect(isHanAt('a银', 1)).toBe(true);
    expect(isHanAt('a银', 0)).toBe(false);
  });
});

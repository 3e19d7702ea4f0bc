import { describe, expect, it } from 'vitest';
import { hanStarts, longestMatches } from '@/models/shared/dict/longest-match';

const words = new Set(['银行', '银', '行', '河', '河边', '中华人民共和国', '中华', '人民', '𠀋𠀋']);
const isWord = (w: string) => words.has(w);

describe('longestMatches', () => {
  it('gives the longest headword starting at each character', () => {
    expect(longestMatches('银行在河边', isWord)).toEqual([2, 1, 0, 2, 0]);
  });
  it('prefers the longest of several words from one start', () => {
    expect(longestMatches('中华人民共和国万岁', isWord)[0]).toBe(7);
    expect(longestMatches('中华人民', isWord)).toEqual([2, 0, 2, 0]);
  });
  it('stops at non-Han characters and gives them 0', () => {
    expect(longestMatches('银a行', isWord)).toEqual([1, 0, 1]);
    expect(longestMatches('bank 银行', isWord)).toEqual([0, 0, 0, 0, 0, 2, 1]);
  });
  it('caps words at maxChars', () => {
    expect(longestMatches('中华人民共和国', isWord, 4)[0]).toBe(2);
  });
  it('counts UTF-16 units for characters outside the BMP', () => {
    expect(longestMatches('𠀋𠀋银', isWord)).toEqual([4, 0, 0, 0, 1]);
  });
});

describe('hanStarts', () => {
  it('lists each Han character once', () => {
    expect(hanStarts('银行, 银 bank')).toEqual(['银', '行']);
  });
});

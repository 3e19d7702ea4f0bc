import { describe, expect, it } from 'vitest';
import { findKnown, knownIndex, savedSense } from '@/models/page/known/known-words';
import type { WordEntry } from '@/models/shared/words/word-list';

const entry = (word: string, lang: 'en' | 'zh', sense: string[], extra: Partial<WordEntry> = {}): WordEntry => ({
  id: word + sense.join(),
  date: 0,
  url: 'https://a.test/',
  lang,
  word,
  sentence: word,
  start: 0,
  end: word.length,
  sense,
  substitutes: [],
  ...extra,
});

const words = (text: string, spans: ReturnType<typeof findKnown>) => spans.map((s) => `${text.slice(s.start, s.end)}=${s.word.word}`);

describe('known words in page text', () => {
  const index = knownIndex([
    entry('bank', 'en', ['shore', 'side']),
    entry('Bank', 'en', ['older sense']),
    entry('银行', 'zh', ['金融']),
    entry('银', 'zh', [], { gloss: 'silver' }),
  ]);

  it('keeps the newest entry of each word', () => {
    expect(index.size).toBe(3);
    expect(index.en.get('bank')?.sense).toEqual(['shore', 'side']);
  });

  it('finds English words by form and by lemma, case-insensitively, whole words only', () => {
    const text = 'Banks and the bank, not embankment or banker.';
    expect(words(text, findKnown(text, index))).toEqual(['Banks=bank', 'bank=bank']);
    expect(words(text, findKnown(text, index, false))).toEqual(['bank=bank']);
  });

  it('finds the longest saved Chinese word at each character', () => {
    const text = '我去银行取银子';
    expect(words(text, findKnown(text, index))).toEqual(['银行=银行', '银=银']);
  });

  it('finds nothing when nothing is saved', () => {
    expect(findKnown('bank 银行', knownIndex([]))).toEqual([]);
  });

  it('shows the saved sense, else the gloss', () => {
    expect(savedSense(index.en.get('bank')!)).toBe('shore, side');
    expect(savedSense(index.zh.get('银')!.find((w) => w.word === '银')!)).toBe('silver');
  });
});

import { describe, expect, it } from 'vitest';
import { sameSense, sameWord, sameWordSense, senseKey, type SenseOf } from '@/models/shared/review/sense-match';

const use = (word: string, senseKey: string[], gloss?: string, lang: 'en' | 'zh' = 'en'): SenseOf => ({ lang, word, senseKey, ...(gloss ? { gloss } : {}) });

describe('sameWord', () => {
  it('joins English inflections, never derivations or other words', () => {
    expect(sameWord('bank', 'Banks', 'en')).toBe(true);
    expect(sameWord('studies', 'studied', 'en')).toBe(true);
    expect(sameWord('running', 'run', 'en')).toBe(true);
    expect(sameWord('bank', 'banker', 'en')).toBe(false);
    expect(sameWord('bank', 'bark', 'en')).toBe(false);
  });

  it('Chinese words only as written', () => {
    expect(sameWord('银行', '银行', 'zh')).toBe(true);
    expect(sameWord('银行', '行', 'zh')).toBe(false);
  });
});

describe('senseKey', () => {
  it('is the cluster label, lowercased, or the substitutes when no cluster was recorded', () => {
    expect(senseKey({ sense: ['Shore', 'side', 'shore '], substitutes: ['x'] })).toEqual(['shore', 'side']);
    expect(senseKey({ sense: [], substitutes: ['a', 'b', 'c', 'd', 'e', 'f'] })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('sameSense', () => {
  const river = use('bank', ['shore', 'side', 'edge', 'river', 'coast']);
  const money = use('bank', ['lender', 'firm', 'company', 'institution', 'branch']);

  it('by overlapping labels (2 of 5), not by spelling', () => {
    expect(sameSense(river, use('banks', ['edge', 'shore', 'slope', 'beach', 'levee']))).toBe(true);
    expect(sameSense(river, money)).toBe(false);
    expect(sameSense(river, use('bank', ['shore', 'firm', 'company', 'institution', 'branch']))).toBe(false);
    expect(sameSense(use('bank', ['shore', 'side']), use('bank', ['side']))).toBe(true);
  });

  it("leaves the word's own forms out of the labels (a masked LM often guesses the word itself)", () => {
    expect(sameSense(use('bank', ['bank', 'banks', 'shore']), use('bank', ['bank', 'banks', 'lender']))).toBe(false);
  });

  it('the same best gloss is the same sense; an unknown sense matches nothing', () => {
    expect(sameSense(use('bank', ['a'], 'sloping land'), use('bank', ['b'], 'sloping land'))).toBe(true);
    expect(sameSense(use('bank', []), use('bank', []))).toBe(false);
    expect(sameSense(use('bank', ['shore']), use('bank', []))).toBe(false);
  });

  it('sameWordSense needs the language, the word and the sense', () => {
    expect(sameWordSense(river, use('bank', ['shore', 'side']))).toBe(true);
    expect(sameWordSense(river, use('bark', ['shore', 'side']))).toBe(false);
    expect(sameWordSense(use('银行', ['金融', '机构'], undefined, 'zh'), use('银行', ['机构', '金融'], undefined, 'zh'))).toBe(true);
    expect(sameWordSense(use('银行', ['金融'], undefined, 'zh'), use('银行', ['金融'], undefined, 'en'))).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '@/models/shared/practice/history';
import { CONTEXTS_PER_CARD, type ReviewCard, reviewCard, sightingOfWord, sightingsOfExercise, withoutRef, withSighting } from '@/models/shared/review/card';
import { newMemory } from '@/models/shared/review/schedule';
import type { WordEntry } from '@/models/shared/words/word-list';

const T0 = Date.UTC(2025, 0, 6, 9);

function saved(id: string, sentence: string, word: string, sense: string[], extra: Partial<WordEntry> = {}): WordEntry {
  const start = sentence.indexOf(word);
  return { id, date: T0, url: `https://example.com/${id}`, lang: 'en', word, sentence, start, end: start + word.length, sense, substitutes: [], ...extra };
}

const river1 = saved('r1', 'We sat on the bank of the river.', 'bank', ['shore', 'side', 'edge']);
const river2 = saved('r2', 'Reeds grew along both banks.', 'banks', ['shore', 'edge', 'slope']);
const money = saved('m1', 'The bank raised its rates.', 'bank', ['lender', 'firm', 'company']);

function place(words: WordEntry[]): ReviewCard[] {
  let cards: ReviewCard[] = [];
  for (const w of words) cards = withSighting(cards, sightingOfWord(w), newMemory(T0)).cards;
  return cards;
}

describe('cards from saved words', () => {
  it('a word met again in the same sense joins its card as the newest context; another sense is another card', () => {
    const cards = place([river1, money, river2]);
    expect(cards.map((c) => [c.id, c.word, c.contexts.map((x) => x.ref)])).toEqual([
      ['word:r1', 'bank', ['word:r2', 'word:r1']],
      ['word:m1', 'bank', ['word:m1']],
    ]);
    expect(cards[0]!.contexts[0]).toEqual({ ref: 'word:r2', date: T0, url: 'https://example.com/r2', sentence: river2.sentence, start: 22, end: 27 });
    expect(cards[0]!.senseKey).toEqual(['shore', 'side', 'edge']);
    for (const c of cards) expect(reviewCard(JSON.parse(JSON.stringify(c)), 'card')).toEqual(c);
  });

  it('places nothing twice: the same ref, or the same word in the same sentence', () => {
    const cards = place([river1]);
    const again = withSighting(cards, sightingOfWord(river1), newMemory(T0));
    expect(again.placement).toBe('known');
    expect(again.cards).toEqual(cards);
    const resaved = withSighting(cards, sightingOfWord({ ...river1, id: 'other', sense: ['lender'] }), newMemory(T0));
    expect(resaved.placement).toBe('known');
  });

  it('keeps the newest contexts when a card has many', () => {
    let cards = place([river1]);
    for (let i = 0; i < CONTEXTS_PER_CARD + 2; i++) {
      cards = withSighting(cards, sightingOfWord(saved(`x${i}`, `Bank number ${i} by the river.`, 'Bank', ['shore', 'side'])), newMemory(T0)).cards;
    }
    expect(cards).toHaveLength(1);
    expect(cards[0]!.contexts).toHaveLength(CONTEXTS_PER_CARD);
    expect(cards[0]!.contexts[0]!.ref).toBe(`word:x${CONTEXTS_PER_CARD + 1}`);
  });

  it('removing a word takes its context away, and the card when it was the last', () => {
    const cards = place([river1, river2, money]);
    const less = withoutRef(cards, 'word:r1');
    expect(less.map((c) => c.contexts.length)).toEqual([1, 1]);
    expect(withoutRef(less, 'word:m1').map((c) => c.id)).toEqual(['word:r1']);
  });

  it('a stored card whose word lies outside its sentence is refused', () => {
    const [card] = place([river1]);
    const broken = { ...card!, contexts: [{ ...card!.contexts[0]!, end: 999 }] };
    expect(() => reviewCard(broken, 'card')).toThrow(/outside its sentence/);
  });
});

describe('cards from cloze exercises', () => {
  const text = 'The river rose. We sat on the bank and watched. Then it rained.';
  const at = (w: string) => ({ start: text.indexOf(w), end: text.indexOf(w) + w.length });
  const exercise: HistoryEntry = {
    id: 'ex1',
    date: T0,
    url: 'https://example.com/a',
    lang: 'en',
    text,
    blanks: [
      { ...at('river'), answer: 'river', given: 'river', verdict: 'correct' },
      { ...at('bank'), answer: 'bank', given: 'shore', verdict: 'wrong' },
      { ...at('watched'), answer: 'watched', given: '', verdict: null },
      { ...at('rained'), answer: 'rained', given: 'rained', verdict: 'correct', revealed: true },
    ],
    points: 1,
    max: 4,
  };

  it('the missed blanks (wrong, left empty, revealed) become sightings in their sentences', () => {
    const s = sightingsOfExercise(exercise);
    expect(s.map((x) => [x.ref, x.word, x.sentence, x.sentence.slice(x.start, x.end)])).toEqual([
      ['blank:ex1:1', 'bank', 'We sat on the bank and watched.', 'bank'],
      ['blank:ex1:2', 'watched', 'We sat on the bank and watched.', 'watched'],
      ['blank:ex1:3', 'rained', 'Then it rained.', 'rained'],
    ]);
    expect(s.every((x) => x.senseKey.length === 0)).toBe(true);
  });

  it('a blank has no known sense: it never joins a saved word of the same spelling', () => {
    let cards = place([river1]);
    for (const s of sightingsOfExercise(exercise)) cards = withSighting(cards, s, newMemory(T0)).cards;
    expect(cards.map((c) => c.id)).toEqual(['word:r1', 'blank:ex1:1', 'blank:ex1:2', 'blank:ex1:3']);
  });
});

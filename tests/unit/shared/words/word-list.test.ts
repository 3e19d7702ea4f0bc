import { describe, expect, it } from 'vitest';
import { ankiCsv } from '@/models/shared/practice/anki-csv';
import type { Capture, SenseResult } from '@/models/shared/protocol';
import { validWords, WORD_LIST_LIMIT, type WordEntry, wordEntryFrom, withWord } from '@/models/shared/words/word-list';

const result: SenseResult = {
  type: 'sense',
  word: 'bank',
  lang: 'en',
  model: 'm/x',
  backend: 'wasm',
  substitutes: [
    { text: 'shore', score: 0.3 },
    { text: 'side', score: 0.2 },
  ],
  clusters: [
    { label: ['lender', 'firm'], members: [0], selected: false },
    { label: ['shore', 'side'], members: [1, 2], selected: true },
  ],
  glosses: [{ source: 'wordnet', headword: 'bank', pos: 'n', text: 'sloping land', synonyms: [], score: 0.9 }],
  glossMethod: 'context-embedding',
};

const paragraph = 'It rained. We sat on the bank of the river. Then we left.';
const capture = (extra: Partial<Capture> = {}): Capture => ({
  text: paragraph,
  start: 25,
  end: 29,
  sentenceStart: 11,
  sentenceEnd: 44,
  truncated: false,
  url: 'https://example.org/a',
  ...extra,
});

describe('word list', () => {
  it('keeps the word in its own sentence with the sense shown', () => {
    const e = wordEntryFrom(result, capture(), 'id1', 5);
    expect(e).toMatchObject({
      id: 'id1',
      date: 5,
      word: 'bank',
      sentence: 'We sat on the bank of the river.',
      sense: ['shore', 'side'],
      gloss: 'sloping land',
    });
    expect(e.sentence.slice(e.start, e.end)).toBe('bank');
    expect(e.substitutes).toEqual(['shore', 'side']);
    const withOccurrences = wordEntryFrom(result, capture({ occurrences: [{ text: 'A bank.', start: 2, end: 6 }], selected: 0 }), 'id2', 6);
    expect([withOccurrences.sentence, withOccurrences.start, withOccurrences.end]).toEqual(['A bank.', 2, 6]);
  });

  it('puts new words first, keeps a word in the same sentence once, caps the list', () => {
    const a = wordEntryFrom(result, capture(), 'a', 1);
    const b = { ...a, id: 'b', date: 2 };
    expect(withWord([a], b).map((w) => w.id)).toEqual(['b']);
    const other = { ...a, id: 'c', sentence: 'A bank.', start: 2, end: 6 };
    expect(withWord([a], other).map((w) => w.id)).toEqual(['c', 'a']);
    const many = Array.from({ length: WORD_LIST_LIMIT + 5 }, (_, i) => ({ ...a, id: `w${i}`, sentence: `Bank ${i}.`, start: 0, end: 4 }));
    expect(many.reduce<WordEntry[]>((list, w) => withWord(list, w), []).length).toBe(WORD_LIST_LIMIT);
  });

  it('drops damaged entries on load', () => {
    const good = wordEntryFrom(result, capture(), 'a', 1);
    expect(validWords([good, { ...good, end: 999 }, { id: 'x' }, 'junk'])).toEqual([good]);
    expect(validWords(null)).toEqual([]);
  });

  it('exports words as cloze notes next to the exercises', () => {
    const w = wordEntryFrom(result, capture({ url: 'https://example.org/"q"' }), 'a', 1);
    expect(ankiCsv([], [w])).toContain(`"We sat on the {{c1::bank}} of the river.","sloping land\n≈ shore, side\nhttps://example.org/""q"""\n`);
    expect(ankiCsv([], [w])).toContain('https://example.org/""q""');
  });
});

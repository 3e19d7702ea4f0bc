// A word-list entry as the bubble's Save makes it (models/shared/words/word-list.ts), for tests and
// the bench to seed storage with: the word in a one-line sentence, saved from another site.
import type { WordEntry } from '@/models/shared/words/word-list';

export function savedWordEntry(word: string, lang: WordEntry['lang'], fields: Pick<WordEntry, 'id' | 'date' | 'sense' | 'substitutes'>): WordEntry {
  return {
    ...fields,
    url: 'https://elsewhere.test/',
    lang,
    word,
    sentence: `A sentence with ${word}.`,
    start: 16,
    end: 16 + word.length,
  };
}

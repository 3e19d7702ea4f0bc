// Saved words found again in a page's text: pure. English words match by form or by the lemmas
// an inflected form may come from ("banks" finds a saved "bank"); Chinese words by the longest
// saved word starting at each character.
import { lemmasOf } from '../../shared/text/occurrences';
import type { WordEntry } from '../../shared/words/word-list';

/** What a mark shows: the word and the sense it was saved in. */
export type KnownWord = Pick<WordEntry, 'word' | 'lang' | 'sense' | 'gloss'>;

export interface KnownIndex {
  /** Lower-cased English words. */
  en: Map<string, KnownWord>;
  /** Chinese words by their first character, longest first. */
  zh: Map<string, KnownWord[]>;
  size: number;
}

export interface KnownSpan {
  start: number;
  end: number;
  word: KnownWord;
}

/** The saved words, the newest entry of each word winning (the list is newest first). */
export function knownIndex(entries: readonly WordEntry[]): KnownIndex {
  const en = new Map<string, KnownWord>();
  const zh = new Map<string, KnownWord[]>();
  const seen = new Set<string>();
  for (const { word, lang, sense, gloss } of entries) {
    const key = word.trim().toLowerCase();
    if (!key || seen.has(`${lang}:${key}`)) continue;
    seen.add(`${lang}:${key}`);
    const known: KnownWord = { word: word.trim(), lang, sense, ...(gloss ? { gloss } : {}) };
    if (lang === 'en') en.set(key, known);
    else {
      const first = String.fromCodePoint(key.codePointAt(0) ?? 0);
      zh.set(
        first,
        [...(zh.get(first) ?? []), known].sort((a, b) => b.word.length - a.word.length),
      );
    }
  }
  return { en, zh, size: seen.size };
}

const LATIN_WORD = /[\p{Script=Latin}][\p{Script=Latin}\p{M}'’-]*/gu;

/** The saved words in `text`, in order, not overlapping. */
export function findKnown(text: string, index: KnownIndex, inflections = true): KnownSpan[] {
  const spans: KnownSpan[] = [];
  if (index.en.size > 0) {
    for (const m of text.matchAll(LATIN_WORD)) {
      const form = m[0].replace(/['’-]+$/, '');
      const lower = form.toLowerCase();
      let word = index.en.get(lower);
      if (!word && inflections) for (const lemma of lemmasOf(lower)) word ??= index.en.get(lemma);
      if (word) spans.push({ start: m.index, end: m.index + form.length, word });
    }
  }
  if (index.zh.size > 0) {
    for (let i = 0; i < text.length; ) {
      const code = text.codePointAt(i) ?? 0;
      const char = String.fromCodePoint(code);
      const word = index.zh.get(char)?.find((w) => text.startsWith(w.word, i));
      if (word) {
        spans.push({ start: i, end: i + word.word.length, word });
        i += word.word.length;
      } else i += char.length;
    }
    spans.sort((a, b) => a.start - b.start);
  }
  return spans;
}

/** What the mark's tip says of a saved word: its sense's words, else its gloss. */
export function savedSense(word: KnownWord): string {
  return word.sense.length > 0 ? word.sense.join(', ') : (word.gloss ?? word.word);
}

// Saved words: a word in the sentence where the user met it, with the sense Sesame showed
// (the cluster's label, the best-ranked gloss). Validated on load, newest first, capped.
import type { Check } from '../validate';
import { type Capture, LIMITS, type SenseResult, wordEntry } from '../protocol';

export const WORD_LIST_LIMIT = 500;

export type WordEntry = ReturnType<typeof wordEntry>;

export function validWords(stored: unknown): WordEntry[] {
  if (!Array.isArray(stored)) return [];
  const check: Check<WordEntry> = wordEntry;
  return stored.flatMap((e) => {
    try {
      const w = check(e, 'word');
      return w.end <= w.sentence.length && w.start < w.end ? [w] : [];
    } catch {
      return [];
    }
  });
}

/** The list with `entry` first; the same word in the same sentence is kept once. */
export function withWord(list: readonly WordEntry[], entry: WordEntry): WordEntry[] {
  const same = (w: WordEntry) => w.word.toLowerCase() === entry.word.toLowerCase() && w.sentence === entry.sentence;
  return [entry, ...list.filter((w) => !same(w))].slice(0, WORD_LIST_LIMIT);
}

/** The entry for a looked-up word: its own sentence from the capture, the sense it was shown in. */
export function wordEntryFrom(result: SenseResult, capture: Capture, id: string, date: number): WordEntry {
  const own = capture.selected !== undefined ? capture.occurrences?.[capture.selected] : undefined;
  const span = own ?? sentenceOf(capture);
  const sense = result.clusters?.find((c) => c.selected)?.label.slice(0, 5) ?? [];
  return {
    id,
    date,
    url: capture.url.slice(0, 4000),
    lang: result.lang,
    word: result.word,
    sentence: span.text,
    start: span.start,
    end: span.end,
    sense: sense.map((l) => l.slice(0, 200)),
    substitutes: result.substitutes.slice(0, 10).map((s) => s.text.slice(0, 200)),
    ...(result.glosses?.[0] ? { gloss: result.glosses[0].text.slice(0, 2000) } : {}),
    ...(result.lang === 'zh' && result.glosses?.[0]?.reading ? { reading: result.glosses[0].reading.slice(0, 200) } : {}),
  };
}

function sentenceOf(c: Capture): { text: string; start: number; end: number } {
  const from = Math.min(c.sentenceStart, c.start);
  const to = Math.max(c.sentenceEnd, c.end);
  const cut = Math.max(0, to - from - LIMITS.occurrenceChars);
  const raw = c.text.slice(from, to - cut);
  const lead = raw.length - raw.trimStart().length;
  const text = raw.trim();
  return { text, start: c.start - from - lead, end: Math.min(text.length, c.end - from - lead) };
}

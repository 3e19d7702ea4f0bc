// When a word met again belongs on an existing review card: the same word (English inflections
// count: "banks" is "bank") in the same sense. The sense is what the word list records: the
// label of the sense cluster the use fell in (its top substitutes), or, when the page had no
// other use to cluster with, the substitutes of that one use; and the best-ranked gloss.
// Spelling alone never joins two uses: "bank" by a river and "bank" with money stay apart.
import type { Lang } from '../protocol';
import { lemmasOf } from '../text/occurrences';

export interface SenseOf {
  lang: Lang;
  word: string;
  /** Lowercase labels standing for the sense (see `senseKey`). */
  senseKey: readonly string[];
  gloss?: string;
}

/** Two written forms of the same word: English by shared lemma, Chinese exactly. */
export function sameWord(a: string, b: string, lang: Lang): boolean {
  if (lang === 'zh') return a === b;
  const la = lemmasOf(a);
  return [...lemmasOf(b)].some((l) => la.has(l));
}

/** The labels that stand for a use's sense: the cluster label, else the use's own substitutes. */
export function senseKey(e: { sense: readonly string[]; substitutes: readonly string[] }): string[] {
  const labels = e.sense.length > 0 ? e.sense : e.substitutes.slice(0, 5);
  return [...new Set(labels.map((l) => l.trim().toLowerCase()).filter(Boolean))];
}

/** Share of the smaller label set two uses must have in common (2 of 5, 1 of 2). */
const OVERLAP = 0.4;

/**
 * Whether two uses of `word` are in the same sense: the same best gloss, or labels that overlap
 * enough once the word's own forms are left out (a masked LM often puts the word itself first,
 * in every sense). A use with no labels and no gloss matches nothing: its sense is unknown.
 */
export function sameSense(a: SenseOf, b: SenseOf): boolean {
  if (a.gloss && b.gloss && a.gloss === b.gloss) return true;
  const own = (label: string) => sameWord(label, a.word, a.lang) || sameWord(label, b.word, b.lang);
  const ka = new Set(a.senseKey.filter((l) => !own(l)));
  const kb = b.senseKey.filter((l) => !own(l));
  if (ka.size === 0 || kb.length === 0) return false;
  const shared = kb.filter((l) => ka.has(l)).length;
  return shared >= Math.max(1, Math.ceil(OVERLAP * Math.min(ka.size, kb.length)));
}

/** Same word, same sense: the use joins the card. */
export function sameWordSense(a: SenseOf, b: SenseOf): boolean {
  return a.lang === b.lang && sameWord(a.word, b.word, a.lang) && sameSense(a, b);
}

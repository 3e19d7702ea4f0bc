// Turning raw vocabulary predictions into substitutes a reader wants to see: whole words only,
// no punctuation or special tokens, no copies or inflections of the word itself.
import type { Lang, Scored } from '../../../shared/protocol';

const SPECIAL = /^\[.*\]$|^<.*>$/;
const LETTERS = /^[\p{L}\p{M}'-]+$/u;
/**
 * English substitutes are Latin-script words of ordinary letters (no modifier letters such as ʸ);
 * single letters only as the words "a" and "I".
 */
const ENGLISH_WORD = /^[\p{Ll}\p{Lu}][\p{Ll}\p{Lu}\p{M}'-]*$/u;
const LATIN = /^[\p{Script=Latin}\p{M}'-]+$/u;
const isEnglishWord = (t: string): boolean => ENGLISH_WORD.test(t) && LATIN.test(t) && (t.length > 1 || /^[ai]$/i.test(t));

/** A crude English stem, enough to tell "banks"/"banking"/"banked" from "bank". */
export function englishStem(word: string): string {
  let w = word.toLowerCase();
  for (const suffix of ['ingly', 'edly', 'ings', 'ing', 'ers', 'er', 'ies', 'ied', 'es', 'ed', 'ly', "'s", 's']) {
    if (w.length - suffix.length >= 3 && w.endsWith(suffix)) {
      w = w.slice(0, -suffix.length);
      if (suffix === 'ies' || suffix === 'ied') w += 'y';
      break;
    }
  }
  // "running" → "runn" → "run"
  if (w.length >= 4 && w.at(-1) === w.at(-2) && !'aeiou'.includes(w.at(-1)!)) w = w.slice(0, -1);
  return w;
}

export function isInflectionOf(candidate: string, word: string, lang: Lang): boolean {
  if (lang === 'zh') return candidate === word;
  const a = candidate.toLowerCase();
  const b = word.toLowerCase();
  return a === b || englishStem(a) === englishStem(b);
}

export function cleanSubstitutes(raw: Scored[], word: string, lang: Lang, limit: number): Scored[] {
  const seen = new Set<string>();
  const out: Scored[] = [];
  for (const { text, score } of raw) {
    const t = text.trim();
    if (!t || t.startsWith('##') || SPECIAL.test(t) || !LETTERS.test(t)) continue;
    if (lang === 'en' && !isEnglishWord(t)) continue;
    if (isInflectionOf(t, word, lang)) continue;
    const key = t.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ text: t, score });
    if (out.length >= limit) break;
  }
  return out;
}

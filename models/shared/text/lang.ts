import type { Lang } from '../protocol';

const HAN = /\p{Script=Han}/u;
const LATIN = /\p{Script=Latin}/u;

/** The language whose script dominates `text` (Han → zh, otherwise en), or null if neither. */
export function detectLang(text: string): Lang | null {
  let han = 0;
  let latin = 0;
  for (const ch of text) {
    if (HAN.test(ch)) han++;
    else if (LATIN.test(ch)) latin++;
  }
  if (han === 0 && latin === 0) return null;
  // A Han character carries about a word; weigh Latin letters as ~1/4 of a word.
  return han * 4 >= latin ? 'zh' : 'en';
}

/** Language of a selected word, falling back to its context when the word is ambiguous. */
export function langOfSelection(word: string, context: string): Lang | null {
  return detectLang(word) ?? detectLang(context);
}

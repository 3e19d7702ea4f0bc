// CC-CEDICT's numbered pinyin ("yin2 hang2", "lu:4", "yi1 dian3 r5", "Ou1 yang2") made readable:
// tone marks, the tone of each syllable for colouring, and zhuyin (bopomofo).
// Written here rather than taken from a package: pinyin-utils, pinyin-pro's `convert` and
// pinyin-zhuyin (tried, 2025) all mishandle CC-CEDICT's own notation — "u:" for ü, capitalised
// proper names ("Ou1" → "Oū"), erhua "r5", neutral "5" left in place — and the rules are short.

export type Tone = 1 | 2 | 3 | 4 | 5;

export interface PinyinSyllable {
  /** The token as the dictionary writes it ("lu:4", ",", "K"). */
  numbered: string;
  /** Tone-marked ("lǜ"); a token that is not a syllable (",", "·", a Latin letter) unchanged. */
  marked: string;
  /** Zhuyin with its tone sign ("ㄌㄩˋ"); a token that is not a syllable unchanged. */
  zhuyin: string;
  /** The syllable's tone, 5 for neutral; null for a token that is not a syllable. */
  tone: Tone | null;
  /** Written onto the previous syllable without a space: the erhua "r" of 一点儿 yī diǎnr. */
  joined: boolean;
}

/** Combining marks of tones 1–4. */
const MARKS = ['\u0304', '\u0301', '\u030C', '\u0300'] as const;

/** A syllable's letters (ü written "u:", "v" or "ü") and its tone number. */
const SYLLABLE = /^((?:[a-zA-ZüÜ]|[uU]:)+)([1-5])$/;

/** The letters with ü spelled ü (CC-CEDICT writes "u:", typists "v"). */
function withUmlaut(letters: string): string {
  return letters.replace(/u:/g, 'ü').replace(/U:/g, 'Ü').replace(/v/g, 'ü').replace(/V/g, 'Ü');
}

/**
 * Where the tone mark goes: on a or e if there is one; on the o of "ou"; otherwise on the last
 * vowel (so liù, guì). A syllable without vowels (m, n, ng, hm, hng) takes it on its m or n.
 */
export function markIndex(letters: string): number {
  const lower = letters.toLowerCase();
  for (const v of ['a', 'e', 'ê']) if (lower.includes(v)) return lower.indexOf(v);
  if (lower.includes('ou')) return lower.indexOf('ou');
  let last = -1;
  for (let i = 0; i < lower.length; i++) if ('iouü'.includes(lower[i]!)) last = i;
  return last >= 0 ? last : lower.search(/[mn]/);
}

/** One syllable tone-marked: "lu:4" → "lǜ", "Ou1" → "Ōu", "ma5" → "ma"; null if it is not one. */
export function markSyllable(numbered: string): string | null {
  const m = SYLLABLE.exec(numbered);
  if (!m) return null;
  const letters = withUmlaut(m[1]!);
  const tone = Number(m[2]) as Tone;
  const at = markIndex(letters);
  if (tone === 5 || at < 0) return letters;
  return (letters.slice(0, at + 1) + MARKS[tone - 1] + letters.slice(at + 1)).normalize('NFC');
}

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's'];
const ZHUYIN_INITIAL: Record<string, string> = {
  b: 'ㄅ',
  p: 'ㄆ',
  m: 'ㄇ',
  f: 'ㄈ',
  d: 'ㄉ',
  t: 'ㄊ',
  n: 'ㄋ',
  l: 'ㄌ',
  g: 'ㄍ',
  k: 'ㄎ',
  h: 'ㄏ',
  j: 'ㄐ',
  q: 'ㄑ',
  x: 'ㄒ',
  zh: 'ㄓ',
  ch: 'ㄔ',
  sh: 'ㄕ',
  r: 'ㄖ',
  z: 'ㄗ',
  c: 'ㄘ',
  s: 'ㄙ',
};
/** Finals without a medial, and what follows a medial (i, u, ü). */
const ZHUYIN_RHYME: Record<string, string> = {
  '': '',
  a: 'ㄚ',
  o: 'ㄛ',
  e: 'ㄜ',
  ê: 'ㄝ',
  ai: 'ㄞ',
  ei: 'ㄟ',
  ao: 'ㄠ',
  ou: 'ㄡ',
  an: 'ㄢ',
  en: 'ㄣ',
  ang: 'ㄤ',
  eng: 'ㄥ',
  er: 'ㄦ',
};
const ZHUYIN_MEDIAL: Record<string, string> = { i: 'ㄧ', u: 'ㄨ', ü: 'ㄩ' };
/** Syllables without vowels (interjections such as 呣 m, 嗯 ng, 哼 hng). */
const ZHUYIN_NASAL: Record<string, string> = { m: 'ㄇ', n: 'ㄋ', ng: 'ㄫ', hm: 'ㄏㄇ', hng: 'ㄏㄫ', r: 'ㄦ' };
/** Tone signs: none for the first tone; the neutral dot goes before the syllable. */
const ZHUYIN_TONE = ['', 'ˊ', 'ˇ', 'ˋ'] as const;

/** The final as the tables spell it: y/w spellings undone, ü restored after j/q/x/y, iu/ui/un expanded. */
function finalOf(initial: string, rest: string): string {
  if (!initial) {
    if (rest.startsWith('yu')) return `ü${rest.slice(2)}`;
    if (rest.startsWith('yi')) return `i${rest.slice(2)}`;
    if (rest.startsWith('y')) return `i${rest.slice(1)}`;
    if (rest.startsWith('wu')) return `u${rest.slice(2)}`;
    if (rest.startsWith('w')) return `u${rest.slice(1)}`;
    return rest;
  }
  if ('jqx'.includes(initial) && rest.startsWith('u')) return `ü${rest.slice(1)}`;
  if ('zh ch sh r z c s'.split(' ').includes(initial) && rest === 'i') return '';
  if (rest === 'iu') return 'iou';
  if (rest === 'ui') return 'uei';
  if (rest === 'un') return 'uen';
  return rest;
}

function zhuyinFinal(final: string): string | null {
  if (final === 'ong') return 'ㄨㄥ';
  if (final === 'iong') return 'ㄩㄥ';
  const medial = ZHUYIN_MEDIAL[final[0] ?? ''];
  if (!medial) return ZHUYIN_RHYME[final] ?? null;
  const rest = final.slice(1);
  // After a medial: i-n, i-ng, ü-n are ㄧㄣ, ㄧㄥ, ㄩㄣ; the e of ie, üe is ㄝ.
  const tail = rest === 'n' ? 'ㄣ' : rest === 'ng' ? 'ㄥ' : rest === 'e' ? 'ㄝ' : ZHUYIN_RHYME[rest];
  return tail === undefined ? null : medial + tail;
}

/** One syllable in zhuyin: "zhong1" → "ㄓㄨㄥ", "lu:4" → "ㄌㄩˋ", "ma5" → "˙ㄇㄚ"; null if it is not one. */
export function zhuyinSyllable(numbered: string): string | null {
  const m = SYLLABLE.exec(numbered);
  if (!m) return null;
  const letters = withUmlaut(m[1]!).toLowerCase();
  const tone = Number(m[2]) as Tone;
  let body = ZHUYIN_NASAL[letters] ?? null;
  if (body === null) {
    const initial = INITIALS.find((i) => letters.startsWith(i) && letters.length > i.length) ?? '';
    const final = zhuyinFinal(finalOf(initial, letters.slice(initial.length)));
    if (final === null || (initial === '' && final === '')) return null;
    body = (initial ? ZHUYIN_INITIAL[initial]! : '') + final;
  }
  return tone === 5 ? `˙${body}` : body + ZHUYIN_TONE[tone - 1];
}

/** A reading split into syllables and other tokens, each tone-marked, in zhuyin and with its tone. */
export function parseReading(reading: string): PinyinSyllable[] {
  const tokens = reading.trim().split(/\s+/).filter(Boolean);
  return tokens.map((numbered, i): PinyinSyllable => {
    // CC-CEDICT's "xx5" marks a character whose reading it does not know.
    if (/^xx5$/i.test(numbered)) return { numbered, marked: '?', zhuyin: '?', tone: null, joined: false };
    const marked = markSyllable(numbered);
    if (marked === null) return { numbered, marked: numbered, zhuyin: numbered, tone: null, joined: false };
    const tone = Number(numbered.at(-1)) as Tone;
    const erhua = /^r5$/i.test(numbered) && i > 0;
    // In zhuyin the erhua ㄦ takes no neutral-tone dot.
    const zhuyin = erhua ? 'ㄦ' : (zhuyinSyllable(numbered) ?? marked);
    return { numbered, marked, zhuyin, tone, joined: erhua };
  });
}

export const READING_STYLES = ['marks', 'zhuyin', 'numbers'] as const;
export type ReadingStyle = (typeof READING_STYLES)[number];

/** The syllables as one string, spaced as the dictionary spaces them, erhua written on. */
export function formatSyllables(syllables: readonly PinyinSyllable[], style: ReadingStyle): string {
  const text = (s: PinyinSyllable) => (style === 'marks' ? s.marked : style === 'zhuyin' ? s.zhuyin : s.numbered);
  const glued = (s: PinyinSyllable) => s.joined && style !== 'numbers';
  return syllables.reduce((out, s, i) => out + (i === 0 || glued(s) ? '' : ' ') + text(s), '');
}

/** A numbered reading in the given style: "yi1 dian3 r5" → "yī diǎnr" / "ㄧ ㄉㄧㄢˇㄦ". */
export function formatReading(reading: string, style: ReadingStyle = 'marks'): string {
  return formatSyllables(parseReading(reading), style);
}

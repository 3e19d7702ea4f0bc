// How common a word is, in bands a learner understands, from word-frequency lists shipped as
// assets (built by scripts/frequency-asset.ts): SUBTLEX-US for English, SUBTLEX-CH for Chinese,
// both counts of film subtitles, so the bands mean the same in both; HSK levels for Chinese.

/**
 * Bands by Zipf value (log10 of occurrences per billion words; van Heuven et al. 2014, where 1–3
 * is low and 4–7 high frequency): band 1 holds the few hundred most common words.
 */
export const FREQUENCY_BANDS = [
  { band: 1, minZipf: 5.5, label: 'very common' },
  { band: 2, minZipf: 4.5, label: 'common' },
  { band: 3, minZipf: 3.5, label: 'less common' },
  { band: 4, minZipf: 2.5, label: 'rare' },
  { band: 5, minZipf: -Infinity, label: 'very rare' },
] as const;

export type FrequencyBand = (typeof FREQUENCY_BANDS)[number]['band'];

/** The shipped list of one language. */
export interface FrequencyAsset {
  v: 1;
  lang: 'en' | 'zh';
  /** Where the counts come from, for the About text. */
  source: string;
  /** Band 1 to 5, each its words joined by "\n" (English lowercase). */
  bands: string[];
  /** HSK (2.0) levels 1 to 6, each its words joined by "\n"; Chinese only. */
  hsk?: string[];
}

export const FREQUENCY_ASSET_DIR = 'frequency';

/** Zipf value of a count in a corpus of `corpusWords` words. */
export function zipf(count: number, corpusWords: number): number {
  return Math.log10((count / corpusWords) * 1e9);
}

export function bandOf(zipfValue: number): FrequencyBand {
  return FREQUENCY_BANDS.find((b) => zipfValue >= b.minZipf)!.band;
}

export interface WordLevel {
  /** Null: not in the list (rarer than every listed word, or a name). */
  band: FrequencyBand | null;
  /** HSK level 1–6, null when the word is not in the HSK vocabulary (or not Chinese). */
  hsk: number | null;
}

export interface FrequencyLookup {
  level(word: string): WordLevel;
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function isFrequencyAsset(value: unknown): value is FrequencyAsset {
  return (
    isRecord(value) &&
    value.v === 1 &&
    (value.lang === 'en' || value.lang === 'zh') &&
    typeof value.source === 'string' &&
    isStrings(value.bands) &&
    value.bands.length === FREQUENCY_BANDS.length &&
    (value.hsk === undefined || isStrings(value.hsk))
  );
}

function levels(lists: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  lists.forEach((list, i) => {
    for (const word of list.split('\n')) if (word && !out.has(word)) out.set(word, i + 1);
  });
  return out;
}

export function frequencyLookup(asset: FrequencyAsset): FrequencyLookup {
  const bands = levels(asset.bands);
  const hsk = levels(asset.hsk ?? []);
  const key = (word: string) => (asset.lang === 'en' ? word.trim().toLowerCase() : word.trim());
  return {
    level: (word) => ({ band: (bands.get(key(word)) as FrequencyBand | undefined) ?? null, hsk: hsk.get(key(word)) ?? null }),
  };
}

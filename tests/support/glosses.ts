// The dictionaries as the extension ships them, read from the build's asset folders in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookupChinese } from '@/models/host/tools/sense/glosses/cedict';
import type { Gloss } from '@/models/host/tools/sense/glosses/types';
import { lookupEnglish } from '@/models/host/tools/sense/glosses/wordnet';
import type { Lang } from '@/models/shared/protocol';
import { cedictGlossDir } from '../../scripts/cedict-gloss-asset';
import { wordnetDir } from '../../scripts/wordnet-asset';
import { cedictReverseDir } from '../../scripts/cedict-reverse-asset';
import { frequencyDir } from '../../scripts/frequency-asset';
import { loadCompactDict } from '../../scripts/cedict-asset';
import { chineseDict } from '@/models/shared/dict/chinese-dict';
import { frequencyLookup, isFrequencyAsset } from '@/models/shared/words/frequency';
import { lookupEquivalents } from '@/models/host/tools/sense/glosses/reverse-index';
import type { ReadingAids } from '@/models/host/tools/sense/reading-aids';

export async function nodeGlossLookup(): Promise<(word: string, lang: Lang) => Promise<Gloss[]>> {
  const [wordnet, cedict] = await Promise.all([wordnetDir(), cedictGlossDir()]);
  const loader = (dir: string) => async (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
  return (word, lang) => (lang === 'zh' ? lookupChinese(word, loader(cedict)) : lookupEnglish(word, loader(wordnet)));
}

/** The reading aids as the extension ships them (reverse CC-CEDICT, frequency lists, character readings), read in Node. */
export async function nodeReadingAids(): Promise<ReadingAids> {
  const [reverse, frequency, dict] = await Promise.all([cedictReverseDir(), frequencyDir(), loadCompactDict()]);
  const lookup = chineseDict(dict);
  const levels = new Map<Lang, ReturnType<typeof frequencyLookup>>();
  for (const lang of ['en', 'zh'] as const) {
    const asset: unknown = JSON.parse(readFileSync(join(frequency, `${lang}.json`), 'utf8'));
    if (!isFrequencyAsset(asset)) throw new Error(`${lang}.json is not a frequency asset`);
    levels.set(lang, frequencyLookup(asset));
  }
  const reverseLoader = async (name: string) => JSON.parse(readFileSync(join(reverse, `${name}.json`), 'utf8')) as unknown;
  return {
    charactersReading: async (word) => lookup.pinyin(lookup.toSimplified(word)),
    equivalents: (word) => lookupEquivalents(word, reverseLoader),
    level: async (word, lang) => levels.get(lang)?.level(word) ?? null,
  };
}

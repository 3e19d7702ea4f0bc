// The dictionaries as the extension ships them, read from the build's asset folders in Node.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lookupChinese } from '@/models/host/tools/sense/glosses/cedict';
import type { Gloss } from '@/models/host/tools/sense/glosses/types';
import { lookupEnglish } from '@/models/host/tools/sense/glosses/wordnet';
import type { Lang } from '@/models/shared/protocol';
import { cedictGlossDir } from '../../scripts/cedict-gloss-asset';
import { wordnetDir } from '../../scripts/wordnet-asset';

export async function nodeGlossLookup(): Promise<(word: string, lang: Lang) => Promise<Gloss[]>> {
  const [wordnet, cedict] = await Promise.all([wordnetDir(), cedictGlossDir()]);
  const loader = (dir: string) => async (name: string) => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as unknown;
  return (word, lang) => (lang === 'zh' ? lookupChinese(word, loader(cedict)) : lookupEnglish(word, loader(wordnet)));
}

// The dictionaries shipped with the extension (wordnet/, cedict-gloss/), fetched a shard at a
// time and kept per context, the most recently used few.
import { browser } from 'wxt/browser';
import { CEDICT_GLOSS_ASSET_DIR, lookupChinese } from './cedict';
import type { Gloss, ShardLoader } from './types';
import { lookupEnglish } from './wordnet';
import { WORDNET_ASSET_DIR } from './wordnet-shard';
import { CEDICT_REVERSE_ASSET_DIR, type Equivalent, lookupEquivalents } from './reverse-index';
import { FREQUENCY_ASSET_DIR, type FrequencyLookup, frequencyLookup, isFrequencyAsset, type WordLevel } from '../../../../shared/words/frequency';

/** Shards kept parsed (a few hundred kB of JSON each). */
const KEEP = 24;

const shards = new Map<string, Promise<unknown>>();

function fetchShard(path: string): Promise<unknown> {
  const cached = shards.get(path);
  if (cached) {
    shards.delete(path);
    shards.set(path, cached);
    return cached;
  }
  const loading = fetch(browser.runtime.getURL(path as '/')).then((r) => {
    if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
    return r.json() as Promise<unknown>;
  });
  loading.catch(() => shards.get(path) === loading && shards.delete(path));
  shards.set(path, loading);
  for (const oldest of shards.keys()) {
    if (shards.size <= KEEP) break;
    shards.delete(oldest);
  }
  return loading;
}

const loaderFor =
  (dir: string): ShardLoader =>
  (name) =>
    fetchShard(`/${dir}/${name}.json`);

/** An English word's Chinese equivalents from the bundled reverse CC-CEDICT index (cedict-reverse/). */
export function loadEquivalents(word: string): Promise<Equivalent[]> {
  return lookupEquivalents(word, loaderFor(CEDICT_REVERSE_ASSET_DIR));
}

/** A word's frequency band (and HSK level) from the bundled lists (frequency/en.json, zh.json). */
export async function loadWordLevel(word: string, lang: 'en' | 'zh'): Promise<WordLevel> {
  const asset = await fetchShard(`/${FREQUENCY_ASSET_DIR}/${lang}.json`);
  if (!isFrequencyAsset(asset) || asset.lang !== lang) throw new Error(`The ${lang} frequency asset is damaged`);
  let lookup = levelLookups.get(asset);
  if (!lookup) levelLookups.set(asset, (lookup = frequencyLookup(asset)));
  return lookup.level(word);
}
const levelLookups = new WeakMap<object, FrequencyLookup>();

export function loadGlosses(word: string, lang: 'en' | 'zh'): Promise<Gloss[]> {
  return lang === 'zh' ? lookupChinese(word, loaderFor(CEDICT_GLOSS_ASSET_DIR)) : lookupEnglish(word, loaderFor(WORDNET_ASSET_DIR));
}

// The dictionaries shipped with the extension (wordnet/, cedict-gloss/), fetched a shard at a
// time and kept per context, the most recently used few.
import { browser } from 'wxt/browser';
import { CEDICT_GLOSS_ASSET_DIR, lookupChinese } from './cedict';
import type { Gloss, ShardLoader } from './types';
import { lookupEnglish } from './wordnet';
import { WORDNET_ASSET_DIR } from './wordnet-shard';

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

export function loadGlosses(word: string, lang: 'en' | 'zh'): Promise<Gloss[]> {
  return lang === 'zh' ? lookupChinese(word, loaderFor(CEDICT_GLOSS_ASSET_DIR)) : lookupEnglish(word, loaderFor(WORDNET_ASSET_DIR));
}

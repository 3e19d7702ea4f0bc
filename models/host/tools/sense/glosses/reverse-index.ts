// Chinese equivalents of an English word, from CC-CEDICT read backwards: the English items of
// its definitions ("bank; shore; beach") as keys, built into shards by
// scripts/cedict-reverse-asset.ts. An item that is the word itself ("bank") is an exact match;
// a short item that contains it ("river bank") a partial one, listed after every exact match.
import { loadChecked, own } from './shards';
import type { Gloss, ShardLoader } from './types';
import { contentWords } from './words';
import { lemmasOf } from '../../../../shared/text/occurrences';

export const CEDICT_REVERSE_ASSET_DIR = 'cedict-reverse';
export const CEDICT_REVERSE_SHARDS = 64;
/** Longer definitions are cut (with "…"): the whole entry is in the gloss asset. */
export const MAX_DEFINITION = 80;

export const EXACT = 0;
export const PARTIAL = 1;
export type MatchKind = typeof EXACT | typeof PARTIAL;

/**
 * [simplified, traditional ("" when the same), numbered pinyin, the definition it was found by
 * (one CC-CEDICT sense, cut at MAX_DEFINITION characters), match kind].
 */
export type ReversePosting = [string, string, string, string, MatchKind];

export interface CedictReverseShard {
  v: 1;
  /** English key (lowercase) → entries, best first: exact, main sense, frequent, short. */
  w: Record<string, ReversePosting[]>;
}

/** Longest item that is a key itself ("go on foot"); longer ones are descriptions. */
export const MAX_EXACT_WORDS = 3;
/** Longest item whose words are partial keys ("to put money in" is not one). */
export const MAX_PARTIAL_WORDS = 4;

// Items that point elsewhere or label rather than translate.
const NOT_A_TRANSLATION =
  /^(?:(?:old |archaic |ancient )?variant of|used in|see |see also|abbr\.? (?:for|of|to)|cl:|classifier for|surname|also written|also pr\.|pr\.|(?:japanese|korean) variant|erhua variant)/i;

export interface EnglishKey {
  key: string;
  kind: MatchKind;
}

/** An item of a definition as a key: labels, pinyin and a leading "to"/article dropped, lowercase. */
export function itemKey(item: string): string | null {
  if (NOT_A_TRANSLATION.test(item.trim())) return null;
  const bare = item
    .replace(/\([^)]*\)|\[[^\]]*\]/g, ' ')
    .replace(/[^\p{L}\p{N}'\- ]/gu, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^(?:to|a|an|the) (?=\S)/, '');
  return /\p{L}/u.test(bare) ? bare : null;
}

/** The keys one definition is found under: each short item exactly, its words partially. */
export function englishKeys(definition: string): EnglishKey[] {
  const keys = new Map<string, MatchKind>();
  for (const item of definition.split(';')) {
    const key = itemKey(item);
    const words = key?.split(' ') ?? [];
    if (!key || words.length > MAX_PARTIAL_WORDS) continue;
    if (words.length <= MAX_EXACT_WORDS) keys.set(key, EXACT);
    if (words.length < 2) continue;
    for (const word of contentWords(key)) if (!keys.has(word)) keys.set(word, PARTIAL);
  }
  return [...keys].map(([key, kind]) => ({ key, kind }));
}

/** FNV-1a of the key's UTF-16 units: English keys share first letters too unevenly to shard by. */
export function reverseShard(key: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return String(hash % CEDICT_REVERSE_SHARDS).padStart(2, '0');
}

const isPosting = (p: unknown): p is ReversePosting =>
  Array.isArray(p) && p.length === 5 && p.slice(0, 4).every((s) => typeof s === 'string') && (p[4] === EXACT || p[4] === PARTIAL);

export function isCedictReverseShard(value: unknown): value is CedictReverseShard {
  const v = value as CedictReverseShard | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.v === 1 &&
    typeof v.w === 'object' &&
    v.w !== null &&
    Object.values(v.w).every((postings) => Array.isArray(postings) && postings.every(isPosting))
  );
}

/** A Chinese equivalent: a gloss (the sense tool ranks it like any other) with its match. */
export interface Equivalent extends Gloss {
  traditional: string;
  /** The definition is the word itself ("bank"), or a short phrase with it ("river bank"). */
  match: 'exact' | 'partial';
}

/**
 * The Chinese words that translate an English word (or a base form of it: "banks" → "bank"),
 * one gloss per word and reading, exact matches first, then in the asset's order. The gloss's
 * text is the English definition it was found by, so the sense tool can rank it by context.
 */
export async function lookupEquivalents(word: string, loadShard: ShardLoader, limit = 24): Promise<Equivalent[]> {
  const form = itemKey(word);
  if (!form) return [];
  const keys = [...new Set([form, ...(form.includes(' ') ? [] : lemmasOf(form))])];
  const found: { posting: ReversePosting; key: string; order: number }[] = [];
  for (const key of keys) {
    const shard = await loadChecked(loadShard, reverseShard(key), isCedictReverseShard, 'CC-CEDICT reverse index');
    for (const posting of own(shard.w, key) ?? []) found.push({ posting, key, order: found.length });
  }
  found.sort((a, b) => a.posting[4] - b.posting[4] || a.order - b.order);
  const seen = new Set<string>();
  const glosses: Equivalent[] = [];
  for (const {
    posting: [simplified, traditional, reading, text, kind],
    key,
  } of found) {
    const id = `${simplified}\u0000${reading.toLowerCase()}`;
    if (seen.has(id)) continue;
    seen.add(id);
    glosses.push({
      id: `cc-cedict-en:${key}:${simplified}:${glosses.length + 1}`,
      source: 'cc-cedict',
      headword: simplified,
      reading,
      text,
      examples: [],
      synonyms: [],
      traditional: traditional || simplified,
      match: kind === EXACT ? 'exact' : 'partial',
    });
    if (glosses.length >= limit) break;
  }
  return glosses;
}

// English senses from the bundled WordNet: the base forms found as WordNet's morphy does
// (irregular forms from the exception lists, else the regular detachment rules), then every
// sense of each, most frequent first: the form itself, then its base forms.
import { loadChecked, own } from './shards';
import type { Gloss, ShardLoader } from './types';
import { isWordnetIndex, isWordnetShard, shardOf, WORDNET_INDEX, WORDNET_POS, type WordnetPos, type WordnetShard, wordnetForm } from './wordnet-shard';

// morphy's suffix table, with NLTK's addition of -ves → -f for nouns.
const RULES: Record<WordnetPos, [string, string][]> = {
  n: [
    ['s', ''],
    ['ses', 's'],
    ['ves', 'f'],
    ['xes', 'x'],
    ['zes', 'z'],
    ['ches', 'ch'],
    ['shes', 'sh'],
    ['men', 'man'],
    ['ies', 'y'],
  ],
  v: [
    ['s', ''],
    ['ies', 'y'],
    ['es', 'e'],
    ['es', ''],
    ['ed', 'e'],
    ['ed', ''],
    ['ing', 'e'],
    ['ing', ''],
  ],
  a: [
    ['er', ''],
    ['est', ''],
    ['er', 'e'],
    ['est', 'e'],
  ],
  r: [],
};

/** The form itself and the base forms it may be an inflection of, for one part of speech (unchecked). */
export function baseCandidates(form: string, pos: WordnetPos, exceptions: WordnetShard['x']): string[] {
  const irregular = (own(exceptions, form) ?? []).filter(([p]) => p === pos).map(([, base]) => base);
  // As in morphy, a form on the exception list is not also put through the rules.
  const regular =
    irregular.length > 0
      ? irregular
      : RULES[pos].filter(([suffix]) => form.length > suffix.length && form.endsWith(suffix)).map(([suffix, ending]) => form.slice(0, -suffix.length) + ending);
  return [...new Set([form, ...regular])];
}

/** The form itself, then its possible base forms, each with the parts of speech it may have. */
export function basesOf(form: string, exceptions: WordnetShard['x']): Map<string, Set<WordnetPos>> {
  const bases = new Map<string, Set<WordnetPos>>();
  for (const pos of WORDNET_POS) {
    for (const base of baseCandidates(form, pos, exceptions)) {
      if (!bases.has(base)) bases.set(base, new Set());
      bases.get(base)!.add(pos);
    }
  }
  return bases;
}

export async function lookupEnglish(word: string, loadShard: ShardLoader): Promise<Gloss[]> {
  const form = wordnetForm(word);
  if (!form) return [];
  const index = await loadChecked(loadShard, WORDNET_INDEX, isWordnetIndex, 'WordNet');
  const names = new Set(index.shards);
  const shards = new Map<string, Promise<WordnetShard>>();
  const shardFor = async (lemma: string): Promise<WordnetShard | null> => {
    const name = shardOf(lemma, names);
    if (!name) return null;
    if (!shards.has(name)) shards.set(name, loadChecked(loadShard, name, isWordnetShard, 'WordNet'));
    return shards.get(name)!;
  };
  const glosses: Gloss[] = [];
  const seen = new Set<string>();
  for (const [base, parts] of basesOf(form, (await shardFor(form))?.x ?? {})) {
    const shard = await shardFor(base);
    if (!shard) continue;
    const headword = base.replace(/_/g, ' ');
    const numbers = { n: 0, v: 0, a: 0, r: 0 };
    for (const i of own(shard.w, base) ?? []) {
      const [pos, text, examples, words] = shard.s[i]!;
      const number = ++numbers[pos];
      const key = `${pos}\u0000${text}`;
      if (!parts.has(pos) || seen.has(key)) continue;
      seen.add(key);
      glosses.push({
        id: `wordnet:${base}:${pos}:${number}`,
        source: 'wordnet',
        headword,
        pos,
        text,
        examples,
        synonyms: words.filter((w) => w.toLowerCase() !== headword),
      });
    }
  }
  return glosses;
}

// Ordering a word's dictionary senses by how well they fit one use of it: by similarity of
// vectors (computed by the host from glossTarget), or by the words a sense shares with the
// substitutes the masked LM predicted there (Lesk).
import { LIMITS } from '../../../../shared/protocol';
import type { Target } from '../embed';
import { lemmasOf } from '../../../../shared/text/occurrences';
import type { Gloss, GlossMethod, RankedGloss } from './types';
import { contentWords, meets, stemSet } from './words';

/**
 * The glosses by score, highest first, ties in dictionary order; `dictionary-order` ignores
 * the scores. At most `limit` are returned.
 */
export function rankGlosses(glosses: readonly Gloss[], scores: readonly number[], method: GlossMethod, limit: number = LIMITS.glosses): RankedGloss[] {
  if (method !== 'dictionary-order' && scores.length !== glosses.length) {
    throw new RangeError(`${scores.length} scores for ${glosses.length} glosses`);
  }
  const key = (i: number) => (Number.isNaN(scores[i]) ? -Infinity : scores[i]!);
  const order = glosses.map((_, i) => i);
  if (method !== 'dictionary-order') order.sort((a, b) => key(b) - key(a) || a - b);
  return order.slice(0, Math.max(0, limit)).map((i, k) => ({ ...glosses[i]!, score: scores[i] ?? 0, rank: k + 1 }));
}

const WORDS = /\p{L}+/gu;

/** The first word of the examples that is one of `forms` (or inflects one), with its example. */
function findUse(examples: readonly string[], forms: ReadonlySet<string>): { text: string; at: number; length: number } | null {
  for (const text of examples) {
    for (const m of text.matchAll(WORDS)) {
      if ([...lemmasOf(m[0])].some((l) => forms.has(l))) return { text, at: m.index, length: m[0].length };
    }
  }
  return null;
}

/**
 * The text to embed for a gloss, with the word's offsets. Best is an example that uses the
 * word (or an inflection of it or of the headword): a real context like the page's. Next, an
 * example that uses a one-word synonym, the word put in its place ("She deposits her
 * paycheck" → "She bank her paycheck"): masked, it is the same context. Otherwise the
 * GlossBERT-style "word: definition", where the definition is the word's context.
 */
export function glossTarget(gloss: Gloss, word: string): Target {
  const own = findUse(gloss.examples, new Set([...lemmasOf(word), ...lemmasOf(gloss.headword)]));
  if (own) return { text: own.text, start: own.at, end: own.at + own.length };
  const synonyms = new Set(gloss.synonyms.filter((s) => /^\p{L}+$/u.test(s)).map((s) => s.toLowerCase()));
  const other = synonyms.size > 0 ? findUse(gloss.examples, synonyms) : null;
  if (other) {
    return { text: other.text.slice(0, other.at) + word + other.text.slice(other.at + other.length), start: other.at, end: other.at + word.length };
  }
  return { text: `${word}: ${gloss.text}`, start: 0, end: word.length };
}

/** A gloss's content words (definition, synonyms, examples) as stems, the headword's own left out. */
function glossStems(gloss: Gloss): Set<string> {
  const stems = stemSet([gloss.text, ...gloss.synonyms, ...gloss.examples].flatMap(contentWords));
  for (const own of lemmasOf(gloss.headword)) stems.delete(own);
  return stems;
}

/**
 * Lesk-style overlap of each gloss with the substitutes, most probable first: each substitute
 * adds 1/(rank + 1) times the share of its words found in the gloss. A substitute's words are
 * its own English words plus those of `translate(substitute)`, its own dictionary senses
 * (for Chinese substitutes, whose CC-CEDICT senses are English).
 */
export function substituteOverlapScores(glosses: readonly Gloss[], substitutes: readonly string[], translate?: (word: string) => Gloss[]): number[] {
  const bags = glosses.map(glossStems);
  const words = substitutes.map((s) => [
    ...new Set([...contentWords(s), ...(translate?.(s) ?? []).flatMap((g) => [g.text, ...g.synonyms].flatMap(contentWords))]),
  ]);
  return bags.map((bag) => words.reduce((sum, ws, rank) => (ws.length === 0 ? sum : sum + ws.filter((w) => meets(w, bag)).length / ws.length / (rank + 1)), 0));
}

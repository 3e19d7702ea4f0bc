// The word-sense tool: the selected use first (substitutes at once), then every other use on the
// page in a few passes (embed.ts `passSize`), each masked, yielding both its predictions and all
// hidden states; ELMo-mixed vectors are clustered into senses, and dictionary glosses ranked by context.
import type { LoadedModel } from '../../lm/loader';
import { hiddenStatesOf } from '../../lm/logits';
import type { Gloss } from './glosses/types';
import { glossTarget, rankGlosses, substituteOverlapScores } from './glosses/rank';
import {
  type GlossOut,
  type Lang,
  type OccurrenceSpan,
  type ResultOf,
  type Scored,
  type SenseCluster,
  LIMITS,
  throwIfCancelled,
} from '../../../shared/protocol';
import { clusterSenses, cosineMatrix, labelClusters } from './cluster';
import { embedTargets, paddingBuckets, passSize, sparseRow, substituteVectors, type Target, type TargetVectors } from './embed';
import { defaultLayerWeights, mixLayers } from './layer-mix';
import { type CachedOccurrence, VectorCache } from './vector-cache';
import { windowAround } from '../../../shared/text/context';
import { CONTEXT_CHARS, substitutesFromRows } from './substitutes';
import { originalLogProb, probabilityOf, type ReadingAids } from './reading-aids';
import { readingForSense, type SenseRanking } from './reading';
import { span } from '../../../shared/spans';
import { EventYield } from '../../lm/event-yield';

export interface SenseQuery {
  text: string;
  start: number;
  end: number;
  lang: Lang;
  topK: number;
  occurrences?: readonly OccurrenceSpan[];
  selected?: number;
  layerWeights?: readonly number[];
  glosses?: boolean;
}

export interface SenseProgress {
  word: string;
  substitutes: Scored[];
  done: number;
  total: number;
  /** The senses, sent before the glosses are ranked (which takes more passes). */
  clusters?: SenseCluster[];
}

export interface SenseDeps {
  cache: VectorCache;
  /** Identifies model, dtype and device in cache keys. */
  modelKey: string;
  signal?: AbortSignal;
  onProgress?: (p: SenseProgress) => void;
  /** Dictionary entries of a word (the bundled WordNet / CC-CEDICT). */
  lookupGlosses?: (word: string, lang: Lang) => Promise<Gloss[]>;
  /** Uses per forward pass (default: embed.ts `passSize`). */
  batchSize?: number;
  /** Readings, Chinese equivalents and levels (reading-aids.ts). */
  aids?: ReadingAids;
}

type SenseOut = Omit<ResultOf<'sense'>, 'type' | 'lang' | 'model' | 'backend'>;

const LABEL_WORDS = 5;
/** Substitutes kept for the selected use (the most a request may ask for). */
const SELECTED_SUBSTITUTES = 50;

export async function lookUpSense(lm: LoadedModel, q: SenseQuery, deps: SenseDeps): Promise<SenseOut> {
  // Each update goes out before the next pass starts (event-yield.ts).
  const events = new EventYield();
  try {
    return await senseOf(lm, q, deps, async (p) => {
      deps.onProgress?.(p);
      await events.next();
    });
  } finally {
    events.close();
  }
}

async function senseOf(lm: LoadedModel, q: SenseQuery, deps: SenseDeps, progress: (p: SenseProgress) => Promise<void>): Promise<SenseOut> {
  const names = hiddenStatesOf(lm);
  const mix = mixerFor(names.length, q.layerWeights);
  const embed = (targets: Target[], keep = LABEL_WORDS * 2): Promise<CachedOccurrence[]> => embedUses(lm, targets, q.lang, mix, keep, deps);

  const win = windowAround(q.text, q.start, q.end, CONTEXT_CHARS);
  const selected = trimTarget({ text: win.text, start: win.start, end: win.end });
  const word = selected.text.slice(selected.start, selected.end);
  const [first] = await cachedEmbed([selected], (t) => embed(t, SELECTED_SUBSTITUTES), deps, q.lang, `${mix.key}|top${SELECTED_SUBSTITUTES}`);
  // The selected use may come back as one of the page's uses (same sentence): serve it from here.
  deps.cache.set(VectorCache.key(deps.modelKey, q.lang, mix.key, selected), first!);
  const substitutes = first!.substitutes.slice(0, q.topK);
  const occurrences = q.occurrences ?? [];
  const total = occurrences.length;
  const others = occurrences.map((o, i) => ({ o, i })).filter(({ i }) => i !== q.selected);
  span('sense:substitutes');
  await progress({ word, substitutes, done: total - others.length, total });

  const uses: CachedOccurrence[] = new Array(total);
  if (q.selected !== undefined && q.selected < total) uses[q.selected] = first!;
  let cached = 0;
  let done = total - others.length;
  // A pass's texts by count here; embedTargets keeps each pass within the encoder's token budget.
  for (const bucket of paddingBuckets(
    others.map(({ o }) => o.text.length),
    deps.batchSize ?? passSize(lm).texts,
  )) {
    throwIfCancelled(deps.signal);
    const items = bucket.map((b) => others[b]!);
    const vectors = await cachedEmbed(
      items.map(({ o }) => trimTarget(o)),
      embed,
      deps,
      q.lang,
      mix.key,
      (hit) => (cached += hit ? 1 : 0),
    );
    items.forEach(({ i }, k) => (uses[i] = vectors[k]!));
    done += items.length;
    await progress({ word, substitutes, done, total });
  }

  const out: SenseOut = { word, substitutes };
  if (total > 0) {
    const vectors = mix.layers > 0 ? uses.map((u) => u.vector!) : substituteVectors(uses.map((u) => u.masks));
    const clustering = clusterSenses(vectors);
    const labels = labelClusters(
      clustering.clusters,
      uses.map((u) => u.substitutes.map((x) => x.text)),
      { size: LABEL_WORDS, ...(q.selected !== undefined ? { selected: q.selected } : {}) },
    );
    out.clusters = labels.slice(0, 16).map((l) => ({ label: l.label, members: l.members, selected: l.selected }));
    out.vectors = {
      method: mix.layers > 0 ? 'layer-mix' : 'substitutes',
      hiddenStates: mix.layers,
      cached,
      ...(mix.note ? { note: mix.note } : {}),
    };
    // The senses show now; ranking the glosses embeds their sentences too.
    await progress({ word, substitutes, done, total, clusters: out.clusters });
  } else if (mix.note) {
    out.vectors = { method: mix.layers > 0 ? 'layer-mix' : 'substitutes', hiddenStates: mix.layers, cached: 0, note: mix.note };
  }

  const rank = (glosses: Gloss[]) => rankByContext(glosses, word, q.lang, first!, substitutes, embed, deps, mix.layers > 0, mix.key);
  if (q.glosses !== false) Object.assign(out, await dictionaryParts(word, q.lang, rank, deps));
  const level = await levelOf(word, q.lang, first!, deps);
  if (level) out.level = level;
  return out;
}

/** Glosses ranked by context; for Chinese the reading, for English the Chinese equivalents, ranked the same way. */
async function dictionaryParts(
  word: string,
  lang: Lang,
  rank: (glosses: Gloss[]) => Promise<SenseRanking>,
  deps: SenseDeps,
): Promise<Pick<SenseOut, 'glosses' | 'glossMethod' | 'reading' | 'equivalents' | 'equivalentMethod'>> {
  const out: Pick<SenseOut, 'glosses' | 'glossMethod' | 'reading' | 'equivalents' | 'equivalentMethod'> = {};
  const glosses = deps.lookupGlosses ? await deps.lookupGlosses(word, lang) : [];
  const ranking = glosses.length > 0 ? await rank(glosses) : null;
  if (ranking) {
    out.glosses = ranking.ranked.slice(0, LIMITS.glosses).map(toGlossOut);
    out.glossMethod = ranking.method;
  }
  const aids = deps.aids;
  // A reading aid whose asset fails leaves its part out; the senses still come.
  if (lang === 'zh' && aids?.charactersReading) {
    const reading = readingForSense(glosses, ranking, await aids.charactersReading(word).catch(() => null));
    if (reading) out.reading = reading;
  }
  if (lang === 'en' && aids?.equivalents) {
    const equivalents = await aids.equivalents(word).catch(() => []);
    if (equivalents.length > 0) {
      const ranked = await rank(equivalents);
      out.equivalents = ranked.ranked.slice(0, LIMITS.glosses).map(toGlossOut);
      out.equivalentMethod = ranked.method;
    }
  }
  return out;
}

/** How common the word is, and how expected at this place (the model's probability of it). */
async function levelOf(word: string, lang: Lang, use: CachedOccurrence, deps: SenseDeps): Promise<SenseOut['level']> {
  const listed = deps.aids?.level ? await deps.aids.level(word, lang).catch(() => null) : null;
  const predicted = probabilityOf(use.original);
  if (!listed && predicted === undefined) return undefined;
  return { band: listed?.band ?? null, hsk: listed?.hsk ?? null, ...(predicted !== undefined ? { predicted } : {}) };
}

interface Mixer {
  layers: number;
  weights: number[];
  /** Part of cache keys: vectors mixed with other weights are other vectors. */
  key: string;
  note?: string;
}

function mixerFor(hiddenStates: number, configured: readonly number[] | undefined): Mixer {
  if (hiddenStates === 0) {
    return {
      layers: 0,
      weights: [],
      key: 'substitutes',
      note: 'This model’s graph could not be mapped to its layers: senses are grouped by predicted substitutes.',
    };
  }
  if (configured && configured.length !== hiddenStates) {
    const weights = defaultLayerWeights(hiddenStates);
    return {
      layers: hiddenStates,
      weights,
      key: weights.join(','),
      note: `The layer weights in Settings are for ${configured.length} hidden states; this model has ${hiddenStates}, so the default mix is used.`,
    };
  }
  const weights = configured ? [...configured] : defaultLayerWeights(hiddenStates);
  return { layers: hiddenStates, weights, key: weights.join(',') };
}

async function embedUses(lm: LoadedModel, targets: Target[], lang: Lang, mix: Mixer, keep: number, deps: SenseDeps): Promise<CachedOccurrence[]> {
  const vectors: TargetVectors[] = await embedTargets(lm, targets, {
    lang,
    mask: true,
    ...(deps.batchSize ? { batchSize: deps.batchSize } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  return vectors.map((v, i) => {
    const t = targets[i]!;
    const word = t.text.slice(t.start, t.end);
    return {
      vector: mix.layers > 0 ? mixLayers(v.layers, { weights: mix.weights }) : null,
      masks: v.maskLogProbs.map((row) => sparseRow(row, 50)),
      substitutes: substitutesFromRows(lm, v.maskLogProbs, word, lang, keep),
      original: originalLogProb(lm.tokenizer.encode(word.trim(), { add_special_tokens: false }), v.maskLogProbs),
    };
  });
}

/** Embeds only the targets the cache does not have; `counted(hit)` is told about each target. */
async function cachedEmbed(
  targets: Target[],
  embed: (targets: Target[]) => Promise<CachedOccurrence[]>,
  deps: SenseDeps,
  lang: Lang,
  weights: string,
  counted: (hit: boolean) => void = () => {},
): Promise<CachedOccurrence[]> {
  const keys = targets.map((t) => VectorCache.key(deps.modelKey, lang, weights, t));
  const out = keys.map((k) => deps.cache.get(k));
  const missing = out.flatMap((hit, i) => (hit ? [] : [i]));
  out.forEach((hit) => counted(hit !== undefined));
  if (missing.length > 0) {
    const fresh = await embed(missing.map((i) => targets[i]!));
    missing.forEach((i, k) => {
      out[i] = fresh[k]!;
      deps.cache.set(keys[i]!, fresh[k]!);
    });
  }
  return out as CachedOccurrence[];
}

/**
 * Glosses in order of fit. With hidden states (English), each gloss's own sentence is embedded
 * with the word masked, and compared with this use's vector; otherwise (Chinese, whose glosses
 * are English, or no hidden states) by overlap with the substitutes' meanings.
 */
async function rankByContext(
  glosses: Gloss[],
  word: string,
  lang: Lang,
  use: CachedOccurrence,
  substitutes: Scored[],
  embed: (targets: Target[]) => Promise<CachedOccurrence[]>,
  deps: SenseDeps,
  mixed: boolean,
  mixKey: string,
): Promise<SenseRanking> {
  const candidates = glosses.slice(0, LIMITS.glosses * 2);
  let scores: number[];
  let method: NonNullable<SenseOut['glossMethod']>;
  if (lang === 'en' && mixed && use.vector) {
    // Gloss sentences do not depend on the page: cached like uses, so a repeated word costs nothing.
    const embedded = await cachedEmbed(
      candidates.map((g) => glossTarget(g, word)),
      embed,
      deps,
      lang,
      mixKey,
    );
    const sims = cosineMatrix([use.vector, ...embedded.map((e) => e.vector!)])[0]!;
    scores = candidates.map((_, i) => sims[i + 1]!);
    method = 'context-embedding';
  } else {
    const words = substitutes.map((s) => s.text);
    const translations = new Map<string, Gloss[]>();
    if (lang === 'zh' && deps.lookupGlosses) {
      for (const w of words) translations.set(w, await deps.lookupGlosses(w, lang).catch(() => []));
    }
    scores = substituteOverlapScores(candidates, words, lang === 'zh' ? (w) => translations.get(w) ?? [] : undefined);
    method = scores.some((s) => s > 0) ? 'substitute-overlap' : 'dictionary-order';
  }
  // Every candidate ranked: the reading of a polyphone is chosen from all of them.
  return { ranked: rankGlosses(candidates, scores, method, Infinity), method };
}

function toGlossOut(g: Gloss & { score: number; traditional?: string; match?: 'exact' | 'partial' }): GlossOut {
  return {
    ...(g.traditional && g.traditional !== g.headword ? { traditional: g.traditional.slice(0, 200) } : {}),
    ...(g.match ? { match: g.match } : {}),
    source: g.source,
    headword: g.headword.slice(0, 200),
    ...(g.pos ? { pos: g.pos.slice(0, 16) } : {}),
    ...(g.reading ? { reading: g.reading.slice(0, 200) } : {}),
    text: g.text.slice(0, 2000),
    ...(g.examples[0] ? { example: g.examples[0].slice(0, 2000) } : {}),
    synonyms: g.synonyms.slice(0, 12).map((s) => s.slice(0, 200)),
    score: Number.isFinite(g.score) ? g.score : 0,
  };
}

/** Drops whitespace around the word, which a double-click or drag may have picked up. */
function trimTarget(t: Target): Target {
  let { start, end } = t;
  while (start < end && /\s/.test(t.text[start]!)) start++;
  while (end > start && /\s/.test(t.text[end - 1]!)) end--;
  return { text: t.text, start, end };
}

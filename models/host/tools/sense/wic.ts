// Word-in-Context (Pilehvar & Camacho-Collados 2019) as a check of the word-sense vectors:
// parsing the data set, the cosine-threshold decision, and fitting the layer-mix weights w.
//
// A pair's cosine under any mix is computed from its per-layer Gram matrices, so fitting w
// never touches the vectors again: with s = softmax(w) and mix(x) = Σ_i s_i x_i (what
// `mixLayers` computes before normalising), cos = sᵀG_ab s / √(sᵀG_aa s · sᵀG_bb s).
import type { Target } from './embed';
import { softmax } from './layer-mix';

export interface WicPair {
  lemma: string;
  pos: string;
  a: Target;
  b: Target;
  /** Gold: the word has the same sense in both sentences. */
  same: boolean;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * UTF-16 offsets of whitespace token `index` of `sentence`, without punctuation stuck to its
 * ends (WiC is pre-tokenised, but "bank," in hand-written data should still mean "bank").
 */
export function wordSpan(sentence: string, index: number): { start: number; end: number } {
  const tokens = [...sentence.matchAll(/\S+/gu)];
  const token = tokens[index];
  if (!token) throw new Error(`token ${index} is out of range (${tokens.length} tokens)`);
  const chars = token[0];
  let from = 0;
  let to = chars.length;
  while (from < to && !WORD_CHAR.test(chars[from]!)) from++;
  while (to > from && !WORD_CHAR.test(chars[to - 1]!)) to--;
  if (from === to) [from, to] = [0, chars.length];
  return { start: token.index + from, end: token.index + to };
}

function lines(text: string): { line: number; text: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((t, i) => ({ line: i + 1, text: t }))
    .filter((l) => l.text.trim() !== '');
}

/** Pairs from a `*.data.txt` and its `*.gold.txt`; `where` names the split in errors. */
export function parseWic(data: string, gold: string, where = 'WiC'): WicPair[] {
  const labels = lines(gold).map(({ line, text }) => {
    const label = text.trim().toUpperCase();
    if (label !== 'T' && label !== 'F') throw new Error(`${where} gold line ${line}: expected T or F, got "${text.trim()}"`);
    return label === 'T';
  });
  const rows = lines(data);
  if (labels.length !== rows.length) throw new Error(`${where}: ${labels.length} gold labels for ${rows.length} pairs`);
  return rows.map(({ line, text }, n) => {
    const fields = text.split('\t');
    if (fields.length < 5) throw new Error(`${where} line ${line}: expected 5 tab-separated fields, got ${fields.length}`);
    const [lemma, pos, index, s1, s2] = fields.map((f) => f.trim()) as [string, string, string, string, string];
    const m = /^(\d+)(?:-(\d+))?$/.exec(index);
    if (!m) throw new Error(`${where} line ${line}: bad index field "${index}" (want i-j or i)`);
    const i = Number(m[1]);
    const j = Number(m[2] ?? m[1]);
    const target = (sentence: string, k: number): Target => {
      try {
        return { text: sentence, ...wordSpan(sentence, k) };
      } catch (error) {
        throw new Error(`${where} line ${line}: ${(error as Error).message}`);
      }
    };
    return { lemma, pos, a: target(s1, i), b: target(s2, j), same: labels[n]! };
  });
}

// ---------------------------------------------------------------- deciding by a threshold

export interface ThresholdFit {
  /** Same sense when cosine ≥ threshold. */
  threshold: number;
  accuracy: number;
}

/**
 * The threshold with the best accuracy on (scores, labels). Candidates are the midpoints between
 * consecutive distinct scores and one step beyond either end; of equally good ones the lowest
 * wins, so the result depends on neither input order nor floating-point luck.
 */
export function fitThreshold(scores: readonly number[], labels: readonly boolean[]): ThresholdFit {
  if (scores.length !== labels.length) throw new Error(`${scores.length} scores for ${labels.length} labels`);
  if (scores.length === 0) return { threshold: 0, accuracy: 0 };
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  const lowest = scores[order[0]!]!;
  // Threshold below every score: all predicted same.
  let correct = labels.filter(Boolean).length;
  let best = { threshold: lowest - 1e-6, correct };
  for (let k = 0; k < order.length; ) {
    const value = scores[order[k]!]!;
    for (; k < order.length && scores[order[k]!] === value; k++) correct += labels[order[k]!] ? -1 : 1;
    if (correct > best.correct) {
      const next = k < order.length ? scores[order[k]!]! : value + 2e-6;
      best = { threshold: (value + next) / 2, correct };
    }
  }
  return { threshold: best.threshold, accuracy: best.correct / scores.length };
}

export function accuracy(scores: readonly number[], labels: readonly boolean[], threshold: number): number {
  if (scores.length === 0) return 0;
  return scores.filter((s, i) => s >= threshold === labels[i]).length / scores.length;
}

/** ROC AUC: the chance a same-sense pair scores above a different-sense one (ties count half). */
export function rocAuc(scores: readonly number[], labels: readonly boolean[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let k = 0; k < order.length; ) {
    let end = k;
    while (end < order.length && scores[order[end]!] === scores[order[k]!]) end++;
    const midRank = (k + 1 + end) / 2;
    for (let r = k; r < end; r++) {
      if (labels[order[r]!]) {
        positives++;
        rankSum += midRank;
      }
    }
    k = end;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Standardised mean difference d′ of same- over different-sense scores (0 when undefined). */
export function separation(scores: readonly number[], labels: readonly boolean[]): number {
  const stats = (want: boolean) => {
    const xs = scores.filter((_, i) => labels[i] === want);
    const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length || 1);
    return { n: xs.length, mean, variance };
  };
  const t = stats(true);
  const f = stats(false);
  const sd = Math.sqrt((t.variance + f.variance) / 2);
  return t.n && f.n && sd > 0 ? (t.mean - f.mean) / sd : 0;
}

// ---------------------------------------------------------------- cosines under a layer mix

export interface PairGrams {
  /** Hidden states per sentence (embeddings + layers). */
  size: number;
  /** Row-major size×size dot products: a_i·b_j, a_i·a_j, b_i·b_j. */
  ab: Float64Array;
  aa: Float64Array;
  bb: Float64Array;
}

export function pairGrams(a: readonly Float32Array[], b: readonly Float32Array[]): PairGrams {
  if (a.length !== b.length) throw new Error(`${a.length} and ${b.length} hidden states`);
  const n = a.length;
  const gram = (x: readonly Float32Array[], y: readonly Float32Array[]) => {
    const g = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = dot(x[i]!, y[j]!);
    return g;
  };
  return { size: n, ab: gram(a, b), aa: gram(a, a), bb: gram(b, b) };
}

function dot(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) throw new Error('hidden states differ in width');
  let s = 0;
  for (let j = 0; j < x.length; j++) s += x[j]! * y[j]!;
  return s;
}

function quadratic(g: Float64Array, s: readonly number[]): number {
  const n = s.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (s[i] === 0) continue;
    let row = 0;
    for (let j = 0; j < n; j++) row += g[i * n + j]! * s[j]!;
    sum += s[i]! * row;
  }
  return sum;
}

/** Cosine of the two sentences' vectors mixed with the given (already normalised) layer shares. */
export function mixedCosine(g: PairGrams, shares: readonly number[]): number {
  if (shares.length !== g.size) throw new Error(`${shares.length} shares for ${g.size} hidden states`);
  const norms = Math.sqrt(quadratic(g.aa, shares) * quadratic(g.bb, shares));
  return norms > 0 ? quadratic(g.ab, shares) / norms : 0;
}

/** Every pair's cosine under `mixLayers`-style unnormalised weights. */
export function cosinesFor(grams: readonly PairGrams[], weights: readonly number[]): number[] {
  const shares = softmax(weights);
  return grams.map((g) => mixedCosine(g, shares));
}

/** Every pair's cosine at hidden state `layer` alone (the last one is `lastLayerOnly`). */
export function layerCosines(grams: readonly PairGrams[], layer: number): number[] {
  return grams.map((g) =>
    mixedCosine(
      g,
      Array.from({ length: g.size }, (_, i) => (i === layer ? 1 : 0)),
    ),
  );
}

// ---------------------------------------------------------------- fitting the weights

export interface AlphaFitOptions {
  /** Starting weights (the caller passes `defaultLayerWeights`). */
  start: readonly number[];
  /** Step sizes tried in turn, each until a full sweep over the weights improves nothing. */
  steps?: readonly number[];
  /** Most sweeps per step size. */
  maxSweeps?: number;
}

export interface AlphaFit {
  weights: number[];
  threshold: number;
  accuracy: number;
  auc: number;
  /** Objective evaluations spent. */
  evaluations: number;
}

const FLOOR = -20;

/**
 * Coordinate search on w: each weight in turn moves ±step, a move is kept when it improves the
 * objective, and the step halves once a sweep keeps nothing. The objective is accuracy at the
 * best threshold, ties broken by ROC AUC and then by d′ — accuracy is piecewise constant, and
 * the smooth tie-breakers keep the search moving across its plateaus toward wider margins.
 * Deterministic; weights are shifted to a maximum of 0 (softmax does not see the shift).
 */
export function fitLayerWeights(grams: readonly PairGrams[], labels: readonly boolean[], options: AlphaFitOptions): AlphaFit {
  const steps = options.steps ?? [2, 1, 0.5, 0.25, 0.125, 0.0625];
  const maxSweeps = options.maxSweeps ?? 25;
  let evaluations = 0;
  const score = (w: readonly number[]) => {
    evaluations++;
    const cos = cosinesFor(grams, w);
    const fit = fitThreshold(cos, labels);
    return { w, fit, key: [fit.accuracy, rocAuc(cos, labels), separation(cos, labels)] };
  };
  const better = (x: number[], y: number[]) => {
    for (let k = 0; k < x.length; k++) if (Math.abs(x[k]! - y[k]!) > 1e-12) return x[k]! > y[k]!;
    return false;
  };
  let best = score(shifted(options.start));
  for (const step of steps) {
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let moved = false;
      for (let i = 0; i < best.w.length; i++) {
        for (const dir of [1, -1]) {
          const w = [...best.w];
          w[i] = w[i]! + dir * step;
          const candidate = score(shifted(w));
          if (better(candidate.key, best.key)) {
            best = candidate;
            moved = true;
            break;
          }
        }
      }
      if (!moved) break;
    }
  }
  return { weights: [...best.w], threshold: best.fit.threshold, accuracy: best.fit.accuracy, auc: best.key[1]!, evaluations };
}

function shifted(w: readonly number[]): number[] {
  const max = Math.max(...w);
  return w.map((x) => Math.max(FLOOR, x - max));
}

// Choosing the next GPT token from its logits: repetition control, then greedy choice or
// temperature + nucleus sampling. Pure functions over Float32Array, so they are unit-tested.

export const REPETITION_PENALTY = 1.2;
export const NO_REPEAT_NGRAM = 3;
/** Sampling draws from the most likely tokens only, as transformers.js' sampler did (its top_k default). */
export const SAMPLE_TOP_K = 50;

export interface SamplingOptions {
  temperature: number;
  topP: number;
  random: () => number;
}

/**
 * The CTRL penalty (Keskar et al. 2019): each token already in `context` is made less likely,
 * once however often it occurs (positive logits divided, negative ones multiplied).
 */
export function penalizeRepeats(logits: Float32Array, context: readonly number[], penalty: number): void {
  for (const id of new Set(context)) {
    const v = logits[id];
    if (v !== undefined) logits[id] = v < 0 ? v * penalty : v / penalty;
  }
}

/** Tokens that would complete an n-gram already present in `context`. */
export function bannedByNgram(context: readonly number[], n: number): number[] {
  if (n < 1 || context.length < n - 1) return [];
  const start = context.length - (n - 1);
  const banned = new Set<number>();
  for (let i = 0; i + n <= context.length; i++) {
    let k = 0;
    while (k < n - 1 && context[i + k] === context[start + k]) k++;
    if (k === n - 1) banned.add(context[i + n - 1]!);
  }
  return [...banned];
}

/** Applies the repetition penalty and the no-repeat-n-gram rule in place. */
export function controlRepetition(logits: Float32Array, context: readonly number[]): void {
  penalizeRepeats(logits, context, REPETITION_PENALTY);
  for (const id of bannedByNgram(context, NO_REPEAT_NGRAM)) logits[id] = -Infinity;
}

export function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** Indices of the `k` largest logits, largest first (one pass, insertion into a short list). */
export function topK(logits: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (top.length === k && v <= logits[top[k - 1]!]!) continue;
    let j = top.length < k ? top.push(i) - 1 : k - 1;
    while (j > 0 && logits[top[j - 1]!]! < v) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}

/**
 * Samples from softmax(logits / temperature) over the top-k tokens, cut to the smallest set
 * whose probability reaches `topP` (nucleus sampling, Holtzman et al. 2019).
 */
export function sampleToken(logits: Float32Array, { temperature, topP, random }: SamplingOptions): number {
  const top = topK(logits, SAMPLE_TOP_K);
  const best = logits[top[0]!]!;
  const weights = top.map((id) => Math.exp((logits[id]! - best) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let kept = 0;
  let mass = 0;
  while (kept < weights.length && (kept === 0 || mass < topP * total)) mass += weights[kept++]!;
  let r = random() * mass;
  for (let i = 0; i < kept; i++) {
    r -= weights[i]!;
    if (r < 0) return top[i]!;
  }
  return top[kept - 1]!;
}

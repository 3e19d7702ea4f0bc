// One vector per occurrence from an encoder's hidden states: an ELMo-style scalar mix
// e = γ Σ_i softmax(w)_i · h_i over the embeddings (i = 0) and every layer (i = 1…L), each h_i
// being the mean over the word's pieces.

export interface LayerMixOptions {
  /** Unnormalised weights w_0…w_L (softmaxed); `defaultLayerWeights` when omitted. */
  weights?: readonly number[];
  /** γ; it cancels out under L2 normalisation and only matters with `normalize: false`. */
  gamma?: number;
  normalize?: boolean;
}

/**
 * A Gaussian bump over relative depth centred at 0.7 (layers 8–9 of BERT-base's 12): probing
 * and word-sense studies find lexical-semantic information peaks in the middle-upper layers,
 * while the embeddings carry no context and the last layer is specialised to the MLM objective.
 */
export function defaultLayerWeights(hiddenStates: number): number[] {
  const depth = Math.max(1, hiddenStates - 1);
  return Array.from({ length: hiddenStates }, (_, i) => -(((i / depth - 0.7) / 0.2) ** 2) / 2);
}

export function softmax(weights: readonly number[]): number[] {
  const max = Math.max(...weights);
  const exps = weights.map((w) => Math.exp(w - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Mixes hidden states `layers[0…L]` (each of the same width) into one vector. */
export function mixLayers(layers: readonly Float32Array[], options: LayerMixOptions = {}): Float32Array {
  const first = layers[0];
  if (!first) throw new Error('no hidden states to mix');
  const weights = options.weights ?? defaultLayerWeights(layers.length);
  if (weights.length !== layers.length) throw new Error(`${weights.length} weights for ${layers.length} hidden states`);
  const s = softmax(weights);
  const gamma = options.gamma ?? 1;
  const out = new Float32Array(first.length);
  layers.forEach((h, i) => {
    if (h.length !== out.length) throw new Error('hidden states differ in width');
    const w = gamma * s[i]!;
    for (let j = 0; j < out.length; j++) out[j]! += w * h[j]!;
  });
  return options.normalize === false ? out : l2Normalize(out);
}

/** The ablation: the last layer alone, normalised. */
export function lastLayerOnly(layers: readonly Float32Array[]): Float32Array {
  const last = layers.at(-1);
  if (!last) throw new Error('no hidden states');
  return l2Normalize(Float32Array.from(last));
}

/** Mean of rows [start, end) of a row-major [rows, width] matrix. */
export function meanRows(data: Float32Array, width: number, start: number, end: number): Float32Array {
  if (end <= start) throw new Error('empty token span');
  const out = new Float32Array(width);
  for (let r = start; r < end; r++) {
    const row = data.subarray(r * width, (r + 1) * width);
    for (let j = 0; j < width; j++) out[j]! += row[j]!;
  }
  for (let j = 0; j < width; j++) out[j]! /= end - start;
  return out;
}

/** Scales `v` to unit length in place (a zero vector stays zero). */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let j = 0; j < v.length; j++) v[j]! /= norm;
  return v;
}

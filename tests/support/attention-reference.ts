// The decoding step's attention as it was written in JavaScript before it moved to the kernel
// module's SIMD (models/host/kernels/attention.ts), in doubles: the reference the module's
// float32 attention (a step's, an encoder text's) must stay within float32 rounding of.

/**
 * softmax(q·kᵀ / scale) · v for one head, over `tokens` slots of `keys`/`values` from `base`
 * ([slots][headSize] float32), the query `headSize` floats of `qkv` from `q`: the dot products as
 * four sums in doubles, the exponentials stored as float32, the weighted values summed in doubles.
 */
export function attendReference(
  qkv: Float32Array,
  q: number,
  keys: Float32Array,
  values: Float32Array,
  base: number,
  tokens: number,
  headSize: number,
  scale: number,
): Float32Array {
  const scores = new Float32Array(tokens);
  let max = -Infinity;
  for (let t = 0; t < tokens; t++) {
    const k = base + t * headSize;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    let d3 = 0;
    for (let d = 0; d < headSize; d += 4) {
      d0 += qkv[q + d]! * keys[k + d]!;
      d1 += qkv[q + d + 1]! * keys[k + d + 1]!;
      d2 += qkv[q + d + 2]! * keys[k + d + 2]!;
      d3 += qkv[q + d + 3]! * keys[k + d + 3]!;
    }
    const s = Math.fround(Math.fround(d0 + d1 + (d2 + d3)) / scale);
    scores[t] = s;
    if (s > max) max = s;
  }
  let sum = 0;
  for (let t = 0; t < tokens; t++) {
    const e = Math.exp(scores[t]! - max);
    scores[t] = e;
    sum += e;
  }
  const sums = new Float64Array(headSize);
  for (let t = 0; t < tokens; t++) {
    const p = scores[t]! / sum;
    const v = base + t * headSize;
    for (let d = 0; d < headSize; d++) sums[d] = sums[d]! + p * values[v + d]!;
  }
  return Float32Array.from(sums);
}

// One head's attention for a decoding step (gpt2-step.ts) over the keys and values in a KvState's
// memory: the scores and the weighted values in the kernel module's SIMD (`scores`, `weighted`),
// the softmax between them here (Math.exp has no WebAssembly instruction). The arithmetic is
// the JavaScript loop's it replaced, bit for bit (tests/support/attention-reference.ts): the dot
// products as four sums in doubles, the exponentials stored as float32, the weights p = e / Σe
// as doubles, the weighted values summed in doubles and rounded once.
import type { GemvKernel } from './gemv-module';

/** A store's room for one head's attention, and views of it (the memory never grows after). */
export interface AttentionScratch {
  /** The query, promoted to doubles. */
  qp: number;
  query: Float64Array;
  /** Scores, then exponentials, as float32. */
  sp: number;
  scores: Float32Array;
  /** The softmax weights, as doubles. */
  pp: number;
  weights: Float64Array;
  /** The head's output. */
  op: number;
  out: Float32Array;
}

/** Bytes of scratch for `headSize` and `capacity` slots, from `at` (a multiple of 16). */
export function attentionScratch(buffer: ArrayBufferLike, at: number, headSize: number, capacity: number): AttentionScratch {
  const qp = at;
  const sp = qp + 8 * headSize;
  const pp = sp + 8 * Math.ceil(capacity / 2);
  const op = pp + 8 * capacity;
  return {
    qp,
    query: new Float64Array(buffer, qp, headSize),
    sp,
    scores: new Float32Array(buffer, sp, capacity),
    pp,
    weights: new Float64Array(buffer, pp, capacity),
    op,
    out: new Float32Array(buffer, op, headSize),
  };
}

export const attentionScratchBytes = (headSize: number, capacity: number): number => 8 * headSize + 8 * Math.ceil(capacity / 2) + 8 * capacity + 4 * headSize;

/**
 * softmax(q·kᵀ / scale) · v over the first `tokens` of one head's keys and values ([slots][d]
 * float32 at `keys` and `values`), the query being `d` floats of `qkv` from `q`; written into
 * `out` from `at`. d must be a multiple of 8 (`weighted` sums eight dimensions at a time).
 */
export function attendHead(
  kernel: GemvKernel,
  s: AttentionScratch,
  keys: number,
  values: number,
  tokens: number,
  scale: number,
  qkv: Float32Array,
  q: number,
  out: Float32Array,
  at: number,
): void {
  const d = s.query.length;
  for (let i = 0; i < d; i++) s.query[i] = qkv[q + i]!;
  const max = kernel.scores(s.qp, keys, tokens, d, scale, s.sp);
  const { scores, weights } = s;
  let sum = 0;
  for (let t = 0; t < tokens; t++) {
    const e = Math.exp(scores[t]! - max);
    scores[t] = e;
    sum += e;
  }
  for (let t = 0; t < tokens; t++) weights[t] = scores[t]! / sum;
  kernel.weighted(s.pp, values, tokens, d, s.op);
  out.set(s.out, at);
}

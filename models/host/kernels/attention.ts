// One head's attention for a decoding step (gpt2-step.ts) over the keys and values in a KvState's
// memory, in the kernel module (`attend`: the scores and the weighted values in SIMD, the softmax
// with fdlibm's exp, as Math.exp computes it). The arithmetic is the JavaScript loop's it
// replaced, bit for bit (tests/support/attention-reference.ts): the dot products as four sums in
// doubles, the exponentials stored as float32, the weights p = e / Σe as doubles, the weighted
// values summed in doubles and rounded once.
import type { GemvKernel } from './gemv-module';

/** A store's room for one head's attention, and views of it (the memory never grows after). */
export interface AttentionScratch {
  /** The query, promoted to doubles. */
  qp: number;
  query: Float64Array;
  /** Scores, then exponentials, as float32. */
  sp: number;
  /** The softmax weights, as doubles. */
  pp: number;
  /** The head's output. */
  op: number;
  out: Float32Array;
}

/** Where the scratch's parts lie, in bytes from its start, and its size: the query's doubles, the scores, the weights' doubles, the output. */
function scratchLayout(headSize: number, capacity: number): { qp: number; sp: number; pp: number; op: number; bytes: number } {
  const sp = 8 * headSize;
  const pp = sp + 8 * Math.ceil(capacity / 2);
  const op = pp + 8 * capacity;
  return { qp: 0, sp, pp, op, bytes: op + 4 * headSize };
}

/** Bytes of scratch a store needs for `headSize` and `capacity` slots. */
export const attentionScratchBytes = (headSize: number, capacity: number): number => scratchLayout(headSize, capacity).bytes;

/** The scratch for `headSize` and `capacity` slots at `at` (a multiple of 16) in `buffer`, with its views. */
export function attentionScratch(buffer: ArrayBufferLike, at: number, headSize: number, capacity: number): AttentionScratch {
  const l = scratchLayout(headSize, capacity);
  const [qp, sp, pp, op] = [l.qp + at, l.sp + at, l.pp + at, l.op + at];
  return {
    qp,
    query: new Float64Array(buffer, qp, headSize),
    sp,
    pp,
    op,
    out: new Float32Array(buffer, op, headSize),
  };
}

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
  kernel.attend(s.qp, keys, values, tokens, d, scale, s.sp, s.pp, s.op);
  out.set(s.out, at);
}

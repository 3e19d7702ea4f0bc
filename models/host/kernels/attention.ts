// One head's attention for a decoding step (gpt2-step.ts) over the keys and values in a KvState's
// memory, in the kernel module (`attend`: scores, softmax and weighted values in SIMD, float32 as
// the graph's MatMul, Softmax and MatMul compute it; within float32 rounding of the doubles'
// reference in tests/support/attention-reference.ts, the JavaScript loop it once was).
import type { GemvKernel } from './gemv-module';

/** A store's room for one head's attention, and views of it (the memory never grows after). */
export interface AttentionScratch {
  /** The query. */
  qp: number;
  query: Float32Array;
  /** Scores, then the softmax's weights. */
  sp: number;
  /** The head's output. */
  op: number;
  out: Float32Array;
}

/** Where the scratch's parts lie, in bytes from its start, and its size: the query, the scores (one more: the softmax reads pairs), the output. */
function scratchLayout(headSize: number, capacity: number): { qp: number; sp: number; op: number; bytes: number } {
  const sp = 4 * headSize;
  const op = sp + 16 * Math.ceil((capacity + 1) / 4);
  return { qp: 0, sp, op, bytes: op + 4 * headSize };
}

/** Bytes of scratch a store needs for `headSize` and `capacity` slots. */
export const attentionScratchBytes = (headSize: number, capacity: number): number => scratchLayout(headSize, capacity).bytes;

/** The scratch for `headSize` and `capacity` slots at `at` (a multiple of 16) in `buffer`, with its views. */
export function attentionScratch(buffer: ArrayBufferLike, at: number, headSize: number, capacity: number): AttentionScratch {
  const l = scratchLayout(headSize, capacity);
  const [qp, sp, op] = [l.qp + at, l.sp + at, l.op + at];
  return {
    qp,
    query: new Float32Array(buffer, qp, headSize),
    sp,
    op,
    out: new Float32Array(buffer, op, headSize),
  };
}

/**
 * softmax(q·kᵀ / scale) · v over the first `tokens` of one head's keys and values ([slots][d]
 * float32 at `keys` and `values`), the query being `d` floats of `qkv` from `q`; written into
 * `out` from `at`. d must be a multiple of 8 (the module sums eight columns at a time).
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
  s.query.set(qkv.subarray(q, q + d));
  kernel.attend(s.qp, keys, values, tokens, d, scale, s.sp, s.op);
  out.set(s.out, at);
}

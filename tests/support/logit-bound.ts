// The stated bound of Sesame's tied-head kernel against onnxruntime's graph (16-bit input per row),
// shared by the tied-head and legacy-head integration tests: the largest |Δlogit| at most 1e-4 of
// the row's logit range, the same top-1 token, the same top-10 set.
import { expect } from 'vitest';

export const MAX_RELATIVE = 1e-4;

export interface Deviation {
  maxAbs: number;
  relative: number;
  top1: boolean;
  top10: number;
}

export function top(x: Float32Array, n: number): number[] {
  return Array.from(x.keys())
    .sort((a, b) => x[b]! - x[a]! || a - b)
    .slice(0, n);
}

export function deviation(want: Float32Array, got: Float32Array): Deviation {
  let maxAbs = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < want.length; j++) {
    maxAbs = Math.max(maxAbs, Math.abs(want[j]! - got[j]!));
    lo = Math.min(lo, want[j]!);
    hi = Math.max(hi, want[j]!);
  }
  const a = top(want, 10);
  const b = new Set(top(got, 10));
  return { maxAbs, relative: maxAbs / (hi - lo), top1: a[0] === top(got, 1)[0], top10: a.filter((i) => b.has(i)).length };
}

/** Asserts the bound for one row and keeps its deviation in `seen` (for the report). */
export function expectClose(want: Float32Array, got: Float32Array, seen: Deviation[]): void {
  expect(got.length).toBe(want.length);
  const d = deviation(want, got);
  seen.push(d);
  expect(d.relative).toBeLessThan(MAX_RELATIVE);
  expect(d.top1).toBe(true);
  expect(d.top10).toBe(10);
}

/** The worst row of `seen`, as the tests print it. */
export function worstOf(seen: Deviation[]): Deviation {
  return seen.reduce((a, b) => (b.relative > a.relative ? b : a));
}

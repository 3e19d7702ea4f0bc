// Sesame's int8 head kernel against a plain reference of what onnxruntime computes
// (DynamicQuantizeLinear, exact integer MatMulInteger, one float multiply), on shapes the
// kernel must pad (k not a multiple of 32, n not a multiple of its 8-row groups) and the weight
// layouts hub exports use (int8 or uint8, one or per-column zero points and scales).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { Int8Weights } from '@/models/host/onnx/int8-linear';
import { dynamicQuantization, floatInputLevels, Int8Kernel, quantize } from '@/models/host/kernels/int8-kernel';
import { randomWeights, seeded } from '../../../support/int8-weights';

const weights = randomWeights;

/** The graph's arithmetic, written out plainly. */
function reference(w: Int8Weights, hidden: Float32Array, row: number): Float32Array {
  const q = dynamicQuantization(hidden);
  const out = new Float32Array(w.n);
  for (let j = 0; j < w.n; j++) {
    const zp = w.zeroPoint[w.zeroPoint.length > 1 ? j : 0]!;
    let acc = 0;
    for (let i = 0; i < w.k; i++) {
      const byte = w.data[i * w.n + j]!;
      const value = w.signed ? (byte << 24) >> 24 : byte;
      acc += (quantize(hidden[row * w.k + i]!, q) - q.zeroPoint) * (value - zp);
    }
    out[j] = Math.fround(acc) * Math.fround(q.scale * w.scale[w.scale.length > 1 ? j : 0]!);
    if (w.bias) out[j] = Math.fround(out[j]! + w.bias[j]!);
  }
  return out;
}

/**
 * A `floatInput` head (a tied table the graph multiplies in float) as the kernel's JavaScript
 * computed it before its float work moved into the module: the row quantised to ±levels with
 * Math.round(x / step), exact integer sums, then (Σ · step) · scale in doubles, rounded once.
 */
function floatReference(w: Int8Weights, input: Float32Array): Float32Array {
  const levels = floatInputLevels(w.k);
  let max = 0;
  for (const v of input) max = Math.max(max, Math.abs(v));
  const step = max > 0 ? max / levels : 1;
  const x = Array.from(input, (v) => Math.round(v / step));
  const sum = x.reduce((a, b) => a + b, 0);
  const out = new Float32Array(w.n);
  for (let j = 0; j < w.n; j++) {
    const zp = w.zeroPoint[w.zeroPoint.length > 1 ? j : 0]! - (w.signed ? 0 : 128);
    let acc = 0;
    for (let i = 0; i < w.k; i++) {
      const byte = w.data[w.layout === 'nk' ? j * w.k + i : i * w.n + j]!;
      acc += x[i]! * (w.signed ? (byte << 24) >> 24 : byte - 128);
    }
    out[j] = (acc - zp * sum) * step * w.scale[w.scale.length > 1 ? j : 0]!;
    if (w.bias) out[j] = Math.fround(out[j]! + w.bias[j]!);
  }
  return out;
}

describe('int8 head kernel', () => {
  const cases = [
    { k: 40, n: 37, signed: true, perColumn: false, bias: false },
    { k: 64, n: 8, signed: false, perColumn: false, bias: true },
    { k: 33, n: 101, signed: false, perColumn: true, bias: false },
    { k: 96, n: 17, signed: true, perColumn: true, bias: true },
  ];
  it.each(cases)('k $k, n $n, signed $signed, per column $perColumn, bias $bias: the reference, exactly', ({ k, n, signed, perColumn, bias }) => {
    const w = weights(k, n, signed, perColumn, bias);
    const head = Int8Kernel.of(w);
    const random = seeded(k * n);
    const rows = 3;
    const hidden = Float32Array.from({ length: rows * k }, () => (random() - 0.4) * 6);
    for (let row = 0; row < rows; row++) {
      const got = head.logits(hidden, row);
      const want = reference(w, hidden, row);
      expect(Array.from(got).findIndex((v, j) => v !== want[j])).toBe(-1);
    }
    // Several rows of one input at once: the same rows.
    expect(head.rows(hidden, [2, 0]).map((r) => Array.from(r))).toEqual([2, 0].map((row) => Array.from(reference(w, hidden, row))));
    // More rows than one pass over the weights takes (4), repeats included.
    const many = [0, 1, 2, 2, 1, 0, 0, 1, 2, 1];
    expect(head.rows(hidden, many).map((r) => Array.from(r))).toEqual(many.map((row) => Array.from(reference(w, hidden, row))));
  });

  it('keeps several layers of different shapes in one memory, each giving its own products', () => {
    const ws = cases.map(({ k, n, signed, perColumn, bias }) => weights(k, n, signed, perColumn, bias));
    const group = Int8Kernel.group(ws);
    const random = seeded(5);
    group.forEach((layer, i) => {
      const w = ws[i]!;
      const hidden = Float32Array.from({ length: w.k }, () => (random() - 0.4) * 6);
      const want = reference(w, hidden, 0);
      expect(Array.from(layer.apply(hidden)).findIndex((v, j) => v !== want[j])).toBe(-1);
    });
    // A layer computed after the others still reads its own weights and buffers.
    const first = Float32Array.from({ length: ws[0]!.k }, (_, i) => i / 7 - 2);
    expect(Array.from(group[0]!.apply(first))).toEqual(Array.from(reference(ws[0]!, first, 0)));
  });

  it('quantises as DynamicQuantizeLinear: range widened to 0, half to even', () => {
    const q = dynamicQuantization(Float32Array.from([1, 2, 3]));
    expect(q.zeroPoint).toBe(0);
    expect(q.scale).toBe(Math.fround(3 / 255));
    // A range of 255 gives scale 1: zero points 0.5 and 1.5 round to even, 0 and 2.
    expect(dynamicQuantization(Float32Array.from([-0.5, 254.5]))).toEqual({ scale: 1, zeroPoint: 0 });
    const r = dynamicQuantization(Float32Array.from([-1.5, 253.5]));
    expect(r).toEqual({ scale: 1, zeroPoint: 2 });
    expect([quantize(0.5, r), quantize(1.5, r), quantize(-9, r), quantize(300, r)]).toEqual([2, 4, 0, 255]);
    expect(dynamicQuantization(new Float32Array(4))).toEqual({ scale: 1, zeroPoint: 0 });
  });

  it.each([
    { k: 40, n: 37, signed: false, perColumn: false, bias: false, layout: 'nk' as const },
    { k: 768, n: 45, signed: true, perColumn: true, bias: true, layout: 'kn' as const },
    { k: 33, n: 8, signed: false, perColumn: false, bias: true, layout: 'kn' as const },
  ])('a float-input head (k $k, n $n, $layout): its JavaScript reference, exactly', ({ k, n, signed, perColumn, bias, layout }) => {
    const w: Int8Weights = { ...weights(k, n, signed, perColumn, bias, k + n), layout, floatInput: true };
    const head = Int8Kernel.of(w);
    const random = seeded(k + 3);
    for (const input of [
      Float32Array.from({ length: k }, () => (random() - 0.45) * 9),
      // The largest value `levels` makes the step 1, so the others fall on halves: Math.round's ties go up (−2.5 → −2, 2.5 → 3).
      Float32Array.from({ length: k }, (_, i) => (i === 0 ? floatInputLevels(k) : (i % 7) - 3 + 0.5)),
      new Float32Array(k),
    ]) {
      const want = floatReference(w, input);
      expect(Array.from(head.apply(input)).findIndex((v, j) => !Object.is(v, want[j]))).toBe(-1);
    }
    // Many rows in one call, each quantised to its own step: each row's reference.
    const hidden = Float32Array.from({ length: 10 * k }, () => (random() - 0.5) * (1 + 20 * random()));
    const rows = [9, 0, 5, 5, 1, 2, 3, 4, 6, 7, 8];
    const got = head.rows(hidden, rows);
    rows.forEach((row, i) => {
      const want = floatReference(w, hidden.subarray(row * k, (row + 1) * k));
      expect(Array.from(got[i]!).findIndex((v, j) => !Object.is(v, want[j]))).toBe(-1);
    });
  });

  it('quantises a row whose values fall on halves of the scale to even, as the graph does', () => {
    // min −1.5, max 253.5: scale 1, zero point 2, so x + 2 lands on halves: 0.5 → 2, 1.5 → 4 (even).
    const w = weights(40, 16, false, false, true);
    const head = Int8Kernel.of(w);
    const hidden = Float32Array.from({ length: 40 }, (_, i) => (i === 0 ? -1.5 : i === 1 ? 253.5 : (i % 9) - 1 + 0.5));
    const want = reference(w, hidden, 0);
    expect(Array.from(head.apply(hidden)).findIndex((v, j) => !Object.is(v, want[j]))).toBe(-1);
  });

  it('rejects a row outside the input', () => {
    const head = Int8Kernel.of(weights(32, 8, true, false));
    expect(() => head.logits(new Float32Array(64), 2)).toThrow(RangeError);
    expect(() => head.logits(new Float32Array(33), 0)).toThrow(RangeError);
  });

  it('is built from scripts/build-gemv.mjs as committed', () => {
    expect(() => execFileSync(process.execPath, ['scripts/build-gemv.mjs', '--check'], { stdio: 'pipe' })).not.toThrow();
  });
});

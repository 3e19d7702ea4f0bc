// A decoding step's attention in the kernel module's SIMD, over the keys and values where a
// KvState keeps them (models/host/kernels/attention.ts), and an encoder's attention of a whole
// text (`attendText`), both float32 as the graph computes them, against the JavaScript reference
// in doubles: within float32 rounding, for one slot and for many, head sizes 16 and 64, pasts
// kept and grown.
import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { ownKernel } from '@/models/host/kernels/gemv-module';
import { KvState } from '@/models/host/kernels/kv-state';
import { attendReference } from '../../../support/attention-reference';
import { seeded } from '../../../support/int8-weights';

function randomPast(layers: number, heads: number, headSize: number, length: number, seed: number): Record<string, Tensor> {
  const random = seeded(seed);
  const out: Record<string, Tensor> = {};
  for (let l = 0; l < layers; l++) {
    for (const kind of ['key', 'value']) {
      const data = Float32Array.from({ length: heads * length * headSize }, () => (random() - 0.5) * 8);
      out[`past_key_values.${l}.${kind}`] = new Tensor('float32', data, [1, heads, length, headSize]);
    }
  }
  return out;
}

describe("the decoding step's attention in SIMD", () => {
  it.each([
    { headSize: 16, length: 0 },
    { headSize: 16, length: 7 },
    { headSize: 64, length: 41 },
    { headSize: 64, length: 63 },
    { headSize: 64, length: 64 },
  ])('head size $headSize over a past of $length: within float32 rounding of the reference, the same every time', ({ headSize, length }) => {
    const shape = { layers: 2, heads: 3, headSize };
    const state = KvState.fromTensors(randomPast(shape.layers, shape.heads, headSize, length, length + headSize), shape);
    const random = seeded(99 + length);
    const width = shape.heads * headSize;
    const scale = Math.sqrt(headSize);
    // Two steps: the second attends over the slot the first wrote too.
    let current = state;
    let worst = 0;
    for (let step = 0; step < 2; step++) {
      const next = current.extend();
      for (let l = 0; l < shape.layers; l++) {
        const qkv = Float32Array.from({ length: 3 * width }, () => (random() - 0.5) * 6);
        const out = new Float32Array(width);
        for (let h = 0; h < shape.heads; h++) {
          const base = h * next.capacity * headSize;
          next.keys[l]!.set(qkv.subarray(width + h * headSize, width + (h + 1) * headSize), base + next.slot * headSize);
          next.values[l]!.set(qkv.subarray(2 * width + h * headSize, 2 * width + (h + 1) * headSize), base + next.slot * headSize);
          next.attend(l, h, scale, qkv, h * headSize, out, h * headSize);
          const want = attendReference(qkv, h * headSize, next.keys[l]!, next.values[l]!, base, next.slot + 1, headSize, scale);
          const got = Float32Array.from(out.subarray(h * headSize, (h + 1) * headSize));
          want.forEach((w, d) => {
            worst = Math.max(worst, Math.abs(got[d]! - w));
          });
          next.attend(l, h, scale, qkv, h * headSize, out, h * headSize);
          expect(out.subarray(h * headSize, (h + 1) * headSize)).toEqual(got);
        }
      }
      current = next.state;
    }
    expect(current.length).toBe(length + 2);
    // Weighted sums of values up to 4 in size, float32 sums in token order: a few of its ulps.
    expect(worst).toBeLessThan(4e-6);
  });
});

describe("an encoder's attention of one text", () => {
  it.each([
    { heads: 3, headSize: 64, tokens: 23 },
    { heads: 2, headSize: 16, tokens: 1 },
    { heads: 12, headSize: 64, tokens: 64 },
    { heads: 1, headSize: 32, tokens: 2 },
  ])('$heads heads of $headSize over $tokens tokens: every head of every row within float32 rounding of the reference', ({ heads, headSize, tokens }) => {
    const width = heads * headSize;
    const random = seeded(tokens + heads);
    const qkv = Float32Array.from({ length: 3 * width * tokens }, () => (random() - 0.5) * 6);
    const kernel = ownKernel(4 * (4 * width * tokens + tokens + 4));
    const buffer = kernel.memory.buffer;
    new Float32Array(buffer, 0, qkv.length).set(qkv);
    const op = 4 * qkv.length;
    const sp = op + 4 * width * tokens;
    const scale = Math.sqrt(headSize);
    kernel.attendText(0, tokens, width, heads, headSize, scale, sp, op);
    const out = new Float32Array(buffer, op, width * tokens);
    let worst = 0;
    for (let head = 0; head < heads; head++) {
      // The reference reads one head's keys and values as [slots][headSize].
      const part = (offset: number) =>
        Float32Array.from({ length: tokens * headSize }, (_, i) => qkv[3 * width * Math.floor(i / headSize) + offset + head * headSize + (i % headSize)]!);
      const [keys, values] = [part(width), part(2 * width)];
      for (let row = 0; row < tokens; row++) {
        const want = attendReference(qkv, 3 * width * row + head * headSize, keys, values, 0, tokens, headSize, scale);
        want.forEach((w, i) => {
          worst = Math.max(worst, Math.abs(out[row * width + head * headSize + i]! - w));
        });
      }
    }
    // The outputs are weighted sums of values up to 3 in size: float32 sums in token order stay within a few of its ulps.
    expect(worst).toBeLessThan(3e-6);
  });
});

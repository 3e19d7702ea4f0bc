// The kernel module's float functions the layer stacks use outside the products: GPT-2's GELU
// against the JavaScript it replaced, the encoder's residual add and LayerNorm against rows.ts's loop.
import { describe, expect, it } from 'vitest';
import { ownKernel } from '@/models/host/kernels/gemv-module';
import { layerNormRows } from '@/models/host/kernels/rows';
import { seeded } from '../../../support/int8-weights';

const kernel = ownKernel(1 << 20);

describe("the kernel module's float work", () => {
  it("GELU is gpt2-step's former loop, bit for bit, large values included", () => {
    const random = seeded(5);
    const n = 3001;
    const f = new Float32Array(kernel.memory.buffer, 0, n);
    const values = Float32Array.from({ length: n }, (_, i) =>
      i < 10 ? [0, -0, 40, -40, 1e6, -1e6, 1e-30, 3, -3, 0.5][i]! : (random() - 0.5) * (i % 3 === 0 ? 40 : 8),
    );
    f.set(values);
    kernel.gelu(0, n);
    const c = Math.sqrt(2 / Math.PI);
    const want = values.map((x) => x - x / (Math.exp(2 * c * (x + 0.044715 * x * x * x)) + 1));
    expect(Array.from(f).findIndex((v, i) => !Object.is(v, want[i]))).toBe(-1);
  });

  it("adds the residual and normalises as rows.ts's LayerNorm does, any width", () => {
    const random = seeded(9);
    for (const width of [768, 64, 35, 3]) {
      const rows = 7;
      const values = (scale: number, shift = 0) => Float32Array.from({ length: rows * width }, () => (random() - 0.5) * scale + shift);
      const h = values(8, 3);
      const x = values(2);
      const weight = values(1, 1).subarray(0, width);
      const bias = values(0.2).subarray(0, width);
      const places = [0, 1, 2, 3].map((i) => i * 4 * rows * width);
      const [hp, xp, wp, bp] = places as [number, number, number, number];
      for (const add of [1, 0]) {
        [h, x, weight, bias].forEach((a, i) => new Float32Array(kernel.memory.buffer, places[i], a.length).set(a));
        kernel.addNorm(hp, xp, rows, width, wp, bp, 1e-12, add);
        const sum = add ? h.map((v, i) => v + x[i]!) : h;
        const want = layerNormRows(sum, rows, { weight, bias }, 1e-12);
        const got = new Float32Array(kernel.memory.buffer, hp, rows * width);
        // The sums are taken two lanes at a time, not in order: at most a float32 rounding apart.
        const off = Array.from(got).map((v, i) => Math.abs(v - want[i]!) / Math.max(1e-6, Math.abs(want[i]!)));
        expect(Math.max(...off)).toBeLessThan(2e-7);
        expect(off.filter((d) => d > 0).length).toBeLessThan(rows * width * 0.05);
      }
    }
  });
});

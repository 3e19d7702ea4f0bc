// `dotsRelaxed` (scripts/gemv-relaxed-wat.mjs) in JavaScript, for engines without relaxed SIMD
// (Node 20): i32x4.relaxed_dot_i8x16_i7x16_add_s over the block layout, each 7-bit weight read as
// int8, as Arm's sdot reads it, so that a weight with its top bit set shows as a wrong sum.
import type { Dots } from '@/models/host/kernels/gemv-threads';

export const relaxedInJavaScript =
  (memory: WebAssembly.Memory): Dots =>
  (xp, rows, xs, wp, n, k, op, os) => {
    const bytes = new Int8Array(memory.buffer);
    const sums = new Int32Array(memory.buffer);
    for (let j = 0; j < n; j += 8) {
      const block = wp + j * k;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < Math.min(8, n - j); c++) {
          let sum = 0;
          // Output c's weights for inputs 4g…4g + 3 lie at 32g + 4c of its block.
          for (let i = 0; i < k; i++) sum += bytes[xp + r * xs + i]! * bytes[block + 32 * (i >> 2) + 4 * c + (i & 3)]!;
          sums[(op + r * os + 4 * (j + c)) >> 2] = sum;
        }
      }
    }
  };

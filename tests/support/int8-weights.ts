// Random q8 linear-layer weights in the layouts hub exports use (int8 or uint8, one or per-column
// zero points and scales, with or without a bias), for kernel tests.
import type { Int8Weights } from '@/models/host/onnx/int8-linear';

export const seeded = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;

export function randomWeights(k: number, n: number, signed: boolean, perColumn: boolean, bias = false, seed = 7): Int8Weights {
  const random = seeded(seed);
  const data = Uint8Array.from({ length: k * n }, () => Math.floor(random() * 256));
  const zeroPoint = Int32Array.from({ length: perColumn ? n : 1 }, () => (signed ? Math.floor(random() * 9) - 4 : 120 + Math.floor(random() * 16)));
  const scale = Float32Array.from({ length: perColumn ? n : 1 }, () => 0.001 + random() * 0.01);
  return { data, signed, k, n, zeroPoint, scale, ...(bias ? { bias: Float32Array.from({ length: n }, () => random() - 0.5) } : {}) };
}

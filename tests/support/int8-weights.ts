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

/**
 * Signed per-column weights in [−64, 64], as the hub's reduce_range q8 files store them, with
 * outputs of every kind the relaxed path tells apart (scripts/gemv-relaxed-wat.mjs): both −64 and
 * 64 (`sixtyFours` of them where given), 64 and no −64, −64 and no 64, neither.
 */
export function sevenBitWeights(k: number, n: number, seed = 7, sixtyFours = 2): Int8Weights {
  const random = seeded(seed);
  const w = randomWeights(k, n, true, true, true, seed);
  const value = (j: number) => {
    const kind = j % 4;
    const v = Math.floor(random() * 127) - 63;
    return kind === 1 ? Math.max(v, -63) : kind === 2 ? Math.min(v, 63) : v;
  };
  for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) w.data[i * n + j] = value(j) & 0xff;
  for (let j = 0; j < n; j++) {
    const kind = j % 4;
    if (kind === 0 || kind === 1) for (let t = 0; t < Math.min(sixtyFours, k - 1); t++) w.data[((j + 3 * t) % k) * n + j] = 64;
    if (kind === 0 || kind === 2) w.data[((j + k - 1) % k) * n + j] = -64 & 0xff;
  }
  w.zeroPoint.fill(0);
  return w;
}

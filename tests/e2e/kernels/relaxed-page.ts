// Bundled by tests/e2e/kernels.test.ts into a cross-origin-isolated page: the int8 kernels'
// relaxed-SIMD products in the browser's own engine, on one thread and split over two workers,
// against the SIMD128 products of the same weights. Posts what it found to `window.result`.
import { relaxedModule } from '@/models/host/kernels/gemv-module';
import { GemvThreads, type ThreadPort } from '@/models/host/kernels/gemv-threads';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import { randomWeights, sevenBitWeights } from '../../support/int8-weights';

declare global {
  interface Window {
    result?: unknown;
  }
}

const same = (a: Float32Array[], b: Float32Array[]) => a.length === b.length && a.every((row, r) => row.every((v, i) => Object.is(v, b[r]![i])));

async function check() {
  const ws = [sevenBitWeights(37, 37, 1), sevenBitWeights(768, 96, 2), sevenBitWeights(300, 19, 3), randomWeights(64, 24, true, false, true, 4)];
  const options = { oneProductAtATime: true, blocks: true };
  const simd128 = Int8Kernel.group(ws, undefined, 32, { ...options, relaxed: false });
  const relaxed = Int8Kernel.group(ws, undefined, 32, options);
  const threads = new GemvThreads(() => new Worker('worker.js') as unknown as ThreadPort, 2, { minBytes: 0 });
  const split = Int8Kernel.group(ws, threads, 32, options);
  for (let tries = 0; !threads.ready(1) && tries < 500; tries++) await new Promise((ok) => setTimeout(ok, 10));
  const layers = ws.map((w, i) => {
    const input = Float32Array.from({ length: 41 * w.k }, (_, j) => Math.sin(j * (i + 1.3)) * (1 + Math.floor(j / w.k) / 4) + (j / w.k > 20 ? 0.8 : 0));
    const all = Array.from({ length: 41 }, (_, r) => r);
    const cases: [number[], number[] | undefined][] = [
      [[0], undefined],
      [[3, 1, 2], undefined],
      [all, [0, 7, 21]],
    ];
    const equal = cases.every(([rows, tensors]) => {
      const want = simd128[i]!.rows(input, rows, 'geluErf', tensors);
      return same(relaxed[i]!.rows(input, rows, 'geluErf', tensors), want) && same(split[i]!.rows(input, rows, 'geluErf', tensors), want);
    });
    return { relaxed: relaxed[i]!.relaxed, split: split[i]!.relaxed, threads: split[i]!.threads, equal };
  });
  const broken = threads.broken;
  threads.dispose();
  return { available: relaxedModule() !== undefined, isolated: crossOriginIsolated, broken, layers };
}

check().then(
  (result) => (window.result = result),
  (error: unknown) => (window.result = { error: String(error) }),
);

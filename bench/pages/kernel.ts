// The int8 matrix-vector rate of Sesame's own kernel (models/host/kernels/int8-kernel.ts, what the
// extension's GPT decoding steps run on WASM) in a cross-origin-isolated page of the bench's
// browser, alone and split over worker threads as the offscreen document does it
// (gemv-threads.ts), on a matrix as large as the ONNX GEMV the runtimes are timed on
// (bench/matmul.ts gemvShape).
import { GemvThreads, type ThreadPort } from '../../models/host/kernels';
import { Int8Kernel } from '../../models/host/kernels';

async function kernelGemv(k: number, n: number, runs: number, workers: number): Promise<{ ms: number[]; threads: number }> {
  const data = new Uint8Array(k * n);
  let seed = 1;
  for (let i = 0; i < data.length; i++) data[i] = (seed = Math.imul(seed, 1103515245) + 12345) >>> 24;
  const threads = workers > 0 ? new GemvThreads(() => new Worker('/pages/kernel-worker.js', { type: 'module' }) as unknown as ThreadPort, workers) : undefined;
  try {
    const kernel = Int8Kernel.of({ data, signed: true, k, n, zeroPoint: Int32Array.of(0), scale: Float32Array.of(0.01) }, threads);
    const deadline = performance.now() + 5000;
    while (threads && kernel.threads < workers + 1 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const x = Float32Array.from({ length: k }, () => Math.random() - 0.5);
    kernel.apply(x);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      kernel.apply(x);
      ms.push(performance.now() - t0);
    }
    return { ms, threads: kernel.threads };
  } finally {
    threads?.dispose();
  }
}

Object.assign(window, { kernelGemv, ready: true });

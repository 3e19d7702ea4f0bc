// Sesame's int8 kernel split over worker threads (models/host/kernels/gemv-threads.ts) on Node's
// worker_threads: every product equals the one-thread kernel's bit for bit, whatever the split,
// and a worker that lacks a kernel or is gone costs speed, never a result.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Worker } from 'node:worker_threads';
import { chunkStart, type GemvThreads, kernelWorkers, SLOT, type ThreadPort, type ToWorker } from '@/models/host/kernels/gemv-threads';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import { nodeThreads, nodeWorker, until } from '../../../support/gemv-node-threads';
import { randomWeights, seeded } from '../../../support/int8-weights';

const pools: GemvThreads[] = [];
afterEach(() => {
  for (const p of pools.splice(0)) p.dispose();
});
function pool(...args: Parameters<typeof nodeThreads>): GemvThreads {
  const p = nodeThreads(...args);
  pools.push(p);
  return p;
}

const input = (k: number, seed: number) => {
  const random = seeded(seed);
  return Float32Array.from({ length: k }, () => (random() - 0.45) * 4);
};

describe('int8 kernel on worker threads', () => {
  it('gives the kernels half the logical cores, the document’s thread counted, two to four in all', () => {
    const threads = (hc: number) => kernelWorkers(hc) + 1;
    expect([0, 1, Number.NaN].map(kernelWorkers)).toEqual([0, 0, 0]);
    expect([2, 3, 4, 5, 6, 8, 16, 64].map(threads)).toEqual([2, 2, 2, 2, 3, 4, 4, 4]);
  });

  it('cuts products into 8-row chunks that cover every row once', () => {
    for (const [n, chunks] of [
      [37, 5],
      [8, 3],
      [101, 16],
      [5, 2],
      [50257, 32],
    ] as const) {
      const starts = Array.from({ length: chunks + 1 }, (_, c) => chunkStart(n, chunks, c));
      expect(starts[0]).toBe(0);
      expect(starts[chunks]).toBe(n);
      for (let c = 1; c < chunks; c++) {
        expect(starts[c]! % 8 === 0 || starts[c] === n).toBe(true);
        expect(starts[c]!).toBeGreaterThanOrEqual(starts[c - 1]!);
      }
    }
  });

  const shapes = [
    { k: 96, n: 1003, workers: 1, signed: true, perColumn: false },
    { k: 40, n: 517, workers: 2, signed: false, perColumn: true },
    { k: 768, n: 333, workers: 3, signed: true, perColumn: true },
    { k: 64, n: 12, workers: 3, signed: false, perColumn: false },
  ];
  it.each(shapes)('k $k, n $n on $workers workers: the one-thread products exactly', async ({ k, n, workers, signed, perColumn }) => {
    const threads = pool(workers, { minBytes: 0 });
    const w = randomWeights(k, n, signed, perColumn, true, k + n);
    const alone = Int8Kernel.of(w);
    const split = Int8Kernel.of(w, threads);
    await until(() => split.threads === workers + 1);
    for (let i = 0; i < 5; i++) {
      const x = input(k, i + 1);
      expect(Array.from(split.apply(x))).toEqual(Array.from(alone.apply(x)));
    }
    // Several rows at once (a head's masks, more than one pass's worth), split over the threads: each row's one-row product.
    const hidden = Float32Array.from({ length: 12 * k }, (_, i) => Math.sin(i * 0.37) * 3);
    // Groups of four: the third ends where a run from its first would (8, 1, 2, 11), and is none.
    const rows = [10, 0, 3, 3, 7, 1, 2, 9, 8, 1, 2, 11, 4, 5, 6];
    const many = split.rows(hidden, rows).map((r) => Array.from(r));
    expect(many).toEqual(rows.map((row) => Array.from(alone.rows(hidden, [row])[0]!)));
    // Each thread scales back and activates the outputs it computed: the same floats as one thread's.
    for (const activation of ['gelu', 'geluErf'] as const) {
      expect(split.rows(hidden, rows, activation).map((r) => Array.from(r))).toEqual(alone.rows(hidden, rows, activation).map((r) => Array.from(r)));
    }
    const floatHead = { ...w, floatInput: true };
    const head = Int8Kernel.of(floatHead, threads);
    await until(() => head.threads === workers + 1);
    expect(head.rows(hidden, rows).map((r) => Array.from(r))).toEqual(
      Int8Kernel.of(floatHead)
        .rows(hidden, rows)
        .map((r) => Array.from(r)),
    );
    expect(threads.broken).toBeUndefined();
  });

  it('splits the products of layers sharing one memory, registered once', async () => {
    const threads = pool(2, { minBytes: 0 });
    const register = vi.spyOn(threads, 'register');
    const ws = shapes.map(({ k, n, signed, perColumn }) => randomWeights(k, n, signed, perColumn, true, k * n));
    const split = Int8Kernel.group(ws, threads);
    expect(register).toHaveBeenCalledTimes(1);
    await until(() => split.every((layer) => layer.threads === 3));
    split.forEach((layer, i) => {
      const x = input(ws[i]!.k, i + 2);
      expect(Array.from(layer.apply(x))).toEqual(Array.from(Int8Kernel.of(ws[i]!).apply(x)));
    });
    // Releasing one layer releases the memory: they all run alone, still exactly.
    split[0]!.release();
    expect(split.map((layer) => layer.threads)).toEqual(split.map(() => 1));
    const x = input(ws[1]!.k, 9);
    expect(Array.from(split[1]!.apply(x))).toEqual(Array.from(Int8Kernel.of(ws[1]!).apply(x)));
    expect(threads.broken).toBeUndefined();
  });

  it('runs a kernel alone until every worker has it, and small products alone always', async () => {
    const threads = pool(2, { minBytes: 4096 });
    const big = randomWeights(64, 200, true, false);
    const small = randomWeights(32, 16, true, false);
    const kernel = Int8Kernel.of(big, threads);
    const tiny = Int8Kernel.of(small, threads);
    // Registration is asynchronous: the first product runs before the workers answered.
    expect(kernel.threads).toBe(1);
    expect(Array.from(kernel.apply(input(64, 3)))).toEqual(Array.from(Int8Kernel.of(big).apply(input(64, 3))));
    await until(() => kernel.threads === 3);
    expect(tiny.threads).toBe(1);
    expect(Array.from(tiny.apply(input(32, 4)))).toEqual(Array.from(Int8Kernel.of(small).apply(input(32, 4))));
  });

  it('runs a released kernel alone, its instances dropped in the workers', async () => {
    const threads = pool(2, { minBytes: 0 });
    const w = randomWeights(64, 300, true, true, true);
    const split = Int8Kernel.of(w, threads);
    await until(() => split.threads === 3);
    split.release();
    expect(split.threads).toBe(1);
    expect(threads.ready(1)).toBe(false);
    const x = input(64, 2);
    expect(Array.from(split.apply(x))).toEqual(Array.from(Int8Kernel.of(w).apply(x)));
  });

  it('leaves the chunks of a worker that lacks the kernel to the other threads', async () => {
    // The second worker never gets kernels, yet says it has them.
    let spawned = 0;
    const spawn = () =>
      spawned++ === 0
        ? nodeWorker()
        : nodeWorker((m, forward, reply) => {
            const message = m as ToWorker;
            if (message.type === 'kernel') reply({ type: 'ready', id: message.id });
            else forward(message);
          });
    const threads = pool(2, { minBytes: 0 }, spawn);
    const w = randomWeights(128, 300, false, true, true);
    const split = Int8Kernel.of(w, threads);
    await until(() => split.threads === 3);
    const x = input(128, 9);
    expect(Array.from(split.apply(x))).toEqual(Array.from(Int8Kernel.of(w).apply(x)));
    expect(threads.broken).toBeUndefined();
  });

  it('stops using threads, with a reason, when a worker takes a chunk and never finishes it, and the result is still exact', async () => {
    const threads = pool(1, { minBytes: 0, timeoutMs: 100 }, hangingWorker);
    const w = randomWeights(768, 2048, true, false, true);
    const alone = Int8Kernel.of(w);
    const split = Int8Kernel.of(w, threads);
    await until(() => split.threads === 2);
    // The worker takes its chunk unless the caller took them all first, which happens while the
    // worker's thread is not scheduled (a loaded machine): products until it has taken one.
    for (let i = 0, end = Date.now() + 60_000; !threads.broken && Date.now() < end; i++) {
      const x = input(768, 5 + (i % 64));
      expect(Array.from(split.apply(x))).toEqual(Array.from(alone.apply(x)));
      // Now and then the event loop runs, so the pool's timer and the worker's messages are seen.
      if (i % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(threads.broken).toMatch(/did not answer within 100 ms/);
    expect(split.threads).toBe(1);
    expect(Array.from(split.apply(input(768, 99)))).toEqual(Array.from(alone.apply(input(768, 99))));
  });
});

/** A worker that says it has every kernel, takes the first chunk of the first product, and hangs. */
function hangingWorker(): ThreadPort {
  const worker = new Worker(
    `const { parentPort, workerData: { next, chunks, bits } } = require('node:worker_threads');
     let c;
     parentPort.on('message', (m) => {
       if (m.type === 'start') c = new Int32Array(m.control);
       if (m.type !== 'kernel') return;
       parentPort.postMessage({ type: 'ready', id: m.id });
       // Watch (hot, like the real worker) for a product, and take the first chunk left of it.
       let seen = Atomics.load(c, next) >>> bits;
       for (;;) {
         const v = Atomics.load(c, next);
         if (v >>> bits === seen) continue;
         if ((v & ((1 << bits) - 1)) >= Atomics.load(c, chunks)) seen = v >>> bits;
         else if (Atomics.compareExchange(c, next, v, v + 1) === v) break;
       }
       for (;;) Atomics.wait(c, next, Atomics.load(c, next), 1000);
     });`,
    { eval: true, workerData: { next: SLOT.next, chunks: SLOT.chunks, bits: 6 } },
  );
  const port: ThreadPort = {
    onmessage: null,
    postMessage: (m) => worker.postMessage(m),
    terminate: () => void worker.terminate(),
  };
  worker.on('message', (data: unknown) => port.onmessage?.({ data }));
  return port;
}

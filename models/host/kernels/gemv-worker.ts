// The worker side of gemv-threads.ts: instantiates each kernel on its shared memory and computes
// its share of every product the caller posts. Plain TypeScript over a message port, so the same
// code runs in a browser Worker and in Node's worker_threads (tests).
import type { GemvKernel } from './gemv-module';
import { type ChunkKernel, claimChunk, relaxedDots, runChunk, SLOT, taskOf, type ToWorker } from './gemv-threads';

/** How long a worker keeps watching for the next product before it goes back to its event loop (a step's products come back to back). */
const WATCH_MS = 2;
/** Of that, how long it spins before it waits in the kernel (Atomics.wait), leaving the core to other threads until the next product wakes it. */
const SPIN_MS = 0.03;

interface Port {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export function serveGemvTasks(port: Port): void {
  const kernels = new Map<number, ChunkKernel>();
  port.onmessage = (event) => {
    const m = event.data as ToWorker;
    if (m.type === 'kernel') {
      const instance = new WebAssembly.Instance(m.module, { env: { memory: m.memory } });
      const exports = instance.exports as unknown as Omit<GemvKernel, 'memory'>;
      kernels.set(m.id, { ...exports, ...relaxedDots(m.relaxed, m.memory), memory: m.memory, dots: m.blocks ? exports.dotsPacked : exports.dots });
      port.postMessage({ type: 'ready', id: m.id });
    } else if (m.type === 'drop') {
      kernels.delete(m.id);
    } else if (m.type === 'start') {
      void serve(new Int32Array(m.control), kernels);
    }
  };
}

async function serve(c: Int32Array, kernels: Map<number, ChunkKernel>): Promise<void> {
  let seen = taskOf(Atomics.load(c, SLOT.next));
  for (;;) {
    const start = performance.now();
    let next = Atomics.load(c, SLOT.next);
    while (taskOf(next) === seen && !Atomics.load(c, SLOT.stop)) {
      const waited = performance.now() - start;
      if (waited >= WATCH_MS) break;
      if (waited >= SPIN_MS) Atomics.wait(c, SLOT.next, next, WATCH_MS - waited);
      next = Atomics.load(c, SLOT.next);
    }
    if (Atomics.load(c, SLOT.stop)) return;
    if (taskOf(next) === seen) {
      // Sleep off the event loop, so that kernels registered meanwhile get instantiated.
      const wait = Atomics.waitAsync(c, SLOT.next, next);
      if (wait.async) await wait.value;
      continue;
    }
    seen = taskOf(next);
    // A kernel this worker lacks: it takes no chunk, the other threads do them all.
    const kernel = kernels.get(Atomics.load(c, SLOT.kernel));
    if (!kernel) continue;
    for (let chunk = claimChunk(c, seen); chunk >= 0; chunk = claimChunk(c, seen)) runChunk(c, kernel, chunk, seen);
  }
}

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

/** A file a worker reads and writes synchronously, straight from and into shared memory (the browser's: an OPFS access handle, host/opfs-sync-file.ts). */
export interface SyncFile {
  read(into: Uint8Array, at: number): number;
  write(from: Uint8Array, at: number): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** How a worker opens a kernel image's file (`path`: folders, then the file's name). */
export type OpenSyncFile = (path: readonly string[], write: boolean) => Promise<SyncFile>;

/** `open`: the worker's file access (kernel images); without it, file requests fail. */
export function serveGemvTasks(port: Port, open?: OpenSyncFile): void {
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
    } else if (m.type === 'file') {
      transfer(m, kernels, open).then(
        () => port.postMessage({ type: 'file', request: m.request }),
        (error: unknown) => port.postMessage({ type: 'file', request: m.request, error: String((error as Error)?.message ?? error) }),
      );
    }
  };
}

/** Reads or writes a file request's regions, a few MB a call, between the file and the kernels' memories. */
async function transfer(m: Extract<ToWorker, { type: 'file' }>, kernels: Map<number, ChunkKernel>, open: OpenSyncFile | undefined): Promise<void> {
  if (!open) throw new Error('this worker has no file access');
  const file = await open(m.path, m.write);
  try {
    if (m.write) file.truncate(m.regions.reduce((end, r) => Math.max(end, r.from + r.length), 0));
    for (const r of m.regions) {
      const kernel = kernels.get(r.id);
      if (!kernel) throw new Error(`no kernel memory ${r.id} in this worker`);
      const bytes = new Uint8Array(kernel.memory.buffer, r.at, r.length);
      for (let done = 0; done < r.length; ) {
        const part = bytes.subarray(done, Math.min(r.length, done + FILE_PART));
        const moved = m.write ? file.write(part, r.from + done) : file.read(part, r.from + done);
        if (moved <= 0) throw new Error(`the file ended ${r.from + done} bytes in`);
        done += moved;
      }
    }
    if (m.write) file.flush();
  } finally {
    file.close();
  }
}

/** Bytes a read or write call moves. */
const FILE_PART = 4 << 20;

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

// Worker threads for Sesame's int8 kernel (int8-kernel.ts). One decoding step reads every weight
// of the model once, and one thread cannot read memory as fast as the machine can (the figures:
// docs/benchmarks.md, "Figures behind the code").
//
// Each kernel's memory is a shared WebAssembly.Memory that every worker instantiates the kernel
// module on (so no weight is copied). A product is cut into chunks of output rows, a few per
// thread, that the caller and the workers take from a shared counter until none is left: a thread
// that is descheduled or slower (a shared machine, a little core) takes fewer, and the caller
// waits at most for one chunk. Tasks go through a small shared control block: the caller writes
// the operands, then publishes the task number in the word the chunks are taken from. After each
// task a worker spins briefly, then waits in Atomics.wait for a couple of milliseconds (the
// products of one step follow each other closely), then sleeps in Atomics.waitAsync, so an idle
// host costs nothing (gemv-worker.ts). The caller never blocks on a worker that is gone: after a
// timeout it computes the missing chunks itself and stops using threads, saying why.
// The thread that computes a chunk's integer sums also scales them back to floats (and applies a
// layer's GELU) where they lie (`Finish`): that float work is split with the products instead of
// left to the caller between them (a 16-text encoder pass: ~65 ms of it on one thread).
import type { GemvKernel } from './gemv-module';

/** What the pool needs of a worker: a browser Worker, or an adapter around Node's worker_threads. */
export interface ThreadPort {
  postMessage(message: unknown): void;
  onmessage: ((event: { data: unknown }) => void) | null;
  terminate(): void;
}

/**
 * Control block slots (Int32Array over a SharedArrayBuffer), then one per chunk: the task that
 * computed it. `next` is the publish word: the task number and the next chunk to take, so that a
 * thread still looking for work of the last task cannot take a chunk of the next.
 */
export const SLOT = {
  next: 0,
  kernel: 1,
  xp: 2,
  wp: 3,
  n: 4,
  k: 5,
  op: 6,
  chunks: 7,
  finished: 8,
  stop: 9,
  rows: 10,
  xs: 11,
  os: 12,
  how: 13,
  fo: 14,
  fs: 15,
  table: 16,
  mode: 17,
  zero: 18,
  zp: 19,
  sp: 20,
  bp: 21,
  cp: 22,
  chunk: 23,
} as const;
/** At most this many chunks a product. */
export const MAX_CHUNKS = 32;
const CHUNK_BITS = 6;
const CONTROL_SLOTS = SLOT.chunk + MAX_CHUNKS;
/** Chunks per thread: enough that a slow thread can hand most of its share to the others. */
const CHUNKS_PER_THREAD = 4;

/** The task `next` announces. */
export const taskOf = (next: number): number => next >>> CHUNK_BITS;

/** Takes the next chunk of `task`, or -1 when none is left or another task was published. */
export function claimChunk(control: Int32Array, task: number): number {
  const chunks = Atomics.load(control, SLOT.chunks);
  for (;;) {
    const next = Atomics.load(control, SLOT.next);
    const chunk = next & ((1 << CHUNK_BITS) - 1);
    if (taskOf(next) !== task || chunk >= chunks) return -1;
    if (Atomics.compareExchange(control, SLOT.next, next, next + 1) === next) return chunk;
  }
}

/**
 * Output rows of chunk `c` of `chunks` start here: multiples of the kernel's 8-row blocks. The
 * chunks shrink as they go (the first covers 2/chunks of the rows, the last 1/chunks²), so that
 * the thread that finishes first waits for a small one: with equal chunks the caller spun for
 * half a chunk a product on average (a 16-text encoder pass: ~50 of its ~620 ms, two threads).
 */
export function chunkStart(n: number, chunks: number, c: number): number {
  const left = 1 - c / chunks;
  return Math.min(n, Math.ceil((n * (1 - left * left)) / 8) * 8);
}

/** Computes chunk `c` of the product the control block describes with `kernel`, and marks it done for `task`. */
export function runChunk(control: Int32Array, kernel: ChunkKernel, c: number, task: number): void {
  const at = (slot: number) => Atomics.load(control, slot);
  const chunks = at(SLOT.chunks);
  const p: Product = { xp: at(SLOT.xp), rows: at(SLOT.rows), xs: at(SLOT.xs), wp: at(SLOT.wp), n: at(SLOT.n), k: at(SLOT.k), op: at(SLOT.op), os: at(SLOT.os) };
  const how = at(SLOT.how);
  if (how) {
    p.finish = {
      how,
      fo: at(SLOT.fo),
      fs: at(SLOT.fs),
      table: at(SLOT.table),
      mode: at(SLOT.mode),
      zero: at(SLOT.zero),
      zp: at(SLOT.zp),
      sp: at(SLOT.sp),
      bp: at(SLOT.bp),
      cp: at(SLOT.cp),
    };
  }
  computeColumns(kernel, p, chunkStart(p.n, chunks, c), chunkStart(p.n, chunks, c + 1));
  Atomics.store(control, SLOT.chunk + c, task);
  Atomics.add(control, SLOT.finished, 1);
}

/** Outputs `from`…`to` − 1 of product `p`: their integer sums, then (where `p.finish` says) their floats. */
export function computeColumns(kernel: ChunkKernel, p: Product, from: number, to: number): void {
  if (to <= from) return;
  const f = p.finish;
  const relaxed = f && f.how & FINISH.relaxed;
  (relaxed ? kernel.dotsRelaxed! : kernel.dots)(p.xp, p.rows, p.xs, p.wp + from * p.k, to - from, p.k, p.op + 4 * from, p.os);
  if (!f) return;
  const table = new DataView(kernel.memory.buffer, f.table, p.rows * ROW_TABLE_BYTES);
  const dequantize = (f.how & 3) === FINISH.float ? kernel.dequantizeFloat : kernel.dequantize;
  const activation = f.how & FINISH.gelu ? kernel.gelu : f.how & FINISH.geluErf ? kernel.geluErf : undefined;
  const shift = 4 * from;
  for (let r = 0; r < p.rows; r++) {
    const row = r * ROW_TABLE_BYTES;
    const out = f.fo + r * f.fs + shift;
    const [sum, a, b] = [table.getInt32(row, true), table.getFloat64(row + 8, true), table.getFloat64(row + 16, true)];
    if (relaxed) kernel.unbias(p.op + r * p.os + shift, to - from, sum, table.getInt32(row + 4, true), f.cp, p.n, from, p.xp + r * p.xs);
    dequantize(p.op + r * p.os + shift, to - from, f.mode, f.zero, f.zp + shift, sum, a, b, f.sp + shift, f.bp + shift, out);
    activation?.(out, to - from);
  }
}

/** `dotsRelaxed` of `module` (gemv-module.ts `relaxedModule`) on `memory`, where there is the module. */
export function relaxedDots(module: WebAssembly.Module | undefined, memory: WebAssembly.Memory): { dotsRelaxed?: Dots } {
  if (!module) return {};
  const { dotsRelaxed } = new WebAssembly.Instance(module, { env: { memory } }).exports as { dotsRelaxed: Dots };
  return { dotsRelaxed };
}

/** The kernel's `dots`: `rows` input rows xs bytes apart at xp, their outputs os bytes apart at op. */
export type Dots = (xp: number, rows: number, xs: number, wp: number, n: number, k: number, op: number, os: number) => void;

/** What a thread computes a product's chunks with: the module's products (`dots` or `dotsPacked`, and `dotsRelaxed` where there is relaxed SIMD) and its float work. */
export type ChunkKernel = { dots: Dots; dotsRelaxed?: Dots } & Pick<GemvKernel, 'memory' | 'dequantize' | 'dequantizeFloat' | 'gelu' | 'geluErf' | 'unbias'>;

/**
 * Bits of `Finish.how`: which of the module's functions scales the sums back, then which
 * activation; `relaxed`: the products are `dotsRelaxed`'s, taken back to Σ x·w by `unbias` first.
 */
export const FINISH = { quantized: 1, float: 2, gelu: 4, geluErf: 8, relaxed: 16 } as const;
/** A row's operands in a `Finish` table: its input's sum (i32 at 0), c = 128 − its zero point (i32 at 4, the relaxed path's), then `a` and `b` (f64 at 8 and 16). */
export const ROW_TABLE_BYTES = 24;

/**
 * The float work on a product's sums (int8-kernel.ts): each row's outputs scaled back by the
 * module's `dequantize` (`how` & FINISH.quantized) or `dequantizeFloat` (FINISH.float) with that
 * row's operands from the table at `table`, into float rows `fs` bytes apart at `fo`, then GELU
 * where `how` says; `mode`, `zero`, `zp`, `sp`, `bp` are the layer's, as `dequantize` takes them.
 */
export interface Finish {
  how: number;
  fo: number;
  fs: number;
  table: number;
  mode: number;
  zero: number;
  zp: number;
  sp: number;
  bp: number;
  /** The layer's corrections for `unbias` (scripts/gemv-relaxed-wat.mjs), −1 where its products are not relaxed. */
  cp: number;
}

/** One product: `rows` input rows (i16, xs bytes apart at xp) against [n][k] weights at wp, the sums os bytes apart at op. */
export interface Product {
  xp: number;
  rows: number;
  xs: number;
  wp: number;
  n: number;
  k: number;
  op: number;
  os: number;
  finish?: Finish;
}

/** Bytes of a kernel's memory (by its id) at `at`, and where they lie in an image file (`from`). */
export interface FileRegion {
  id: number;
  at: number;
  length: number;
  from: number;
}

export type ToWorker =
  | { type: 'start'; control: SharedArrayBuffer }
  | { type: 'kernel'; id: number; module: WebAssembly.Module; memory: WebAssembly.Memory; blocks?: boolean; relaxed?: WebAssembly.Module }
  | { type: 'drop'; id: number }
  | { type: 'file'; request: number; write: boolean; path: readonly string[]; regions: readonly FileRegion[] };
export type FromWorker = { type: 'ready'; id: number } | { type: 'file'; request: number; error?: string };

/** How long a kernel image's read or write may take before it is given up (the caller then lays the weights out itself). */
const FILE_TIMEOUT_MS = 30_000;

/**
 * How many worker threads a host with `hardwareConcurrency` logical cores gives its kernels. A
 * decoding step is memory-bound: threads help up to about one per physical core (half the logical
 * ones where cores run two), and past four they only wait on the same memory. The document's own
 * thread computes too, so it counts: half the logical cores in all, two at least, four at most.
 * More threads than cores is slower, not faster: a thread descheduled in the middle of its chunk
 * holds up the whole product (hardwareConcurrency 4 on two cores, bench: decoding 71 → 78 % of
 * the memory limit with one worker instead of two).
 */
export function kernelWorkers(hardwareConcurrency: number): number {
  if (!(hardwareConcurrency >= 2)) return 0;
  return Math.min(4, Math.max(2, Math.floor(hardwareConcurrency / 2))) - 1;
}

/** Products smaller than this (bytes of weights) are not worth waking a worker for. */
const MIN_SHARED_BYTES = 256 * 1024;

export class GemvThreads {
  readonly workers: number;
  private readonly ports: ThreadPort[];
  private readonly control: Int32Array;
  private readonly acks = new Map<number, number>();
  private nextId = 1;
  private task = 0;
  private brokenReason: string | undefined;
  private readonly timeoutMs: number;
  private readonly minBytes: number;
  private readonly dropped = new FinalizationRegistry<number>((id) => this.drop(id));
  /** File requests (`read`, `write`) waiting for their workers' answers. */
  private readonly files = new Map<number, (error?: string) => void>();
  private nextRequest = 1;

  /** `spawn` makes one worker running `serveGemvTasks` (gemv-worker.ts). */
  constructor(spawn: () => ThreadPort, workers: number, options: { timeoutMs?: number; minBytes?: number } = {}) {
    this.workers = workers;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.minBytes = options.minBytes ?? MIN_SHARED_BYTES;
    this.control = new Int32Array(new SharedArrayBuffer(4 * CONTROL_SLOTS));
    this.ports = Array.from({ length: workers }, () => {
      const port = spawn();
      port.onmessage = (event) => {
        const m = event.data as FromWorker;
        if (m?.type === 'ready') this.acks.set(m.id, (this.acks.get(m.id) ?? 0) + 1);
        else if (m?.type === 'file') this.files.get(m.request)?.(m.error);
      };
      port.postMessage({ type: 'start', control: this.control.buffer as SharedArrayBuffer } satisfies ToWorker);
      return port;
    });
  }

  /** Why the threads stopped being used, when they did. */
  get broken(): string | undefined {
    return this.brokenReason;
  }

  /** Threads a product can use now: the caller and every worker. */
  get threads(): number {
    return this.brokenReason ? 1 : this.workers + 1;
  }

  /** Makes `memory` (the kernel module's, shared) known to every worker; `owner` dropping out of use drops it there too. */
  /** `blocks`: its weights are in blocks of eight outputs (the module's `dotsPacked` computes its products); `relaxed`: the module with `dotsRelaxed`, where its layers use it. */
  register(owner: object, module: WebAssembly.Module, memory: WebAssembly.Memory, blocks = false, relaxed?: WebAssembly.Module): number {
    const id = this.nextId++;
    for (const port of this.ports)
      port.postMessage({ type: 'kernel', id, module, memory, ...(blocks ? { blocks } : {}), ...(relaxed ? { relaxed } : {}) } satisfies ToWorker);
    this.dropped.register(owner, id, owner);
    return id;
  }

  /** Whether every worker has instantiated kernel `id` (until then its products run on the caller alone). */
  ready(id: number): boolean {
    return !this.brokenReason && this.acks.get(id) === this.workers;
  }

  /** Whether a product of kernel `id` over [n][k] weights is split over the threads now. */
  splits(id: number, n: number, k: number): boolean {
    return n * k >= this.minBytes && this.ready(id);
  }

  /** Product `p` of kernel `id` over all threads; `local` is the caller's own instance of it. */
  compute(id: number, local: ChunkKernel, p: Product): void {
    if (!this.splits(id, p.n, p.k)) {
      computeColumns(local, p, 0, p.n);
      return;
    }
    const c = this.control;
    const chunks = Math.max(1, Math.min(MAX_CHUNKS, CHUNKS_PER_THREAD * (this.workers + 1), Math.ceil(p.n / 8)));
    const task = (this.task = (this.task % 0x1ffffff) + 1);
    Atomics.store(c, SLOT.kernel, id);
    for (const key of ['xp', 'wp', 'n', 'k', 'op', 'rows', 'xs', 'os'] as const) Atomics.store(c, SLOT[key], p[key]);
    const f = p.finish;
    Atomics.store(c, SLOT.how, f?.how ?? 0);
    if (f) for (const key of ['fo', 'fs', 'table', 'mode', 'zero', 'zp', 'sp', 'bp', 'cp'] as const) Atomics.store(c, SLOT[key], f[key]);
    Atomics.store(c, SLOT.chunks, chunks);
    Atomics.store(c, SLOT.finished, 0);
    Atomics.store(c, SLOT.next, task << CHUNK_BITS);
    Atomics.notify(c, SLOT.next);
    for (let chunk = claimChunk(c, task); chunk >= 0; chunk = claimChunk(c, task)) runChunk(c, local, chunk, task);
    // Chunks the workers took and are still computing.
    const deadline = performance.now() + this.timeoutMs;
    for (let spins = 0; Atomics.load(c, SLOT.finished) < chunks; spins++) {
      if ((spins & 1023) === 1023 && performance.now() > deadline) {
        this.stop(`a kernel thread did not answer within ${this.timeoutMs} ms`);
        for (let chunk = 0; chunk < chunks; chunk++) if (Atomics.load(c, SLOT.chunk + chunk) !== task) runChunk(c, local, chunk, task);
        return;
      }
    }
  }

  /**
   * Reads the regions of file `path` (a kernel image) into the kernels' memories, each worker a
   * share of the bytes (the first touch of fresh memory is most of the time, and it is per core).
   * The document cannot read a file into shared memory without a copy; a worker can (synchronously).
   */
  async read(path: readonly string[], regions: readonly FileRegion[]): Promise<void> {
    const total = regions.reduce((sum, r) => sum + r.length, 0);
    const share = Math.ceil(total / this.workers / 65536) * 65536;
    const shares: FileRegion[][] = this.ports.map(() => []);
    let worker = 0;
    let room = share;
    for (const region of regions) {
      for (let done = 0; done < region.length; ) {
        const length = Math.min(region.length - done, room);
        shares[worker]!.push({ id: region.id, at: region.at + done, length, from: region.from + done });
        done += length;
        room -= length;
        if (room === 0 && worker < this.workers - 1) [worker, room] = [worker + 1, share];
      }
    }
    await Promise.all(shares.map((mine, i) => (mine.length ? this.file(i, false, path, mine) : undefined)));
  }

  /** Writes the regions into file `path` (made anew, its folders too), from one worker. */
  write(path: readonly string[], regions: readonly FileRegion[]): Promise<void> {
    return this.file(0, true, path, regions);
  }

  private file(worker: number, write: boolean, path: readonly string[], regions: readonly FileRegion[]): Promise<void> {
    if (this.brokenReason) return Promise.reject(new Error(this.brokenReason));
    const request = this.nextRequest++;
    return new Promise<void>((ok, fail) => {
      const timer = setTimeout(() => answer(`the kernel thread did not ${write ? 'write' : 'read'} the file within ${FILE_TIMEOUT_MS} ms`), FILE_TIMEOUT_MS);
      const answer = (error?: string) => {
        clearTimeout(timer);
        this.files.delete(request);
        if (error === undefined) ok();
        else fail(new Error(error));
      };
      this.files.set(request, answer);
      this.ports[worker]!.postMessage({ type: 'file', request, write, path, regions } satisfies ToWorker);
    });
  }

  /** Drops kernel `id` in every worker (its owner is done with it), so that its memory can go. */
  forget(id: number, owner?: object): void {
    if (owner) this.dropped.unregister(owner);
    this.drop(id);
  }

  private drop(id: number): void {
    this.acks.delete(id);
    for (const port of this.ports) port.postMessage({ type: 'drop', id } satisfies ToWorker);
  }

  private stop(reason: string): void {
    this.brokenReason ??= reason;
    Atomics.store(this.control, SLOT.stop, 1);
    Atomics.notify(this.control, SLOT.next);
    for (const port of this.ports) port.terminate();
    for (const answer of [...this.files.values()]) answer(reason);
  }

  dispose(): void {
    this.stop('the kernel threads were closed');
  }
}

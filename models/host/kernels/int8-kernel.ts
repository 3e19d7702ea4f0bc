// A q8 linear layer (int8-linear.ts) computed outside onnxruntime: the LM head, for the rows a
// tool reads (GPT's last position, BERT's masks) instead of every position, and a GPT decoding
// step's layers (gpt2-step.ts).
// It does what the q8 graph does — DynamicQuantizeLinear over the whole input tensor, an exact
// integer matrix product, one float multiply, the bias add — so its outputs are the ones
// onnxruntime returns. All of it runs in our own SIMD module (gemv-wasm.ts, built by
// scripts/build-gemv.mjs): the matrix-vector product, which reads the weights much faster than
// onnxruntime-web's int8 GEMM at one row (docs/benchmarks.md), and the float work around it,
// in the same float32 and double operations as the JavaScript it replaced.
// A head tied to a quantised embedding table (the hub's optimum + onnxruntime exports: an fp32
// MatMul over DequantizeLinear(Transpose(table))) runs in the same kernel over the table's own
// 8-bit rows; the graph multiplies in float there, so the kernel quantises each input row to 16
// bits (as many levels as keep the i32 sums exact) and its outputs are close to, not equal to,
// the graph's (`floatInput`, bounded in tests/integration/host/lm/attach-head.test.ts).
import { type ChunkKernel, computeColumns, type Dots, FINISH, type Finish, type GemvThreads, type Product, ROW_TABLE_BYTES, relaxedDots } from './gemv-threads';
import { type GemvKernel, ownKernel, PAGE, relaxedModule, sharedKernel, sharedKernelModule } from './gemv-module';
import { GEMV_DEQUANTIZE, GEMV_K_MULTIPLE, GEMV_TRANSPOSE_ROWS } from './gemv-wasm';
import type { Int8Weights } from './weights';

const align = (value: number, to: number) => Math.ceil(value / to) * to;

/** Input rows a head computes at once (a sense request's masks), its weights read once for all of them. */
const HEAD_ROWS = 4;

/**
 * Where one layer lives in its memory (bytes): quantised input row, integer sums, transposed
 * weights, and its per-output zero points, scales and bias where it has them, and room for the
 * relaxed path's corrections where its memory may take that path (−1 where not).
 */
interface Place {
  xp: number;
  op: number;
  wp: number;
  zp: number;
  sp: number;
  bp: number;
  cp: number;
}

/**
 * How a group's products may run on relaxed SIMD (scripts/gemv-relaxed-wat.mjs), for layers in
 * blocks whose weights fit 7 bits: `true`, where the engine computes it exactly (gemv-module.ts
 * `relaxedModule`); `false`, never; or what makes a function computing `dotsRelaxed` on the
 * group's memory (tests: the instruction's arithmetic in JavaScript, on an engine without it;
 * no threads then).
 */
export type RelaxedProducts = boolean | ((memory: WebAssembly.Memory) => Dots);

/**
 * A group whose memory is filled from a kernel image (host/lm/kernel-image.ts) instead of laid
 * out from its weights' `data` (then empty): whether its memory had room for the relaxed path's
 * corrections, and each layer's `relaxed`, as when the image was taken.
 */
export interface LaidOut {
  relaxedRoom: boolean;
  relaxed: readonly boolean[];
}

/** The bytes of a group's memory that hold its layers (`Int8Kernel.image`), and how they were laid out. */
export interface GroupImage extends LaidOut {
  memory: WebAssembly.Memory;
  bytes: number;
  /** The kernel threads that have the memory, and its id there (images are read and written by a thread). */
  shared: { threads: GemvThreads; id: number } | undefined;
}

/** The 64s a relaxed layer may store as 63 (outputs with both −64 and 64), per output on average; past that, the layer keeps SIMD128. */
const MAX_SIXTY_FOURS_PER_OUTPUT = 1;
/** Bytes of a relaxed layer's corrections for n outputs (gemv-relaxed-wat.mjs `sevenBitFunctions`). */
const correctionBytes = (n: number) => 4 * (3 * n + 1 + MAX_SIXTY_FOURS_PER_OUTPUT * n);

/**
 * What the layers of one memory share, used by one product at a time: the float input rows and
 * the float output rows (as many as a product takes at once), each row's operands for scaling its
 * sums back (`tp`, ROW_TABLE_BYTES a row), and the input's range (views made once: the memory
 * never grows after).
 */
interface Scratch {
  ip: number;
  input: Float32Array;
  fo: number;
  output: Float32Array;
  tp: number;
  table: DataView;
  rp: number;
  range: Float32Array;
}

/**
 * One WebAssembly memory, and the kernel instantiated on it, for several layers. A renderer
 * process has room for about 125 WebAssembly memories (each reserves 8 GiB of address space,
 * measured in Chromium here), so a model's layers share one instead of taking one each.
 */
class KernelMemory {
  readonly kernel: GemvKernel;
  /** The worker threads its products are split over, and its id there (none once released). */
  shared: { threads: GemvThreads; id: number } | undefined;
  /** The kernel as a thread computes chunks of its products with (`dotsPacked` where the weights are in blocks). */
  readonly chunkKernel: ChunkKernel;
  /** Bytes from 0 that hold its layers (the rest is the products' scratch): what an image of it keeps. */
  imageBytes = 0;
  /** Whether its layers were given room for the relaxed path's corrections (`group`'s `mayRelax`). */
  relaxedRoom = false;

  /** `blocks`: the weights lie in blocks of eight outputs (`Int8Kernel.group`'s `blocks`); `relaxed`: as `group`'s. */
  constructor(
    pages: number,
    threads: GemvThreads | undefined,
    readonly blocks = false,
    relaxed: RelaxedProducts = false,
  ) {
    const memory = threads && threads.threads > 1 ? sharedMemory(pages) : undefined;
    if (memory && typeof relaxed === 'function') throw new Error('relaxed products computed in JavaScript cannot run on the kernel threads');
    this.kernel = memory ? sharedKernel(memory) : ownKernel(pages * PAGE);
    // The relaxed module on this memory only where its layers may use it (an encoder's, in blocks).
    const module = blocks && relaxed === true ? relaxedModule()?.[memory ? 'shared' : 'own'] : undefined;
    const dotsRelaxed = typeof relaxed === 'function' && blocks ? relaxed(this.kernel.memory) : relaxedDots(module, this.kernel.memory).dotsRelaxed;
    if (memory) this.shared = { threads: threads!, id: threads!.register(this, sharedKernelModule(), memory, blocks, module) };
    this.chunkKernel = { ...this.kernel, dots: blocks ? this.kernel.dotsPacked : this.kernel.dots, dotsRelaxed };
  }

  /** Whether its layers may compute on relaxed SIMD. */
  get relaxed(): boolean {
    return this.chunkKernel.dotsRelaxed !== undefined;
  }

  release(): void {
    this.shared?.threads.forget(this.shared.id, this);
    this.shared = undefined;
  }
}

/** `Int8Kernel.group`'s options (see there); `laidOut`: the memory is filled from an image afterwards, nothing is laid out. */
export interface GroupOptions {
  oneProductAtATime?: boolean;
  blocks?: boolean;
  relaxed?: RelaxedProducts;
  laidOut?: LaidOut;
}

export class Int8Kernel {
  readonly k: number;
  readonly n: number;
  /** Row stride of the transposed weights: k padded to the kernel's multiple with zeros. */
  private readonly stride: number;
  private readonly memory: KernelMemory;
  private readonly kernel: GemvKernel;
  private readonly xp: number;
  private readonly op: number;
  private readonly wp: number;
  private readonly place: Place;
  private readonly scratch: Scratch;
  /** `dequantize`'s mode: which of zero points, scales and bias are per output. */
  private readonly mode: number;
  /** Per-column zero point of the int8 weights as stored in wasm (uint8 weights are shifted by 128). */
  private readonly zero: Int32Array;
  private readonly scale: Float32Array;
  /** Levels of the 16-bit input quantisation (`floatInput` weights), 0 for DynamicQuantizeLinear's. */
  private readonly levels: number;
  /** Its products run on relaxed SIMD (its weights as 7-bit values, its input as int8: gemv-relaxed-wat.mjs). */
  readonly relaxed: boolean;
  /** The embedding table a tied head reads, by its initializer's name. */
  readonly tiedTo: string | undefined;
  /** What the diagnostics call it: "int8 head", or "tied uint8 table kernel" for a head over a shared embedding table. */
  readonly kind: string;

  /**
   * One layer in a memory of its own (a head: room for HEAD_ROWS input rows at once, so that a
   * tool's several rows read the weights once). `threads`: workers to split each product over
   * (its memory is then shared with them).
   */
  static of(w: Int8Weights, threads?: GemvThreads, laidOut?: LaidOut): Int8Kernel {
    return Int8Kernel.group([w], threads, HEAD_ROWS, laidOut ? { laidOut } : {})[0]!;
  }

  /** Several layers (a model's) in one memory, `maxRows` input rows at a time; throws when that memory cannot be had. */
  /**
   * `oneProductAtATime`: the layers share one room for their input and output rows instead of
   * each its own (a layer stack whose every product's outputs are copied out before the next, as
   * `rows` does: an encoder's), so that many rows a pass cost the memory once. `blocks`: the
   * weights lie in blocks of eight outputs, each 16 bytes two inputs of the eight (the module's
   * `dotsPacked`: 1.47× the row layout's rate at 32 rows, Node; same sums), for layers that only
   * ever take many rows: a one-row product reads them slower than the row layout. `relaxed`: how
   * layers in blocks whose weights fit 7 bits may compute on relaxed SIMD (`RelaxedProducts`;
   * the same sums, ~3× the rate of `dotsPacked`).
   */
  static group(
    ws: readonly Int8Weights[],
    threads?: GemvThreads,
    maxRows = 1,
    { oneProductAtATime = false, blocks = false, relaxed = true as RelaxedProducts, laidOut }: GroupOptions = {},
  ): Int8Kernel[] {
    const mayRelax = blocks && relaxed !== false && (typeof relaxed === 'function' || relaxedModule() !== undefined);
    // An image laid out for another engine (with or without relaxed SIMD) is not this one's layout.
    if (laidOut && (laidOut.relaxedRoom !== mayRelax || laidOut.relaxed.length !== ws.length))
      throw new Error(`the kernel image was laid out ${laidOut.relaxedRoom ? 'with' : 'without'} relaxed SIMD, this engine ${mayRelax ? 'has' : 'lacks'} it`);
    let at = 0;
    /** Room for one value per output where there is one per output (a bias always is), else −1. */
    const perOutput = (values: ArrayLike<number> | undefined, n: number, bias = false): number => {
      if (!values || (values.length === 1 && !bias)) return -1;
      if (values.length !== n) throw new Error(`${values.length} per-output values for ${n} outputs`);
      const p = at;
      at = align(at + 4 * n, 64);
      return p;
    };
    /** Room for `maxRows` quantised input rows of `k` and integer output rows of `n`. */
    const rowsRoom = (k: number, n: number) => {
      const xp = at;
      const op = align(xp + maxRows * align(k, GEMV_K_MULTIPLE) * 2, 64);
      at = align(op + maxRows * n * 4, 64);
      return { xp, op };
    };
    const shared = oneProductAtATime ? rowsRoom(Math.max(0, ...ws.map((w) => w.k)), Math.max(0, ...ws.map((w) => w.n))) : undefined;
    const places = ws.map((w): Place => {
      const stride = align(w.k, GEMV_K_MULTIPLE);
      const { xp, op } = shared ?? rowsRoom(w.k, w.n);
      const wp = at;
      // Blocks: the last one whole, its outputs past n never stored.
      at = align(wp + (blocks ? align(w.n, 8) : w.n) * stride, 64);
      const cp = mayRelax && !w.floatInput ? at : -1;
      if (cp >= 0) at = align(at + correctionBytes(w.n), 64);
      return { xp, op, wp, zp: perOutput(w.zeroPoint, w.n), sp: perOutput(w.scale, w.n), bp: perOutput(w.bias, w.n, true), cp };
    });
    const ip = at;
    const fo = align(ip + 4 * maxRows * Math.max(0, ...ws.map((w) => w.k)), 64);
    const tp = align(fo + 4 * maxRows * Math.max(0, ...ws.map((w) => w.n)), 64);
    const rp = align(tp + ROW_TABLE_BYTES * maxRows, 64);
    // Then the strip the weights are laid out through (transposeInto; a block of eight rows for `interleave`).
    const strip = align(rp + 8, 64);
    const bytes = strip + Math.max(0, ...ws.map((w) => Math.max(GEMV_TRANSPOSE_ROWS * w.n, 8 * align(w.k, GEMV_K_MULTIPLE))));
    const memory = new KernelMemory(Math.ceil(bytes / PAGE), threads, blocks, mayRelax && relaxed);
    memory.imageBytes = ip;
    memory.relaxedRoom = mayRelax;
    if (laidOut?.relaxed.some((r) => r) && !memory.relaxed) throw new Error('the kernel image has relaxed layers and relaxed SIMD did not start');
    const { buffer } = memory.kernel.memory;
    const scratch: Scratch = {
      ip,
      input: new Float32Array(buffer, ip, (fo - ip) / 4),
      fo,
      output: new Float32Array(buffer, fo, (tp - fo) / 4),
      tp,
      table: new DataView(buffer, tp, ROW_TABLE_BYTES * maxRows),
      rp,
      range: new Float32Array(buffer, rp, 2),
    };
    return ws.map((w, i) => new Int8Kernel(w, memory, places[i]!, scratch, strip, maxRows, laidOut?.relaxed[i]));
  }

  /** The image of a whole group (`kernels` as `group` returned them): the memory they share, its bytes that hold them, and how they are laid out. */
  static image(kernels: readonly Int8Kernel[]): GroupImage {
    const memory = kernels[0]?.memory;
    if (!memory || kernels.some((k) => k.memory !== memory)) throw new Error('the kernels are not one group');
    return {
      memory: memory.kernel.memory,
      bytes: memory.imageBytes,
      shared: memory.shared,
      relaxedRoom: memory.relaxedRoom,
      relaxed: kernels.map((k) => k.relaxed),
    };
  }

  private constructor(
    w: Int8Weights,
    memory: KernelMemory,
    place: Place,
    scratch: Scratch,
    strip: number,
    private readonly maxRows: number,
    /** Its `relaxed` where the memory is filled from an image (nothing is laid out here). */
    laid?: boolean,
  ) {
    this.k = w.k;
    this.n = w.n;
    this.stride = align(w.k, GEMV_K_MULTIPLE);
    this.memory = memory;
    this.kernel = memory.kernel;
    this.place = place;
    this.scratch = scratch;
    ({ xp: this.xp, op: this.op, wp: this.wp } = place);
    if (laid !== undefined) this.relaxed = laid;
    else {
      transposeInto(this.kernel, strip, this.wp, w, this.stride);
      this.relaxed = memory.relaxed && place.cp >= 0 && intoSevenBits(this.kernel, place.cp, this.wp, this.n, this.stride);
      if (this.relaxed) intoBlocks(this.kernel, strip, this.wp, this.n, this.stride, 'interleaveQuads');
      else if (memory.blocks) intoBlocks(this.kernel, strip, this.wp, this.n, this.stride);
    }
    const shift = w.signed ? 0 : 128;
    this.zero = Int32Array.from(w.zeroPoint, (z) => z - shift);
    this.scale = w.scale;
    const { buffer } = this.kernel.memory;
    if (laid === undefined) {
      if (place.zp >= 0) new Int32Array(buffer, place.zp, this.n).set(this.zero);
      if (place.sp >= 0) new Float32Array(buffer, place.sp, this.n).set(this.scale);
      if (place.bp >= 0) new Float32Array(buffer, place.bp, this.n).set(w.bias!);
    }
    this.mode = (place.zp >= 0 ? GEMV_DEQUANTIZE.zeros : 0) | (place.sp >= 0 ? GEMV_DEQUANTIZE.scales : 0) | (place.bp >= 0 ? GEMV_DEQUANTIZE.bias : 0);
    this.tiedTo = w.tiedTo;
    this.kind = w.tiedTo ? `tied ${w.signed ? 'int8' : 'uint8'} table kernel` : 'int8 head';
    this.levels = w.floatInput ? floatInputLevels(w.k) : 0;
  }

  /**
   * The table a tied head reads, as it lies in the kernel's memory (int8: uint8 tables are stored
   * shifted by −128, the zero point with them), for a GPT decoder's embedding lookups to share
   * instead of a copy of their own; none where the rows are padded or quantised per output.
   */
  tableView(): { data: Uint8Array; rows: number; width: number; scale: number; zeroPoint: number } | undefined {
    if (!this.tiedTo || this.stride !== this.k || this.scale.length !== 1 || this.zero.length !== 1) return undefined;
    return {
      data: new Uint8Array(this.kernel.memory.buffer, this.wp, this.n * this.k),
      rows: this.n,
      width: this.k,
      scale: this.scale[0]!,
      zeroPoint: this.zero[0]!,
    };
  }

  /**
   * Rows of a tied head's table as the graph's embedding lookup makes them (Gather, then
   * DequantizeLinear: (q − zero point) · scale in float32), for a session whose lookup was taken
   * out (head-graph.ts `WORD_EMBEDDINGS_INPUT`). Exact: q − zero point is an integer of at most
   * 9 bits, so its product with the float32 scale is exact in a double and rounded once to
   * float32, as DequantizeLinear's float32 product is. Throws on an id outside the table (as
   * Gather does).
   */
  tableRows(ids: ArrayLike<number | bigint>): Float32Array {
    if (!this.tiedTo || this.scale.length !== 1 || this.zero.length !== 1) throw new Error('the head has no table with one scale to read rows from');
    const { k, n, stride } = this;
    const table = new Int8Array(this.kernel.memory.buffer, this.wp, n * stride);
    const scale = this.scale[0]!;
    const zero = this.zero[0]!;
    const out = new Float32Array(ids.length * k);
    for (let r = 0; r < ids.length; r++) {
      const id = Number(ids[r]);
      if (!Number.isInteger(id) || id < 0 || id >= n) throw new RangeError(`token id ${id} is outside the embedding table (${n} rows)`);
      const row = table.subarray(id * stride, id * stride + k);
      for (let j = 0, at = r * k; j < k; j++) out[at + j] = (row[j]! - zero) * scale;
    }
    return out;
  }

  /** Whether the outputs equal the graph's (DynamicQuantizeLinear input) or approximate a float product (16-bit input). */
  get exact(): boolean {
    return this.levels === 0;
  }

  /** The WebAssembly memory it lives in (the layers of one group share it). */
  get wasmMemory(): WebAssembly.Memory {
    return this.kernel.memory;
  }

  /** Threads its products run on now. */
  get threads(): number {
    const shared = this.memory.shared;
    return shared?.threads.splits(shared.id, this.n, this.stride) ? shared.threads.threads : 1;
  }

  /**
   * Lets the worker threads drop their instances of its memory (after which it, and the layers
   * sharing that memory, run alone); the memory goes with the last reference.
   */
  release(): void {
    this.memory.release();
  }

  /**
   * Logits of row `row` of `hidden` ([rows][k], the head's input for every position fed). The
   * input is quantised as onnxruntime's DynamicQuantizeLinear quantises the whole tensor, so
   * the result equals the graph's logits for that row.
   */
  logits(hidden: Float32Array, row: number): Float32Array {
    return this.rows(hidden, [row])[0]!;
  }

  /** The layer's output for a one-row input. */
  apply(x: Float32Array): Float32Array {
    return this.rows(x, [0])[0]!;
  }

  /**
   * `apply` without the copy: the outputs where the kernel wrote them, valid until the next
   * product of any layer in this memory (a decoding step's layers, consumed before the next).
   * `activation`: applied to them there: GPT-2's GELU (the module's `gelu`) or BERT's (`geluErf`).
   */
  applyInPlace(x: Float32Array, activation?: Activation): Float32Array {
    if (this.levels || x.length !== this.k) throw new RangeError(`applyInPlace takes one row of ${this.k} into a DynamicQuantizeLinear layer`);
    this.scratch.input.set(x);
    this.quantizeRow(0, this.rowQuantization());
    this.compute(1, activation);
    return this.scratch.output.subarray(0, this.n);
  }

  /**
   * `logits` for several rows of one input, quantised once (a `floatInput` head: each row to
   * its own 16 bits), up to `maxRows` rows to one pass over the weights. `activation`: applied
   * to each row's outputs, as `applyInPlace` does. `tensors`: the input is several tensors side
   * by side, starting at these rows (ascending, the first 0), each quantised on its own, as the
   * graph would quantise each alone (an encoder's texts, unpadded).
   */
  rows(hidden: Float32Array, rows: readonly number[], activation?: Activation, tensors?: readonly number[]): Float32Array[] {
    const out: Float32Array[] = [];
    const { n } = this;
    this.product(hidden, rows, activation, tensors, (outputs) => {
      for (let r = 0; r < outputs.length / n; r++) out.push(outputs.slice(r * n, (r + 1) * n));
    });
    return out;
  }

  /** `rows` of every row of `hidden`, side by side in one array ([rows][n]: `into`'s start where given, a layer stack's buffer reused layer after layer). */
  allRows(hidden: Float32Array, activation?: Activation, tensors?: readonly number[], into?: Float32Array): Float32Array {
    const count = hidden.length / this.k;
    if (into && into.length < count * this.n) throw new RangeError(`no room for [${count}][${this.n}] outputs in ${into.length}`);
    const out = into ? into.subarray(0, count * this.n) : new Float32Array(count * this.n);
    let at = 0;
    this.product(
      hidden,
      Array.from({ length: count }, (_, i) => i),
      activation,
      tensors,
      (output) => {
        out.set(output, at);
        at += output.length;
      },
    );
    return out;
  }

  /** The product for `rows` of `hidden`, the outputs handed to `take` a group of rows at a time, in order ([group][n]: a view of the scratch, valid until the next group). */
  private product(
    hidden: Float32Array,
    rows: readonly number[],
    activation: Activation | undefined,
    tensors: readonly number[] | undefined,
    take: (outputs: Float32Array) => void,
  ): void {
    const { k, n } = this;
    for (const row of rows) {
      if (hidden.length % k !== 0 || row < 0 || (row + 1) * k > hidden.length)
        throw new RangeError(`row ${row} is not in a [${hidden.length / k}][${k}] input`);
    }
    // One row of a DynamicQuantizeLinear layer: its range in the kernel too.
    const oneRow = !this.levels && hidden.length === k;
    const quantizations = this.levels || oneRow ? undefined : this.tensorQuantizations(hidden, tensors ?? [0]);
    for (let from = 0; from < rows.length; from += this.maxRows) {
      const group = Math.min(this.maxRows, rows.length - from);
      this.loadRows(hidden, rows, from, group);
      for (let r = 0; r < group; r++) this.quantizeRow(r, oneRow ? this.rowQuantization() : quantizations?.(rows[from + r]!));
      this.compute(group, activation);
      take(this.scratch.output.subarray(0, group * n));
    }
  }

  /** Rows `rows[from…from + count)` of `hidden` into the input rows (one copy where they follow each other). */
  private loadRows(hidden: Float32Array, rows: readonly number[], from: number, count: number): void {
    const { k, scratch } = this;
    const first = rows[from]!;
    let follow = true;
    for (let r = 1; r < count && follow; r++) follow = rows[from + r] === first + r;
    if (follow) {
      scratch.input.set(hidden.subarray(first * k, (first + count) * k));
      return;
    }
    for (let r = 0; r < count; r++) scratch.input.set(hidden.subarray(rows[from + r]! * k, (rows[from + r]! + 1) * k), r * k);
  }

  /**
   * The quantisation of each row of [rows][k] `x`: that of the tensor (of those starting at
   * `starts`) it is in, as `dynamicQuantization` computes it, the ranges taken in the module
   * (the input rows' room a block at a time: ~8× the JavaScript loop).
   */
  private tensorQuantizations(x: Float32Array, starts: readonly number[]): (row: number) => Quantization {
    const { k, scratch, kernel, maxRows } = this;
    const count = x.length / k;
    if (starts[0] !== 0 || starts.some((s, i) => i > 0 && s <= starts[i - 1]!) || starts.at(-1)! >= Math.max(1, count)) {
      throw new RangeError(`tensors starting at rows ${starts.join(', ')} do not cut a [${count}][${k}] input`);
    }
    const low = new Float32Array(starts.length);
    const high = new Float32Array(starts.length);
    let t = 0;
    for (let from = 0; from < count; from += maxRows) {
      const to = Math.min(count, from + maxRows);
      scratch.input.set(x.subarray(from * k, to * k));
      for (let a = from; a < to; ) {
        while ((starts[t + 1] ?? count) <= a) t++;
        const b = Math.min(to, starts[t + 1] ?? count);
        kernel.range(scratch.ip + 4 * (a - from) * k, (b - a) * k, scratch.rp);
        low[t] = Math.min(low[t]!, scratch.range[0]!);
        high[t] = Math.max(high[t]!, scratch.range[1]!);
        a = b;
      }
    }
    const qs = starts.map((_, i) => quantization(low[i]!, high[i]!));
    const tensorOf = new Int32Array(count);
    starts.forEach((start, i) => tensorOf.fill(i, start));
    return (row) => qs[tensorOf[row]!]!;
  }

  /** DynamicQuantizeLinear's parameters for the loaded row alone. */
  private rowQuantization(): Quantization {
    const { scratch } = this;
    this.kernel.range(scratch.ip, this.k, scratch.rp);
    return quantization(scratch.range[0]!, scratch.range[1]!);
  }

  /**
   * Loaded row `r` as input row `r`: quantised with `q` (DynamicQuantizeLinear's parameters for
   * the whole tensor), or for a `floatInput` head to ±levels, Math.round(x / step) with step =
   * max |x| / levels; what scaling its sums back needs goes to row `r` of the table: for `q`,
   * f32(sum) · f32(q.scale · scale) and the bias, each a float32 operation as in the graph; for a
   * `floatInput` head (sum · step) · scale in doubles, rounded once, and the bias.
   */
  private quantizeRow(r: number, q: Quantization | undefined): void {
    const { k, kernel, scratch, stride } = this;
    const xp = this.xp + r * stride * (this.relaxed ? 1 : 2);
    const ip = scratch.ip + 4 * r * k;
    const row = r * ROW_TABLE_BYTES;
    if (!q) {
      const max = kernel.maxAbs(ip, k);
      const step = max > 0 ? max / this.levels : 1;
      scratch.table.setInt32(row, kernel.roundDiv(ip, k, stride, step, xp), true);
      scratch.table.setFloat64(row + 8, step, true);
      scratch.table.setFloat64(row + 16, this.scale[0]!, true);
      return;
    }
    scratch.table.setInt32(row, (this.relaxed ? kernel.quantize8 : kernel.quantize)(ip, k, stride, q.scale, q.zeroPoint, xp), true);
    scratch.table.setInt32(row + 4, 128 - q.zeroPoint, true);
    scratch.table.setFloat64(row + 8, Math.fround(q.scale * this.scale[0]!), true);
    scratch.table.setFloat64(row + 16, q.scale, true);
  }

  /**
   * The first `rows` quantised input rows against every weight row, scaled back to float rows at
   * the scratch's output (and `activation` applied), split over the threads where there are: each
   * thread scales back the outputs it computed.
   */
  private compute(rows: number, activation: Activation | undefined): void {
    const { stride, n, place, scratch } = this;
    const finish: Finish = {
      how: (this.levels ? FINISH.float : FINISH.quantized) | (activation ? FINISH[activation] : 0) | (this.relaxed ? FINISH.relaxed : 0),
      fo: scratch.fo,
      fs: 4 * n,
      table: scratch.tp,
      mode: this.mode,
      zero: this.zero[0]!,
      zp: place.zp,
      sp: place.sp,
      bp: place.bp,
      cp: place.cp,
    };
    const product: Product = { xp: this.xp, rows, xs: stride * (this.relaxed ? 1 : 2), wp: this.wp, n, k: stride, op: this.op, os: n * 4, finish };
    const shared = this.memory.shared;
    if (shared) shared.threads.compute(shared.id, this.memory.chunkKernel, product);
    else computeColumns(this.memory.chunkKernel, product, 0, n);
  }
}

/** An activation the module applies to a layer's outputs where they lie: GPT-2's GELU (tanh form) or BERT's (erf). */
export type Activation = 'gelu' | 'geluErf';

/**
 * Input levels for `floatInput` weights: the most (up to int16's 32767) that keep every sum
 * exact in the kernel's i32 lanes, |Σ x·w| ≤ k · levels · 128 < 2³¹ (21845 at GPT-2's 768).
 * Rounding each input to 1/levels of its row's largest magnitude bounds the error of an output
 * by max|x| / (2·levels) · Σ|w| (tests/integration/host/lm/attach-head.test.ts measures it on fixtures).
 */
export function floatInputLevels(k: number): number {
  return Math.min(32767, Math.floor(0x7fffffff / (Math.max(1, k) * 128)));
}

/** A shared memory of exactly `pages` (it never grows), or none where it cannot be had (then the kernel runs alone). */
function sharedMemory(pages: number): WebAssembly.Memory | undefined {
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch {
    return undefined;
  }
}

interface Quantization {
  scale: number;
  zeroPoint: number;
}

/** onnxruntime's DynamicQuantizeLinear parameters (uint8, the range widened to include 0), in float32 arithmetic. */
export function dynamicQuantization(x: Float32Array): Quantization {
  let min = 0;
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return quantization(min, max);
}

/** The parameters for a range [min ≤ 0, max ≥ 0]. */
function quantization(min: number, max: number): Quantization {
  const scale = max === min ? 1 : Math.fround(Math.fround(max - min) / 255);
  const initial = Math.fround(0 - Math.fround(min / scale));
  return { scale, zeroPoint: roundHalfEven(Math.min(255, Math.max(0, initial))) };
}

/** One value as DynamicQuantizeLinear stores it: round-half-even of x / scale, plus the zero point, clamped to uint8. */
export function quantize(v: number, q: Quantization): number {
  return Math.min(255, Math.max(0, roundHalfEven(Math.fround(v / q.scale)) + q.zeroPoint));
}

function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const frac = v - floor;
  if (frac !== 0.5) return frac < 0.5 ? floor : floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * dst[j][i] = w[i][j] as int8 (uint8 weights shifted by −128), rows `stride` long, at `wp`:
 * GEMV_TRANSPOSE_ROWS source rows at a time are copied to the strip at `sp` and written out by
 * the kernel's `transpose`, 16 contiguous bytes per destination row (~4× a JS loop).
 */
function transposeInto(kernel: GemvKernel, sp: number, wp: number, w: Int8Weights, stride: number): void {
  const { data, k, n } = w;
  const flip = w.signed ? 0 : 0x80808080;
  if (w.layout === 'nk') {
    copyRowsInto(kernel, wp, w, stride);
    return;
  }
  const strip = new Uint8Array(kernel.memory.buffer, sp, GEMV_TRANSPOSE_ROWS * n);
  const rows = GEMV_TRANSPOSE_ROWS;
  const whole = k - (k % rows);
  for (let i = 0; i < whole; i += rows) {
    strip.set(data.subarray(i * n, (i + rows) * n));
    kernel.transpose(sp, wp + i, n, stride, flip | 0);
  }
  const dst = new Uint8Array(kernel.memory.buffer, wp, n * stride);
  for (let i = whole; i < k; i++) for (let j = 0; j < n; j++) dst[j * stride + i] = data[i * n + j]! ^ (flip & 0xff);
}

/** The [n][stride] rows at `wp` into blocks of eight (the module's `interleave`, or `interleaveQuads` for relaxed products), each block through the strip at `sp`. */
function intoBlocks(kernel: GemvKernel, sp: number, wp: number, n: number, stride: number, how: 'interleave' | 'interleaveQuads' = 'interleave'): void {
  const bytes = new Uint8Array(kernel.memory.buffer);
  for (let j = 0; j < n; j += 8) {
    const at = wp + j * stride;
    // The last block's rows past n are whatever lies there: their outputs are never stored.
    bytes.copyWithin(sp, at, at + 8 * stride);
    kernel[how](sp, at, stride);
  }
}

/**
 * The [n][stride] int8 rows at `wp` as 7-bit values for relaxed products, their corrections at
 * `cp` (scripts/gemv-relaxed-wat.mjs), where every weight lies in [−64, 64] and few outputs have
 * both ends; false (nothing changed) where not.
 */
function intoSevenBits(kernel: GemvKernel, cp: number, wp: number, n: number, stride: number): boolean {
  const { buffer } = kernel.memory;
  const sp = cp + 4 * n;
  if (kernel.sevenBitRows(wp, n, stride, sp) > 0) return false;
  const s = new Int32Array(buffer, sp, n);
  const offsets = new Int32Array(buffer, sp + 4 * n, n + 1);
  const inputs = new Int32Array(buffer, sp + 4 * (2 * n + 1), MAX_SIXTY_FOURS_PER_OUTPUT * n);
  const weights = new Int8Array(buffer, wp, n * stride);
  let count = 0;
  for (let j = 0; j < n; j++) {
    offsets[j] = count;
    if (s[j] !== 0) continue;
    // Both −64 and 64: the 64s will be stored as 63, each input added back by `unbias`.
    for (let i = j * stride; i < (j + 1) * stride; i++) {
      if (weights[i] !== 64) continue;
      if (count === inputs.length) return false;
      inputs[count++] = i - j * stride;
    }
  }
  offsets[n] = count;
  kernel.sevenBit(wp, n, stride, sp, cp);
  return true;
}

/** An [n][k] table (already one row per output) into rows `stride` long at `wp`, uint8 shifted by −128 to int8. */
function copyRowsInto(kernel: GemvKernel, wp: number, w: Int8Weights, stride: number): void {
  const { data, k, n } = w;
  const dst = new Uint8Array(kernel.memory.buffer, wp, n * stride);
  if (stride === k) dst.set(data.subarray(0, n * k));
  else for (let j = 0; j < n; j++) dst.set(data.subarray(j * k, (j + 1) * k), j * stride);
  if (w.signed) return;
  // Padding turns to 0x80 too; the input's padding is zero, so it adds nothing to the sums.
  const words = new Uint32Array(kernel.memory.buffer, wp, (n * stride) / 4);
  for (let i = 0; i < words.length; i++) words[i] = words[i]! ^ 0x80808080;
}

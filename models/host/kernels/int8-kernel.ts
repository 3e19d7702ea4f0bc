// A q8 linear layer (int8-linear.ts) computed outside onnxruntime: the LM head, for the rows a
// tool reads (GPT's last position, BERT's masks) instead of every position, and a GPT decoding
// step's layers (gpt-decoder/).
// It does what the q8 graph does — DynamicQuantizeLinear over the whole input tensor, an exact
// integer matrix product, one float multiply, the bias add — so its outputs are the ones
// onnxruntime returns; only the matrix-vector product runs in our own SIMD kernel (gemv-wasm.ts),
// which reads the weights much faster than onnxruntime-web's int8 GEMM at one row (docs/benchmarks.md).
// A head tied to a quantised embedding table (the hub's optimum + onnxruntime exports: an fp32
// MatMul over DequantizeLinear(Transpose(table))) runs in the same kernel over the table's own
// 8-bit rows; the graph multiplies in float there, so the kernel quantises each input row to 16
// bits (as many levels as keep the i32 sums exact) and its outputs are close to, not equal to,
// the graph's (`floatInput`, bounded in tests/integration/host/lm/attach-head.test.ts).
import type { GemvThreads } from './gemv-threads';
import { GEMV_K_MULTIPLE, GEMV_SHARED_WASM_BASE64, GEMV_TRANSPOSE_ROWS, GEMV_WASM_BASE64 } from './gemv-wasm';
import type { Int8Weights } from './weights';

interface Kernel {
  memory: WebAssembly.Memory;
  dots(xp: number, wp: number, n: number, k: number, op: number): void;
  transpose(src: number, dst: number, n: number, stride: number, flip: number): void;
}

const compiled: { own?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
function kernelModule(): WebAssembly.Module {
  compiled.own ??= new WebAssembly.Module(decode(GEMV_WASM_BASE64));
  return compiled.own;
}
function sharedKernelModule(): WebAssembly.Module {
  compiled.shared ??= new WebAssembly.Module(decode(GEMV_SHARED_WASM_BASE64));
  return compiled.shared;
}

const PAGE = 65536;
const align = (value: number, to: number) => Math.ceil(value / to) * to;

/** Where one layer lives in its memory: input row, output row, transposed weights (bytes). */
interface Place {
  xp: number;
  op: number;
  wp: number;
}

/**
 * One WebAssembly memory, and the kernel instantiated on it, for several layers. A renderer
 * process has room for about 125 WebAssembly memories (each reserves 8 GiB of address space,
 * measured in Chromium here), so a model's layers share one instead of taking one each.
 */
class KernelMemory {
  readonly kernel: Kernel;
  /** The worker threads its products are split over, and its id there (none once released). */
  shared: { threads: GemvThreads; id: number } | undefined;

  constructor(pages: number, threads: GemvThreads | undefined) {
    const memory = threads && threads.threads > 1 ? sharedMemory(pages) : undefined;
    if (memory) {
      const module = sharedKernelModule();
      const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Omit<Kernel, 'memory'>;
      this.kernel = { memory, dots: exports.dots, transpose: exports.transpose };
      this.shared = { threads: threads!, id: threads!.register(this, module, memory) };
    } else {
      this.kernel = new WebAssembly.Instance(kernelModule()).exports as unknown as Kernel;
      this.kernel.memory.grow(pages - this.kernel.memory.buffer.byteLength / PAGE);
    }
  }

  release(): void {
    this.shared?.threads.forget(this.shared.id, this);
    this.shared = undefined;
  }
}

export class Int8Kernel {
  readonly k: number;
  readonly n: number;
  /** Row stride of the transposed weights: k padded to the kernel's multiple with zeros. */
  private readonly stride: number;
  private readonly memory: KernelMemory;
  private readonly kernel: Kernel;
  private readonly xp: number;
  private readonly op: number;
  private readonly wp: number;
  /** Per-column zero point of the int8 weights as stored in wasm (uint8 weights are shifted by 128). */
  private readonly zero: Int32Array;
  private readonly scale: Float32Array;
  private readonly bias: Float32Array | undefined;
  /** Levels of the 16-bit input quantisation (`floatInput` weights), 0 for DynamicQuantizeLinear's. */
  private readonly levels: number;
  /** The embedding table a tied head reads, by its initializer's name. */
  readonly tiedTo: string | undefined;
  /** What the diagnostics call it: "int8 head", or "tied uint8 table kernel" for a head over a shared embedding table. */
  readonly kind: string;

  /** One layer in a memory of its own. `threads`: workers to split each product over (its memory is then shared with them). */
  static of(w: Int8Weights, threads?: GemvThreads): Int8Kernel {
    return Int8Kernel.group([w], threads)[0]!;
  }

  /** Several layers (a model's) in one memory; throws when that memory cannot be had. */
  static group(ws: readonly Int8Weights[], threads?: GemvThreads): Int8Kernel[] {
    let at = 0;
    const places = ws.map((w): Place => {
      const stride = align(w.k, GEMV_K_MULTIPLE);
      const xp = at;
      const op = align(xp + stride * 2, 64);
      const wp = align(op + w.n * 4, 64);
      at = align(wp + w.n * stride, 64);
      return { xp, op, wp };
    });
    // Then the strip the weights are laid out through (transposeInto).
    const strip = at;
    const bytes = strip + GEMV_TRANSPOSE_ROWS * Math.max(0, ...ws.map((w) => w.n));
    const memory = new KernelMemory(Math.ceil(bytes / PAGE), threads);
    return ws.map((w, i) => new Int8Kernel(w, memory, places[i]!, strip));
  }

  private constructor(w: Int8Weights, memory: KernelMemory, place: Place, strip: number) {
    this.k = w.k;
    this.n = w.n;
    this.stride = align(w.k, GEMV_K_MULTIPLE);
    this.memory = memory;
    this.kernel = memory.kernel;
    ({ xp: this.xp, op: this.op, wp: this.wp } = place);
    transposeInto(this.kernel, strip, this.wp, w, this.stride);
    const shift = w.signed ? 0 : 128;
    this.zero = Int32Array.from(w.zeroPoint, (z) => z - shift);
    this.scale = w.scale;
    this.bias = w.bias;
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

  /** `logits` for several rows of one input, quantised once. */
  rows(hidden: Float32Array, rows: readonly number[]): Float32Array[] {
    const { k } = this;
    for (const row of rows) {
      if (hidden.length % k !== 0 || row < 0 || (row + 1) * k > hidden.length)
        throw new RangeError(`row ${row} is not in a [${hidden.length / k}][${k}] input`);
    }
    if (this.levels) return rows.map((row) => this.floatRow(hidden.subarray(row * k, (row + 1) * k)));
    const q = dynamicQuantization(hidden);
    return rows.map((row) => this.row(hidden.subarray(row * k, (row + 1) * k), q));
  }

  private row(input: Float32Array, q: Quantization): Float32Array {
    const { k, n, bias } = this;
    const x = new Int16Array(this.kernel.memory.buffer, this.xp, this.stride);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const a = quantize(input[i]!, q) - q.zeroPoint;
      x[i] = a;
      sum += a;
    }
    x.fill(0, k);
    const dots = this.dots();
    const out = new Float32Array(n);
    const zeros = this.zero.length > 1;
    const scales = this.scale.length > 1;
    const zero0 = this.zero[0]!;
    const multiplier0 = Math.fround(q.scale * this.scale[0]!);
    for (let j = 0; j < n; j++) {
      const exact = dots[j]! - (zeros ? this.zero[j]! : zero0) * sum;
      out[j] = Math.fround(exact) * (scales ? Math.fround(q.scale * this.scale[j]!) : multiplier0);
    }
    // Float32Array stores round the product; the graph's bias Add is one more float32 sum.
    if (bias) for (let j = 0; j < n; j++) out[j] = out[j]! + bias[j]!;
    return out;
  }

  /** One row of a float product (`floatInput`): the row quantised symmetrically to ±levels, exact integer sums, one double multiply. */
  private floatRow(input: Float32Array): Float32Array {
    const { k, n, bias, levels } = this;
    let max = 0;
    for (let i = 0; i < k; i++) max = Math.max(max, Math.abs(input[i]!));
    const step = max > 0 ? max / levels : 1;
    const x = new Int16Array(this.kernel.memory.buffer, this.xp, this.stride);
    let sum = 0;
    for (let i = 0; i < k; i++) {
      const a = Math.round(input[i]! / step);
      x[i] = a;
      sum += a;
    }
    x.fill(0, k);
    const dots = this.dots();
    const out = new Float32Array(n);
    const zeros = this.zero.length > 1;
    const scales = this.scale.length > 1;
    const zero0 = this.zero[0]!;
    const scale0 = this.scale[0]!;
    for (let j = 0; j < n; j++) out[j] = (dots[j]! - (zeros ? this.zero[j]! : zero0) * sum) * step * (scales ? this.scale[j]! : scale0);
    if (bias) for (let j = 0; j < n; j++) out[j] = out[j]! + bias[j]!;
    return out;
  }

  /** The product of the input row at xp with every weight row, as i32 at op (split over the threads where there are). */
  private dots(): Int32Array {
    const shared = this.memory.shared;
    if (shared) shared.threads.dots(shared.id, this.kernel.dots, this.xp, this.wp, this.n, this.stride, this.op);
    else this.kernel.dots(this.xp, this.wp, this.n, this.stride, this.op);
    return new Int32Array(this.kernel.memory.buffer, this.op, this.n);
  }
}

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
  for (const v of x) {
    if (v < min) min = v;
    else if (v > max) max = v;
  }
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
function transposeInto(kernel: Kernel, sp: number, wp: number, w: Int8Weights, stride: number): void {
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

/** An [n][k] table (already one row per output) into rows `stride` long at `wp`, uint8 shifted by −128 to int8. */
function copyRowsInto(kernel: Kernel, wp: number, w: Int8Weights, stride: number): void {
  const { data, k, n } = w;
  const dst = new Uint8Array(kernel.memory.buffer, wp, n * stride);
  if (stride === k) dst.set(data.subarray(0, n * k));
  else for (let j = 0; j < n; j++) dst.set(data.subarray(j * k, (j + 1) * k), j * stride);
  if (w.signed) return;
  // Padding turns to 0x80 too; the input's padding is zero, so it adds nothing to the sums.
  const words = new Uint32Array(kernel.memory.buffer, wp, (n * stride) / 4);
  for (let i = 0; i < words.length; i++) words[i] = words[i]! ^ 0x80808080;
}

// The compiled kernel module (gemv-wasm.ts, built by scripts/build-gemv.mjs) and what it exports:
// the int8 products, their float work, GPT-2's GELU and one head's attention; and the relaxed-SIMD
// products' module, where the engine computes them exactly. Compiled once per context.
import type { Dots } from './gemv-threads';
import { GEMV_RELAXED_SHARED_WASM_BASE64, GEMV_RELAXED_WASM_BASE64, GEMV_SHARED_WASM_BASE64, GEMV_WASM_BASE64 } from './gemv-wasm';

/** Scales a layer's integer sums at op back to n floats at out (per-output zero points, scales, bias at zp, sp, bp as `mode` says). */
type Dequantize = (
  op: number,
  n: number,
  mode: number,
  zero: number,
  zp: number,
  sum: number,
  a: number,
  b: number,
  sp: number,
  bp: number,
  out: number,
) => void;

/** The module's exports on one memory (addresses are byte offsets into it). */
export interface GemvKernel {
  memory: WebAssembly.Memory;
  dots(xp: number, rows: number, xs: number, wp: number, n: number, k: number, op: number, os: number): void;
  /** `dots` over weights in blocks of eight outputs (`interleave`): four input rows a widened load. */
  dotsPacked(xp: number, rows: number, xs: number, wp: number, n: number, k: number, op: number, os: number): void;
  /** Eight weight rows of `stride` bytes at src into one block at dst: each 16 bytes two inputs of the eight outputs. */
  interleave(src: number, dst: number, stride: number): void;
  /** The relaxed path's layout (scripts/gemv-relaxed-wat.mjs): each [stride] weight row's s at sp (2: out of range), the number out of range. */
  sevenBitRows(wp: number, n: number, stride: number, sp: number): number;
  /** Each row to its 7-bit b by its s at sp, Σ b at bp. */
  sevenBit(wp: number, n: number, stride: number, sp: number, bp: number): void;
  /** Eight 7-bit rows of `stride` bytes at src into one block at dst: each 32 bytes four inputs of the eight outputs. */
  interleaveQuads(src: number, dst: number, stride: number): void;
  /** One input row's relaxed sums of outputs from…from + count at op back to the SIMD128 path's, in place. */
  unbias(op: number, count: number, sum: number, c: number, cp: number, n: number, from: number, xr: number): void;
  /** `quantize`, the input stored as the int8 q − 128 for `dotsRelaxed`. */
  quantize8(ip: number, k: number, stride: number, scale: number, zeroPoint: number, xp: number): number;
  transpose(src: number, dst: number, n: number, stride: number, flip: number): void;
  range(ip: number, n: number, out: number): void;
  /** Each of `rows` rows of `width` float32 at hp, in place: plus the row at xp where `add` is 1 (the residual), then LayerNorm with the weight at wp and bias at bp. */
  addNorm(hp: number, xp: number, rows: number, width: number, wp: number, bp: number, eps: number, add: number): void;
  quantize(ip: number, k: number, stride: number, scale: number, zeroPoint: number, xp: number): number;
  maxAbs(ip: number, k: number): number;
  roundDiv(ip: number, k: number, stride: number, step: number, xp: number): number;
  /** `a`, `b`: the tensor's multiplier and the input's scale (f32) for `dequantize`; the 16-bit step (f64) and the tensor's scale for `dequantizeFloat`. */
  dequantize: Dequantize;
  dequantizeFloat: Dequantize;
  /** One head's attention in float32: the query's d floats at qp over `tokens` keys and values ([slots][d] at kp and vp), into d floats at op (sp: the scores). */
  attend(qp: number, kp: number, vp: number, tokens: number, d: number, scale: number, sp: number, op: number): void;
  /** Every head's attention of one text's [tokens][q | k | v] rows at qp over its own tokens, in float32, into [tokens][width] at op (sp: one row's scores). */
  attendText(qp: number, tokens: number, width: number, heads: number, d: number, scale: number, sp: number, op: number): void;
  gelu(fp: number, n: number): void;
  /** BERT's GELU (erf form) in place over n float32 at fp. */
  geluErf(fp: number, n: number): void;
}

export const PAGE = 65536;

const compiled: { own?: WebAssembly.Module; shared?: WebAssembly.Module; relaxed?: Relaxed | null } = {};
const decode = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

/** The module with a memory of its own (exported). */
export function kernelModule(): WebAssembly.Module {
  compiled.own ??= new WebAssembly.Module(decode(GEMV_WASM_BASE64));
  return compiled.own;
}

/** The module over an imported shared memory (`env.memory`). */
export function sharedKernelModule(): WebAssembly.Module {
  compiled.shared ??= new WebAssembly.Module(decode(GEMV_SHARED_WASM_BASE64));
  return compiled.shared;
}

interface Relaxed {
  own: WebAssembly.Module;
  shared: WebAssembly.Module;
}

/**
 * The relaxed-SIMD modules (`dotsRelaxed` on the kernel's own memory, on a shared one), or none
 * where the engine lacks relaxed SIMD or computes `i32x4.relaxed_dot_i8x16_i7x16_add_s` otherwise
 * than the standard does for 7-bit operands (Node 20's V8 sums eight products a lane): checked
 * once, on operands at their ends, against the same sums in JavaScript.
 */
export function relaxedModule(): Relaxed | undefined {
  if (compiled.relaxed === undefined) {
    compiled.relaxed = null;
    try {
      const relaxed = {
        own: new WebAssembly.Module(decode(GEMV_RELAXED_WASM_BASE64)),
        shared: new WebAssembly.Module(decode(GEMV_RELAXED_SHARED_WASM_BASE64)),
      };
      if (computesExactly(relaxed.own)) compiled.relaxed = relaxed;
    } catch {
      // No relaxed SIMD here: the SIMD128 products.
    }
  }
  return compiled.relaxed ?? undefined;
}

/** Whether `module`'s `dotsRelaxed` gives one block of eight outputs over 64 inputs, five rows, the sums JavaScript gives (exported for its test). */
export function computesExactly(module: WebAssembly.Module): boolean {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { dotsRelaxed } = new WebAssembly.Instance(module, { env: { memory } }).exports as { dotsRelaxed: Dots };
  const [k, rows, wp, op] = [64, 5, 1024, 4096];
  const a = new Int8Array(memory.buffer, 0, rows * k);
  const b = new Uint8Array(memory.buffer, wp, 8 * k);
  a.forEach((_, i) => (a[i] = i % 3 === 0 ? -128 : i % 3 === 1 ? 127 : ((i * 37) % 256) - 128));
  b.forEach((_, i) => (b[i] = i % 2 === 0 ? 127 : (i * 53) % 128));
  dotsRelaxed(0, rows, k, wp, 8, k, op, 32);
  const got = new Int32Array(memory.buffer, op, rows * 8);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < 8; c++) {
      let want = 0;
      // Output c's weights for inputs 4g…4g + 3 lie at 32g + 4c of the block.
      for (let i = 0; i < k; i++) want += a[r * k + i]! * b[32 * (i >> 2) + 4 * c + (i & 3)]!;
      if (got[r * 8 + c] !== want) return false;
    }
  }
  return true;
}

/** The kernel on a memory of its own of at least `bytes` (grown once, here: views made after stay valid). */
export function ownKernel(bytes: number): GemvKernel {
  const kernel = new WebAssembly.Instance(kernelModule()).exports as unknown as GemvKernel;
  kernel.memory.grow(Math.max(0, Math.ceil(bytes / PAGE) - kernel.memory.buffer.byteLength / PAGE));
  return kernel;
}

/** The kernel on `memory` (shared). */
export function sharedKernel(memory: WebAssembly.Memory): GemvKernel {
  const exports = new WebAssembly.Instance(sharedKernelModule(), { env: { memory } }).exports as unknown as Omit<GemvKernel, 'memory'>;
  return { ...exports, memory };
}

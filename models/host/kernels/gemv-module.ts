// The compiled kernel module (gemv-wasm.ts, built by scripts/build-gemv.mjs) and what it exports:
// the int8 products, their float work, GPT-2's GELU and one head's attention. Compiled once per context.
import { GEMV_SHARED_WASM_BASE64, GEMV_WASM_BASE64 } from './gemv-wasm';

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

const compiled: { own?: WebAssembly.Module; shared?: WebAssembly.Module } = {};
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

// Builds the int8 matrix-vector kernel behind Sesame's LM head on the WASM backend
// (models/host/kernels/int8-kernel.ts) and writes it, base64, into models/host/kernels/gemv-wasm.ts.
// `--check` only verifies that the committed module is what this script builds.
//
// Why a kernel of our own: onnxruntime-web's int8 GEMM packs the weight matrix on every call, so
// at one row (a decoding step) it reads GPT-2's 768×50257 head at ~1.4 GB/s (26–31 ms here);
// this loop reads it at ~14 GB/s (3 ms) in Chromium. Integer sums are exact, so the result is
// the one onnxruntime computes.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { DEQUANTIZE, floatFunctions } from './gemv-float-wat.mjs';
import { blockProduct, interleaveFunction, relaxedWat, sevenBitFunctions, storeBlockFunction } from './gemv-relaxed-wat.mjs';

/** Output rows computed together: their weight rows stream side by side against one load of x. */
const ROWS = 8;
/** 16-byte chunks of a weight row per loop iteration (so K must be a multiple of 16·UNROLL). */
const UNROLL = 2;
export const K_MULTIPLE = 16 * UNROLL;
/** Weight rows the two-row loop takes at a time (two accumulators each, for the two input rows). */
const PAIR_ROWS = 4;

/**
 * `dots(xp, rows, xs, wp, n, k, op, os)`: out_r[j] = Σ_i x_r[i]·w[j][i] as i32, for j < n and each
 * of `rows` input rows. x_r: i16[k] at xp + r·xs; w: i8[n][k], row-major, at wp; out_r: i32[n] at
 * op + r·os; k a multiple of K_MULTIPLE. Each 16 weights: sign-extend to two i16x8,
 * i32x4.dot_i16x8_s against x, add. Eight weight rows at a time against every input row in turn,
 * so that several rows (a head's masks) read the weights once: the 8·k bytes stay in L1.
 */
function wat(shared) {
  const range = (n) => Array.from({ length: n }, (_, i) => i);
  const dot = (acc, weights, x) =>
    `(i32x4.add (i32x4.add ${acc} (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.tee $w ${weights})) (local.get $x${x})))` +
    ` (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $w)) (local.get $x${x + 1})))`;
  const block = (rows, label) => [
    `(block $done${label} (loop $rows${label}`,
    `  (br_if $done${label} (i32.gt_u (i32.add (local.get $j) (i32.const ${rows})) (local.get $n)))`,
    ...range(rows).map((q) => `  (local.set $p${q} (i32.add (local.get $wp) (i32.mul (i32.add (local.get $j) (i32.const ${q})) (local.get $k))))`),
    '  (local.set $r (i32.const 0))',
    `  (loop $inputs${label}`,
    ...range(rows).map((q) => `    (local.set $a${q} (v128.const i32x4 0 0 0 0))`),
    '    (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xs))))',
    '    (local.set $i (i32.const 0))',
    `    (loop $cols${label}`,
    '      (local.set $xa (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 1))))',
    ...range(2 * UNROLL).map((u) => `      (local.set $x${u} (v128.load offset=${16 * u} (local.get $xa)))`),
    ...range(rows).flatMap((q) =>
      range(UNROLL).map(
        (u) => `      (local.set $a${q} ${dot(`(local.get $a${q})`, `(v128.load offset=${16 * u} (i32.add (local.get $p${q}) (local.get $i)))`, 2 * u)})`,
      ),
    ),
    `      (local.set $i (i32.add (local.get $i) (i32.const ${16 * UNROLL})))`,
    `      (br_if $cols${label} (i32.lt_u (local.get $i) (local.get $k))))`,
    '    (local.set $or (i32.add (i32.add (local.get $op) (i32.mul (local.get $r) (local.get $os))) (i32.shl (local.get $j) (i32.const 2))))',
    ...range(rows).map((q) => `    (i32.store offset=${4 * q} (local.get $or) (call $sum (local.get $a${q})))`),
    '    (local.set $r (i32.add (local.get $r) (i32.const 1)))',
    `    (br_if $inputs${label} (i32.lt_u (local.get $r) (local.get $count))))`,
    `  (local.set $j (i32.add (local.get $j) (i32.const ${rows})))`,
    `  (br $rows${label})))`,
  ];
  // Two input rows at a time against PAIR_ROWS weight rows: each 16 weights are widened once for
  // both rows (a prompt's rows, a head's masks; compute-bound there, where one row is memory-bound).
  const pairs = [
    '(block $donePairs (loop $pairRows',
    `  (br_if $donePairs (i32.gt_u (i32.add (local.get $j) (i32.const ${PAIR_ROWS})) (local.get $n)))`,
    ...range(PAIR_ROWS).map((q) => `  (local.set $p${q} (i32.add (local.get $wp) (i32.mul (i32.add (local.get $j) (i32.const ${q})) (local.get $k))))`),
    '  (local.set $r (i32.const 0))',
    '  (block $doneInputPairs (loop $inputPairs',
    '    (br_if $doneInputPairs (i32.gt_u (i32.add (local.get $r) (i32.const 2)) (local.get $count)))',
    ...range(2 * PAIR_ROWS).map((q) => `    (local.set $a${q} (v128.const i32x4 0 0 0 0))`),
    '    (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xs))))',
    '    (local.set $i (i32.const 0))',
    '    (loop $pairCols',
    '      (local.set $xa (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 1))))',
    '      (local.set $x0 (v128.load (local.get $xa)))',
    '      (local.set $x1 (v128.load offset=16 (local.get $xa)))',
    '      (local.set $x2 (v128.load (i32.add (local.get $xa) (local.get $xs))))',
    '      (local.set $x3 (v128.load offset=16 (i32.add (local.get $xa) (local.get $xs))))',
    ...range(PAIR_ROWS).flatMap((q) => [
      `      (local.set $w (v128.load (i32.add (local.get $p${q}) (local.get $i))))`,
      '      (local.set $wl (i16x8.extend_low_i8x16_s (local.get $w)))',
      '      (local.set $w (i16x8.extend_high_i8x16_s (local.get $w)))',
      `      (local.set $a${2 * q} (i32x4.add (i32x4.add (local.get $a${2 * q}) (i32x4.dot_i16x8_s (local.get $wl) (local.get $x0))) (i32x4.dot_i16x8_s (local.get $w) (local.get $x1))))`,
      `      (local.set $a${2 * q + 1} (i32x4.add (i32x4.add (local.get $a${2 * q + 1}) (i32x4.dot_i16x8_s (local.get $wl) (local.get $x2))) (i32x4.dot_i16x8_s (local.get $w) (local.get $x3))))`,
    ]),
    '      (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '      (br_if $pairCols (i32.lt_u (local.get $i) (local.get $k))))',
    '    (local.set $or (i32.add (i32.add (local.get $op) (i32.mul (local.get $r) (local.get $os))) (i32.shl (local.get $j) (i32.const 2))))',
    ...range(PAIR_ROWS).flatMap((q) => [
      `    (i32.store offset=${4 * q} (local.get $or) (call $sum (local.get $a${2 * q})))`,
      `    (i32.store offset=${4 * q} (i32.add (local.get $or) (local.get $os)) (call $sum (local.get $a${2 * q + 1})))`,
    ]),
    '    (local.set $r (i32.add (local.get $r) (i32.const 2)))',
    '    (br $inputPairs)))',
    // An odd last row: these weight rows against it alone.
    '  (if (i32.and (local.get $count) (i32.const 1)) (then',
    ...range(PAIR_ROWS).map((q) => `    (local.set $a${q} (v128.const i32x4 0 0 0 0))`),
    '    (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xs))))',
    '    (local.set $i (i32.const 0))',
    '    (loop $oddCols',
    '      (local.set $xa (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 1))))',
    '      (local.set $x0 (v128.load (local.get $xa)))',
    '      (local.set $x1 (v128.load offset=16 (local.get $xa)))',
    ...range(PAIR_ROWS).map((q) => `      (local.set $a${q} ${dot(`(local.get $a${q})`, `(v128.load (i32.add (local.get $p${q}) (local.get $i)))`, 0)})`),
    '      (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '      (br_if $oddCols (i32.lt_u (local.get $i) (local.get $k))))',
    '    (local.set $or (i32.add (i32.add (local.get $op) (i32.mul (local.get $r) (local.get $os))) (i32.shl (local.get $j) (i32.const 2))))',
    ...range(PAIR_ROWS).map((q) => `    (i32.store offset=${4 * q} (local.get $or) (call $sum (local.get $a${q})))`),
    '  ))',
    `  (local.set $j (i32.add (local.get $j) (i32.const ${PAIR_ROWS})))`,
    '  (br $pairRows)))',
  ];
  // `dotsPacked`: the same products over weights packed in blocks of eight outputs, each 16 bytes
  // two inputs of the eight (output c's pair at bytes 2c, 2c + 1): one widened load serves four
  // input rows, each a broadcast pair of its inputs, and the lanes are outputs (no sums across).
  const packedInputs = (x, rows) => [
    '  (local.set $xa (i32.const 0))',
    '  (loop $pairs',
    '    (local.set $w (v128.load (i32.add (local.get $bp) (local.get $i))))',
    '    (local.set $wl (i16x8.extend_low_i8x16_s (local.get $w)))',
    '    (local.set $w (i16x8.extend_high_i8x16_s (local.get $w)))',
    ...range(rows).flatMap((q) => [
      `    (local.set $x0 (v128.load32_splat ${x(q, '(local.get $xa)')}))`,
      `    (local.set $a${2 * q} (i32x4.add (local.get $a${2 * q}) (i32x4.dot_i16x8_s (local.get $wl) (local.get $x0))))`,
      `    (local.set $a${2 * q + 1} (i32x4.add (local.get $a${2 * q + 1}) (i32x4.dot_i16x8_s (local.get $w) (local.get $x0))))`,
    ]),
    '    (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '    (local.set $xa (i32.add (local.get $xa) (i32.const 4)))',
    '    (br_if $pairs (i32.lt_u (local.get $xa) (i32.shl (local.get $k) (i32.const 1)))))',
  ];
  const packed = [
    ...storeBlockFunction(),
    // `interleave(src, dst, stride)`: eight weight rows of `stride` bytes at src into one block at dst (above).
    ...interleaveFunction('interleave', 2),
    ...blockProduct('dotsPacked', '(local $w v128) (local $wl v128) (local $x0 v128) (local $xa i32)', 4, packedInputs),
  ];
  return [
    '(module',
    // Shared: the memory comes from the page and is shared with the kernel's worker threads (host/kernels/gemv-threads.ts).
    shared ? '(import "env" "memory" (memory 1 65536 shared))' : '(memory (export "memory") 1)',
    '(func $sum (param $v v128) (result i32)',
    '  (i32.add (i32.add (i32x4.extract_lane 0 (local.get $v)) (i32x4.extract_lane 1 (local.get $v)))',
    '           (i32.add (i32x4.extract_lane 2 (local.get $v)) (i32x4.extract_lane 3 (local.get $v)))))',
    '(func (export "dots") (param $xp i32) (param $count i32) (param $xs i32) (param $wp i32) (param $n i32) (param $k i32) (param $op i32) (param $os i32)',
    `  (local $w v128) (local $wl v128) (local $j i32) (local $i i32) (local $r i32) (local $xr i32) (local $xa i32) (local $or i32) ${range(2 * UNROLL)
      .map((u) => `(local $x${u} v128)`)
      .join(' ')}`,
    `  ${range(ROWS)
      .map((q) => `(local $a${q} v128) (local $p${q} i32)`)
      .join(' ')}`,
    '  (if (i32.eqz (local.get $count)) (then (return)))',
    // Several rows: in pairs over blocks of PAIR_ROWS weight rows first; one row: eight weight rows at a time.
    '  (if (i32.gt_u (local.get $count) (i32.const 1)) (then',
    ...pairs,
    '  ))',
    ...block(ROWS, 'Group'),
    ...block(1, 'One'),
    ')',
    ...packed,
    ...sevenBitFunctions(),
    ...transpose(),
    ...floatFunctions(),
    ')',
  ].join('\n');
}

/** Source rows `transpose` lays out per call. */
export const TRANSPOSE_ROWS = 16;

/**
 * `transpose(src, dst, n, stride, flip)`: TRANSPOSE_ROWS source rows of n bytes at src (rows
 * i…i+15 of a [k][n] weight) become 16 bytes at dst + j·stride for each column j (four 32-bit
 * words: w[i][j] | w[i+1][j] << 8 | …), xor flip (0x80808080 turns uint8 weights into int8).
 * Sixteen rows a call so that each destination row gets 16 contiguous bytes per pass.
 */
function transpose() {
  const byte = (row) => `(i32.load8_u offset=0 (i32.add (local.get $s) (local.get $r${row})))`;
  const word = (w) =>
    `(i32.xor (i32.or (i32.or ${byte(4 * w)} (i32.shl ${byte(4 * w + 1)} (i32.const 8))) (i32.or (i32.shl ${byte(4 * w + 2)} (i32.const 16)) (i32.shl ${byte(4 * w + 3)} (i32.const 24)))) (local.get $flip))`;
  const rows = Array.from({ length: TRANSPOSE_ROWS }, (_, r) => r);
  return [
    '(func (export "transpose") (param $src i32) (param $dst i32) (param $n i32) (param $stride i32) (param $flip i32)',
    `  (local $s i32) (local $end i32) ${rows.map((r) => `(local $r${r} i32)`).join(' ')}`,
    ...rows.map((r) => `  (local.set $r${r} (i32.mul (local.get $n) (i32.const ${r})))`),
    '  (local.set $s (local.get $src))',
    '  (local.set $end (i32.add (local.get $src) (local.get $n)))',
    '  (block $done (loop $columns',
    '    (br_if $done (i32.ge_u (local.get $s) (local.get $end)))',
    ...[0, 1, 2, 3].map((w) => `    (i32.store offset=${4 * w} (local.get $dst) ${word(w)})`),
    '    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))',
    '    (local.set $s (i32.add (local.get $s) (i32.const 1)))',
    '    (br $columns))))',
  ];
}

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, '..', 'models', 'host', 'kernels', 'gemv-wasm.ts');

async function build() {
  const wabt = await wabtInit();
  const base64 = (shared, text = wat(shared)) => {
    const module = wabt.parseWat('gemv.wat', text, { simd: true, threads: true, relaxed_simd: true });
    const { buffer } = module.toBinary({});
    module.destroy();
    return Buffer.from(buffer).toString('base64');
  };
  return [
    '// Generated by scripts/build-gemv.mjs (run `node scripts/build-gemv.mjs` after changing it). Do not edit.',
    '// The int8 matrix-vector kernel of models/host/kernels/int8-kernel.ts: `dots(xp, rows, xs, wp, n, k, op, os)` and',
    "// `dotsPacked`, WebAssembly SIMD128, and `transpose`, `interleave`, which lay their weights out; the relaxed path's",
    '// layout and corrections (scripts/gemv-relaxed-wat.mjs); the float work around the products (scripts/gemv-float-wat.mjs):',
    '// quantising, scaling back, LayerNorm, GELU and attention. Then `dotsRelaxed`, relaxed SIMD, in a module of its own.',
    `export const GEMV_K_MULTIPLE = ${K_MULTIPLE};`,
    `export const GEMV_TRANSPOSE_ROWS = ${TRANSPOSE_ROWS};`,
    "/** Bits of `dequantize`'s and `dequantizeFloat`'s `mode`. */",
    `export const GEMV_DEQUANTIZE = { ${Object.entries(DEQUANTIZE)
      .map(([name, bit]) => `${name}: ${bit}`)
      .join(', ')} } as const;`,
    `export const GEMV_WASM_BASE64 =\n  '${base64(false)}';`,
    '/** The same on an imported shared memory (cross-origin-isolated pages, workers). */',
    `export const GEMV_SHARED_WASM_BASE64 =\n  '${base64(true)}';`,
    '/** `dotsRelaxed` (scripts/gemv-relaxed-wat.mjs) on the memory the module above exports, and on a shared one. */',
    `export const GEMV_RELAXED_WASM_BASE64 =\n  '${base64(false, relaxedWat(false))}';`,
    `export const GEMV_RELAXED_SHARED_WASM_BASE64 =\n  '${base64(true, relaxedWat(true))}';`,
    '',
  ].join('\n');
}

const source = await build();
if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // reported below
  }
  if (committed !== source) {
    console.error(`${target} is not what scripts/build-gemv.mjs builds: run node scripts/build-gemv.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(target, source);
  console.log(`wrote ${target}`);
}

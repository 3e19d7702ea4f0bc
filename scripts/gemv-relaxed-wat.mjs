// The relaxed-SIMD path of Sesame's int8 products, as WebAssembly text for scripts/build-gemv.mjs.
//
// `i32x4.relaxed_dot_i8x16_i7x16_add_s` multiplies sixteen int8 by sixteen 7-bit values and adds
// each four products to an i32 lane: one instruction (VNNI's vpdpbusd, Arm's sdot) where SIMD128
// needs two widenings, two pmaddwd and two adds (3.1× a 20-row product of bert-base's query, key
// and value weights, one thread, Chromium here). Its result is exact only where the second
// operand's top bit is clear, so the weights go in as 7-bit values b and the input as int8 a:
//   a = q − 128 (q the input's uint8), b = s·w + 64 (s = ±1 per output),
// which needs every weight of an output in [−63, 64] or [−64, 63]: the hub's BERT-family q8
// files are quantised with reduce_range (int8 weights in [−64, 64]). An output that has both −64
// and 64 keeps s = 1 with its 64s stored as 63, each missing input added back after the product.
// With x = q − zp (the input less its zero point, what the SIMD128 path multiplies) and
// c = 128 − zp, a = x − c, and over the row's `stride` inputs (padding: x = 0, b = 64):
//   Σ x·w = s·Σ x·(b − 64) + Σ_{64s} x = s·(Σ a·b − 64·Σ x + c·Σ b) + Σ_{64s} x
// (`unbias`, below), so the sums, and everything after them, are the SIMD128 path's bit for bit.
// The module with the instruction is separate: an engine without relaxed SIMD (Node 20) rejects
// it, and one that computes it differently fails the check in gemv-module.ts; both keep SIMD128.

const range = (n) => Array.from({ length: n }, (_, i) => i);

/**
 * `$storeBlock(o, lo, hi, left)`: a block's eight i32 sums (lo: outputs 0–3, hi: 4–7) to o, or its
 * first `left` where fewer than eight outputs are left.
 */
export function storeBlockFunction() {
  return [
    '(func $storeBlock (param $o i32) (param $lo v128) (param $hi v128) (param $left i32)',
    '  (if (i32.ge_u (local.get $left) (i32.const 8)) (then (v128.store (local.get $o) (local.get $lo)) (v128.store offset=16 (local.get $o) (local.get $hi)) (return)))',
    ...range(8).map(
      (c) =>
        `  (if (i32.gt_u (local.get $left) (i32.const ${c})) (then (i32.store offset=${4 * c} (local.get $o) (i32x4.extract_lane ${c % 4} (local.get ${c < 4 ? '$lo' : '$hi'})))))`,
    ),
    ')',
  ];
}

/**
 * `name(src, dst, stride)`: eight weight rows of `stride` bytes at src into one block at dst, each
 * 8·`bytes` bytes `bytes` inputs of the eight outputs (output c's at bytes·c): `interleave` (2,
 * `dotsPacked`'s pairs) and `interleaveQuads` (4, `dotsRelaxed`'s).
 */
export function interleaveFunction(name, bytes) {
  const [load, store] = bytes === 2 ? ['i32.load16_u', 'i32.store16'] : ['i32.load', 'i32.store'];
  return [
    `(func (export "${name}") (param $src i32) (param $dst i32) (param $stride i32)`,
    '  (local $kk i32)',
    '  (block $done (loop $inputs',
    '    (br_if $done (i32.ge_u (local.get $kk) (local.get $stride)))',
    ...range(8).map(
      (c) =>
        `    (${store} offset=${bytes * c} (local.get $dst) (${load} (i32.add (i32.add (local.get $src) (i32.mul (local.get $stride) (i32.const ${c}))) (local.get $kk))))`,
    ),
    `    (local.set $dst (i32.add (local.get $dst) (i32.const ${8 * bytes})))`,
    `    (local.set $kk (i32.add (local.get $kk) (i32.const ${bytes})))`,
    '    (br $inputs)))',
    ')',
  ];
}

/** Input rows `dotsRelaxed` takes at once (two accumulators each; five rows measured no faster). */
const ROWS = 4;

/**
 * `dotsRelaxed(xp, rows, xs, wp, n, k, op, os)`: Σ a·b as i32 for each of `rows` int8 input rows (xs
 * bytes apart at xp) and n outputs whose 7-bit weights lie in blocks of eight outputs (`quads`:
 * each 32 bytes four inputs of the eight, output c's at 4c), the sums os bytes apart at op.
 */
function dotsRelaxed() {
  const inputs = (x, rows) => [
    '  (loop $quads',
    '    (local.set $w0 (v128.load (i32.add (local.get $bp) (i32.shl (local.get $i) (i32.const 3)))))',
    '    (local.set $w1 (v128.load offset=16 (i32.add (local.get $bp) (i32.shl (local.get $i) (i32.const 3)))))',
    ...range(rows).flatMap((q) => [
      `    (local.set $x (v128.load32_splat ${x(q, '(local.get $i)')}))`,
      `    (local.set $a${2 * q} (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $x) (local.get $w0) (local.get $a${2 * q})))`,
      `    (local.set $a${2 * q + 1} (i32x4.relaxed_dot_i8x16_i7x16_add_s (local.get $x) (local.get $w1) (local.get $a${2 * q + 1})))`,
    ]),
    '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '    (br_if $quads (i32.lt_u (local.get $i) (local.get $k))))',
  ];
  return blockProduct('dotsRelaxed', '(local $w0 v128) (local $w1 v128) (local $x v128)', ROWS, inputs);
}

/**
 * `name(xp, rows, xs, wp, n, k, op, os)`, a product over weights in blocks of eight outputs
 * (`dotsPacked`, `dotsRelaxed`): for each block (at wp + j·k), the input rows `many` at a time,
 * then one at a time, each row's two accumulators ($a2q: outputs 0–3, $a2q+1: 4–7) zeroed,
 * `inputs(x, rows)` looping over the inputs (x(q, offset): row q's address at `offset`; $i from
 * 0, $bp the block), then the sums stored by $storeBlock. `locals`: the loop's own.
 */
export function blockProduct(name, locals, many, inputs) {
  const x = (q, offset) =>
    q === 0 ? `(i32.add (local.get $xr) ${offset})` : `(i32.add (i32.add (local.get $xr) (i32.mul (local.get $xs) (i32.const ${q}))) ${offset})`;
  const rowsLoop = (rows, label) => [
    `(block $done${label} (loop $rows${label}`,
    `  (br_if $done${label} (i32.gt_u (i32.add (local.get $r) (i32.const ${rows})) (local.get $count)))`,
    ...range(2 * rows).map((q) => `  (local.set $a${q} (v128.const i32x4 0 0 0 0))`),
    '  (local.set $xr (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xs))))',
    '  (local.set $i (i32.const 0))',
    ...inputs(x, rows),
    ...range(rows).map((q) => {
      const o = `(i32.add (i32.add (local.get $op) (i32.mul (i32.add (local.get $r) (i32.const ${q})) (local.get $os))) (i32.shl (local.get $j) (i32.const 2)))`;
      return `  (call $storeBlock ${o} (local.get $a${2 * q}) (local.get $a${2 * q + 1}) (i32.sub (local.get $n) (local.get $j)))`;
    }),
    `  (local.set $r (i32.add (local.get $r) (i32.const ${rows})))`,
    `  (br $rows${label})))`,
  ];
  return [
    `(func (export "${name}") (param $xp i32) (param $count i32) (param $xs i32) (param $wp i32) (param $n i32) (param $k i32) (param $op i32) (param $os i32)`,
    `  ${locals} (local $j i32) (local $i i32) (local $r i32) (local $xr i32) (local $bp i32) ${range(2 * many)
      .map((q) => `(local $a${q} v128)`)
      .join(' ')}`,
    '  (block $doneBlocks (loop $blocks',
    '    (br_if $doneBlocks (i32.ge_u (local.get $j) (local.get $n)))',
    '    (local.set $bp (i32.add (local.get $wp) (i32.mul (local.get $j) (local.get $k))))',
    '    (local.set $r (i32.const 0))',
    ...rowsLoop(many, 'Many'),
    ...rowsLoop(1, 'One'),
    '    (local.set $j (i32.add (local.get $j) (i32.const 8)))',
    '    (br $blocks)))',
    ')',
  ];
}

/** The module with the relaxed instruction, on the base module's memory (imported: shared, or the one it exports). */
export function relaxedWat(shared) {
  return [
    '(module',
    shared ? '(import "env" "memory" (memory 1 65536 shared))' : '(import "env" "memory" (memory 1))',
    ...storeBlockFunction(),
    ...dotsRelaxed(),
    ')',
  ].join('\n');
}

/**
 * What the base module does for the relaxed path (plain SIMD128): lay the weights out and take
 * the sums back to the SIMD128 path's. `cp` is a layer's corrections: Σb per output (i32[n]),
 * s per output (i32[n]), then the 64s stored as 63: offsets per output (i32[n + 1]) into their
 * inputs (i32[]).
 */
export function sevenBitFunctions() {
  return [
    // `sevenBitRows(wp, n, stride, sp) → rows out of range`: each [stride] int8 row's s at sp (1: all in
    // [−64, 63]; −1: all in [−63, 64]; 0: both −64 and 64; 2: some outside [−64, 64]). Changes nothing.
    '(func (export "sevenBitRows") (param $wp i32) (param $n i32) (param $stride i32) (param $sp i32) (result i32)',
    '  (local $j i32) (local $i i32) (local $p i32) (local $lo v128) (local $hi v128) (local $min i32) (local $max i32) (local $s i32) (local $out i32)',
    '  (block $done (loop $rows',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $n)))',
    '    (local.set $p (i32.add (local.get $wp) (i32.mul (local.get $j) (local.get $stride))))',
    '    (local.set $lo (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))',
    '    (local.set $hi (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))',
    '    (local.set $i (i32.const 0))',
    '    (block $doneRow (loop $row',
    '      (br_if $doneRow (i32.ge_u (local.get $i) (local.get $stride)))',
    '      (local.set $lo (i8x16.min_s (local.get $lo) (v128.load (i32.add (local.get $p) (local.get $i)))))',
    '      (local.set $hi (i8x16.max_s (local.get $hi) (v128.load (i32.add (local.get $p) (local.get $i)))))',
    '      (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '      (br $row)))',
    // The extremes of the sixteen lanes: shift-and-fold four times.
    ...[8, 4, 2, 1].flatMap((bytes) => {
      const shuffle = (x) =>
        `(i8x16.shuffle ${range(16)
          .map((l) => (l + bytes) % 16)
          .join(' ')} ${x} ${x})`;
      return [
        `    (local.set $lo (i8x16.min_s (local.get $lo) ${shuffle('(local.get $lo)')}))`,
        `    (local.set $hi (i8x16.max_s (local.get $hi) ${shuffle('(local.get $hi)')}))`,
      ];
    }),
    '    (local.set $min (i8x16.extract_lane_s 0 (local.get $lo)))',
    '    (local.set $max (i8x16.extract_lane_s 0 (local.get $hi)))',
    '    (local.set $s (if (result i32) (i32.or (i32.lt_s (local.get $min) (i32.const -64)) (i32.gt_s (local.get $max) (i32.const 64))) (then (i32.const 2))',
    '      (else (if (result i32) (i32.le_s (local.get $max) (i32.const 63)) (then (i32.const 1))',
    '        (else (if (result i32) (i32.ge_s (local.get $min) (i32.const -63)) (then (i32.const -1)) (else (i32.const 0))))))))',
    '    (i32.store (i32.add (local.get $sp) (i32.shl (local.get $j) (i32.const 2))) (local.get $s))',
    '    (local.set $out (i32.add (local.get $out) (i32.eq (local.get $s) (i32.const 2))))',
    '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
    '    (br $rows)))',
    '  (local.get $out))',
    // `sevenBit(wp, n, stride, sp, bp)`: each row to b = s·w + 64 by its s at sp (0: w + 64 with 64
    // as 63, and s set to 1), Σ b at bp.
    '(func (export "sevenBit") (param $wp i32) (param $n i32) (param $stride i32) (param $sp i32) (param $bp i32)',
    '  (local $j i32) (local $i i32) (local $p i32) (local $s i32) (local $w v128) (local $sum v128)',
    '  (block $done (loop $rows',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $n)))',
    '    (local.set $p (i32.add (local.get $wp) (i32.mul (local.get $j) (local.get $stride))))',
    '    (local.set $s (i32.load (i32.add (local.get $sp) (i32.shl (local.get $j) (i32.const 2)))))',
    '    (local.set $sum (v128.const i32x4 0 0 0 0))',
    '    (local.set $i (i32.const 0))',
    '    (block $doneRow (loop $row',
    '      (br_if $doneRow (i32.ge_u (local.get $i) (local.get $stride)))',
    '      (local.set $w (v128.load (i32.add (local.get $p) (local.get $i))))',
    '      (local.set $w (if (result v128) (i32.eq (local.get $s) (i32.const -1))',
    '        (then (i8x16.sub (v128.const i8x16 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64) (local.get $w)))',
    '        (else (i8x16.min_u (i8x16.add (local.get $w) (v128.const i8x16 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64 64)) (v128.const i8x16 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127 127)))))',
    '      (v128.store (i32.add (local.get $p) (local.get $i)) (local.get $w))',
    '      (local.set $sum (i32x4.add (local.get $sum) (i32x4.extadd_pairwise_i16x8_u (i16x8.extadd_pairwise_i8x16_u (local.get $w)))))',
    '      (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '      (br $row)))',
    `    (i32.store (i32.add (local.get $bp) (i32.shl (local.get $j) (i32.const 2))) ${sum('(local.get $sum)')})`,
    '    (if (i32.eqz (local.get $s)) (then (i32.store (i32.add (local.get $sp) (i32.shl (local.get $j) (i32.const 2))) (i32.const 1))))',
    '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
    '    (br $rows)))',
    ')',
    // `interleaveQuads(src, dst, stride)`: eight rows of `stride` bytes at src into one block at dst,
    // each 32 bytes four inputs of the eight outputs (output c's at 4c).
    ...interleaveFunction('interleaveQuads', 4),
    // `unbias(op, count, sum, c, cp, n, from, xr)`: one input row's relaxed sums of outputs from…from +
    // count at op (i32), in place, to Σ x·w: s·(S − 64·sum + c·Σb), plus x = a + c at each 64 stored
    // as 63 (xr: the row's int8 a). `sum`: Σ x of the row; `cp`, `n`: the layer's corrections.
    '(func (export "unbias") (param $op i32) (param $count i32) (param $sum i32) (param $c i32) (param $cp i32) (param $n i32) (param $from i32) (param $xr i32)',
    '  (local $j i32) (local $end i32) (local $t v128) (local $c4 v128) (local $bp i32) (local $sp i32) (local $fp i32) (local $kp i32) (local $e i32) (local $last i32) (local $add i32)',
    '  (local.set $bp (i32.add (local.get $cp) (i32.shl (local.get $from) (i32.const 2))))',
    '  (local.set $sp (i32.add (local.get $bp) (i32.shl (local.get $n) (i32.const 2))))',
    '  (local.set $fp (i32.add (local.get $sp) (i32.shl (local.get $n) (i32.const 2))))',
    '  (local.set $kp (i32.add (i32.add (local.get $cp) (i32.mul (local.get $n) (i32.const 12))) (i32.const 4)))',
    '  (local.set $t (i32x4.splat (i32.mul (local.get $sum) (i32.const -64))))',
    '  (local.set $c4 (i32x4.splat (local.get $c)))',
    '  (local.set $end (i32.and (local.get $count) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $end)))',
    `    (v128.store ${at('$op', '$j')} (i32x4.mul (i32x4.add (i32x4.add ${load('$op')} (local.get $t)) (i32x4.mul (local.get $c4) ${load('$bp')})) ${load('$sp')}))`,
    '    (local.set $j (i32.add (local.get $j) (i32.const 4)))',
    '    (br $four)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $count)))',
    `    (i32.store ${at('$op', '$j')} (i32.mul (i32.add (i32.add (i32.load ${at('$op', '$j')}) (i32x4.extract_lane 0 (local.get $t))) (i32.mul (local.get $c) (i32.load ${at('$bp', '$j')}))) (i32.load ${at('$sp', '$j')})))`,
    '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
    '    (br $one)))',
    // The 64s stored as 63 (rare: outputs with both −64 and 64), each adding its input x = a + c.
    '  (local.set $last (i32.load (i32.add (local.get $fp) (i32.shl (local.get $count) (i32.const 2)))))',
    '  (if (i32.eq (i32.load (local.get $fp)) (local.get $last)) (then (return)))',
    '  (local.set $j (i32.const 0))',
    '  (block $done (loop $outputs',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $count)))',
    `    (local.set $e (i32.load ${at('$fp', '$j')}))`,
    `    (local.set $last (i32.load offset=4 ${at('$fp', '$j')}))`,
    '    (local.set $add (i32.const 0))',
    '    (block $doneOutput (loop $entries',
    '      (br_if $doneOutput (i32.ge_u (local.get $e) (local.get $last)))',
    `      (local.set $add (i32.add (local.get $add) (i32.add (i32.load8_s (i32.add (local.get $xr) (i32.load ${at('$kp', '$e')}))) (local.get $c))))`,
    '      (local.set $e (i32.add (local.get $e) (i32.const 1)))',
    '      (br $entries)))',
    `    (i32.store ${at('$op', '$j')} (i32.add (i32.load ${at('$op', '$j')}) (local.get $add)))`,
    '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
    '    (br $outputs)))',
    ')',
  ];
}

/** Address of i32 element `index` of the array at `base`. */
const at = (base, index) => `(i32.add (local.get ${base}) (i32.shl (local.get ${index}) (i32.const 2)))`;
const load = (base) => `(v128.load ${at(base, '$j')})`;
const sum = (x) =>
  `(i32.add (i32.add (i32x4.extract_lane 0 ${x}) (i32x4.extract_lane 1 ${x})) (i32.add (i32x4.extract_lane 2 ${x}) (i32x4.extract_lane 3 ${x})))`;

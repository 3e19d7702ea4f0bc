// The float work around Sesame's int8 products, as WebAssembly text for scripts/build-gemv.mjs:
// quantising a layer's input, scaling its integer sums back to floats, and one head's attention
// over the past. In JavaScript these loops were a third of a GPT-2 decoding step (issue #21's
// profile: ~1.8 ms of quantising and scaling, ~1.3 ms of attention a step); SIMD128 does them
// in a fraction of that.
//
// Every function computes exactly what the JavaScript it replaces computed (int8-kernel.ts,
// attention.ts keep those as references, and tests compare bit for bit): float32 operations
// where the JavaScript rounded to float32 at each step (a float32 division or product rounded
// once from a double is the float32 operation), doubles (f64x2) where it summed in doubles.

const v = (x) => `(v128.load ${x})`;
const at = (base, index, shift) => `(i32.add (local.get ${base}) (i32.shl (local.get ${index}) (i32.const ${shift})))`;
/** The high two lanes of a f32x4 as the low two (to promote them). */
const high = (x) => `(i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 ${x} ${x})`;
/** Two i32x4 whose low two lanes matter as one: [a0, a1, b0, b1]. */
const lows = (a, b) => `(i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 ${a} ${b})`;
const sumI32 = (x) =>
  `(i32.add (i32.add (i32x4.extract_lane 0 ${x}) (i32x4.extract_lane 1 ${x})) (i32.add (i32x4.extract_lane 2 ${x}) (i32x4.extract_lane 3 ${x})))`;

/**
 * `range(ip, n, out)`: min(0, x…) and max(0, x…) of n float32 at ip, as two float32 at out (the
 * JavaScript's `if (v < min) min = v; else if (v > max) max = v` from 0, NaN ignored: pmin/pmax).
 */
function range() {
  const fold = (op, cmp) =>
    [1, 2, 3].map(
      (l) =>
        `  (local.set ${op} (select (f32x4.extract_lane ${l} (local.get ${op}4)) (local.get ${op}) (${cmp} (f32x4.extract_lane ${l} (local.get ${op}4)) (local.get ${op}))))`,
    );
  return [
    '(func (export "range") (param $ip i32) (param $n i32) (param $out i32)',
    '  (local $lo4 v128) (local $hi4 v128) (local $x v128) (local $i i32) (local $end i32) (local $lo f32) (local $hi f32) (local $s f32)',
    '  (local.set $end (i32.and (local.get $n) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    `    (local.set $x ${v(at('$ip', '$i', 2))})`,
    '    (local.set $lo4 (f32x4.pmin (local.get $lo4) (local.get $x)))',
    '    (local.set $hi4 (f32x4.pmax (local.get $hi4) (local.get $x)))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '    (br $four)))',
    '  (local.set $lo (f32x4.extract_lane 0 (local.get $lo4)))',
    '  (local.set $hi (f32x4.extract_lane 0 (local.get $hi4)))',
    ...fold('$lo', 'f32.lt'),
    ...fold('$hi', 'f32.gt'),
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
    `    (local.set $s (f32.load ${at('$ip', '$i', 2)}))`,
    '    (local.set $lo (select (local.get $s) (local.get $lo) (f32.lt (local.get $s) (local.get $lo))))',
    '    (local.set $hi (select (local.get $s) (local.get $hi) (f32.gt (local.get $s) (local.get $hi))))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    '  (f32.store (local.get $out) (local.get $lo))',
    '  (f32.store offset=4 (local.get $out) (local.get $hi)))',
  ];
}

/**
 * `quantize(ip, k, stride, scale, zp, xp) → Σ`: DynamicQuantizeLinear's uint8 of each of k
 * float32 at ip, less its zero point, as int16 at xp (zeros up to `stride`); returns their sum.
 * q = clamp(nearest-even(x / scale) + zp, 0, 255).
 */
function quantize() {
  const q = (x) => `(i32x4.sub ${uint8Of(x)} (local.get $z4))`;
  return toInt16(
    '(func (export "quantize") (param $ip i32) (param $k i32) (param $stride i32) (param $scale f32) (param $zp i32) (param $xp i32) (result i32)',
    '(local $s4 v128) (local $z4 v128)',
    ['  (local.set $s4 (f32x4.splat (local.get $scale)))', '  (local.set $z4 (i32x4.splat (local.get $zp)))'],
    [`(local.set $a ${q(v(at('$ip', '$i', 2)))})`, `(local.set $b ${q(`(v128.load offset=16 ${at('$ip', '$i', 2)})`)})`],
    [
      `(local.set $one (i32.add (i32.trunc_sat_f32_s (f32.nearest (f32.div (f32.load ${at('$ip', '$i', 2)}) (local.get $scale)))) (local.get $zp)))`,
      '(local.set $one (select (local.get $one) (i32.const 0) (i32.gt_s (local.get $one) (i32.const 0))))',
      '(local.set $one (i32.sub (select (local.get $one) (i32.const 255) (i32.lt_s (local.get $one) (i32.const 255))) (local.get $zp)))',
    ],
  );
}

/** DynamicQuantizeLinear's uint8 of four float32 as i32x4: clamp(nearest-even(x / $s4) + $z4, 0, 255). */
const uint8Of = (x) =>
  `(i32x4.min_s (i32x4.max_s (i32x4.add (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.div ${x} (local.get $s4)))) (local.get $z4)) (v128.const i32x4 0 0 0 0)) (v128.const i32x4 255 255 255 255))`;

/**
 * `quantize8(ip, k, stride, scale, zp, xp) → Σ`: the same uint8 q of each of k float32 at ip as
 * `quantize`, stored as the int8 q − 128 at xp (the relaxed products' input, gemv-relaxed-wat.mjs),
 * zp − 128 up to `stride` (an input of 0); returns Σ (q − zp), as `quantize` does.
 */
function quantize8() {
  const one = `(i32.add (i32.trunc_sat_f32_s (f32.nearest (f32.div (f32.load ${at('$ip', '$i', 2)}) (local.get $scale)))) (local.get $zp))`;
  return [
    '(func (export "quantize8") (param $ip i32) (param $k i32) (param $stride i32) (param $scale f32) (param $zp i32) (param $xp i32) (result i32)',
    '  (local $s4 v128) (local $z4 v128) (local $acc v128) (local $a v128) (local $b v128) (local $i i32) (local $end i32) (local $sum i32) (local $one i32)',
    '  (local.set $s4 (f32x4.splat (local.get $scale)))',
    '  (local.set $z4 (i32x4.splat (local.get $zp)))',
    '  (local.set $end (i32.and (local.get $k) (i32.const -8)))',
    '  (block $done (loop $eight',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    `    (local.set $a ${uint8Of(v(at('$ip', '$i', 2)))})`,
    `    (local.set $b ${uint8Of(`(v128.load offset=16 ${at('$ip', '$i', 2)})`)})`,
    '    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (local.get $a) (local.get $b))))',
    '    (local.set $a (i16x8.sub (i16x8.narrow_i32x4_s (local.get $a) (local.get $b)) (v128.const i16x8 128 128 128 128 128 128 128 128)))',
    '    (v128.store64_lane 0 (i32.add (local.get $xp) (local.get $i)) (i8x16.narrow_i16x8_s (local.get $a) (local.get $a)))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 8)))',
    '    (br $eight)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $k)))',
    `    (local.set $one ${one})`,
    '    (local.set $one (select (local.get $one) (i32.const 0) (i32.gt_s (local.get $one) (i32.const 0))))',
    '    (local.set $one (select (local.get $one) (i32.const 255) (i32.lt_s (local.get $one) (i32.const 255))))',
    '    (i32.store8 (i32.add (local.get $xp) (local.get $i)) (i32.sub (local.get $one) (i32.const 128)))',
    '    (local.set $sum (i32.add (local.get $sum) (local.get $one)))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    '  (block $done (loop $pad',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))',
    '    (i32.store8 (i32.add (local.get $xp) (local.get $i)) (i32.sub (local.get $zp) (i32.const 128)))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $pad)))',
    `  (i32.sub (i32.add (local.get $sum) ${sumI32('(local.get $acc)')}) (i32.mul (local.get $k) (local.get $zp))))`,
  ];
}

/**
 * A function that turns k float32 at ip into int16 at xp (zeros up to `stride`, the kernel reads
 * whole rows) and returns their sum: eight at a time (`eight` sets $a and $b, four each as i32),
 * then one at a time (`one` sets $one).
 */
function toInt16(head, locals, setup, eight, one) {
  return [
    head,
    `  (local $acc v128) (local $a v128) (local $b v128) (local $i i32) (local $end i32) (local $sum i32) (local $one i32) ${locals}`,
    ...setup,
    '  (local.set $end (i32.and (local.get $k) (i32.const -8)))',
    '  (block $done (loop $eight',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    ...eight.map((line) => `    ${line}`),
    '    (local.set $acc (i32x4.add (local.get $acc) (i32x4.add (local.get $a) (local.get $b))))',
    `    (v128.store ${at('$xp', '$i', 1)} (i16x8.narrow_i32x4_s (local.get $a) (local.get $b)))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 8)))',
    '    (br $eight)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $k)))',
    ...one.map((line) => `    ${line}`),
    `    (i32.store16 ${at('$xp', '$i', 1)} (local.get $one))`,
    '    (local.set $sum (i32.add (local.get $sum) (local.get $one)))',
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    ...zeroTail(),
    `  (i32.add (local.get $sum) ${sumI32('(local.get $acc)')}))`,
  ];
}

/** int16 zeros from i to stride at xp (the kernel reads whole rows). */
function zeroTail() {
  return [
    '  (block $done (loop $pad',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $stride)))',
    `    (i32.store16 ${at('$xp', '$i', 1)} (i32.const 0))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $pad)))',
  ];
}

/**
 * `maxAbs(ip, k) → max |x|` over k float32 at ip, from 0 (Math.max: a NaN gives NaN).
 */
function maxAbs() {
  return [
    '(func (export "maxAbs") (param $ip i32) (param $k i32) (result f32)',
    '  (local $m4 v128) (local $i i32) (local $end i32) (local $m f32)',
    '  (local.set $end (i32.and (local.get $k) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    `    (local.set $m4 (f32x4.max (local.get $m4) (f32x4.abs ${v(at('$ip', '$i', 2))})))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '    (br $four)))',
    '  (local.set $m (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m4)) (f32x4.extract_lane 1 (local.get $m4))) (f32.max (f32x4.extract_lane 2 (local.get $m4)) (f32x4.extract_lane 3 (local.get $m4)))))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $k)))',
    `    (local.set $m (f32.max (local.get $m) (f32.abs (f32.load ${at('$ip', '$i', 2)}))))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    '  (local.get $m))',
  ];
}

/**
 * `roundDiv(ip, k, stride, step, xp) → Σ`: Math.round(x / step) in doubles (ties up: floor, plus
 * one where the fraction is ≥ ½, exact below 2⁵²) of k float32 at ip, as int16 at xp (zeros up
 * to `stride`); returns their sum. The 16-bit input of a `floatInput` head.
 */
function roundDiv() {
  const round = (x) =>
    `(local.set $r (f64x2.div (f64x2.promote_low_f32x4 ${x}) (local.get $step2))) (local.set $f (f64x2.floor (local.get $r)))` +
    ' (f64x2.add (local.get $f) (v128.and (f64x2.ge (f64x2.sub (local.get $r) (local.get $f)) (v128.const f64x2 0.5 0.5)) (v128.const f64x2 1 1)))';
  const four = (x) =>
    `(local.set $lo ${round(x)}) (local.set $hi ${round(high(x))}) ${lows('(i32x4.trunc_sat_f64x2_s_zero (local.get $lo))', '(i32x4.trunc_sat_f64x2_s_zero (local.get $hi))')}`;
  return toInt16(
    '(func (export "roundDiv") (param $ip i32) (param $k i32) (param $stride i32) (param $step f64) (param $xp i32) (result i32)',
    '(local $step2 v128) (local $r v128) (local $f v128) (local $lo v128) (local $hi v128) (local $x v128) (local $rs f64) (local $fs f64)',
    ['  (local.set $step2 (f64x2.splat (local.get $step)))'],
    [
      `(local.set $x ${v(at('$ip', '$i', 2))})`,
      `(local.set $a (block (result v128) ${four('(local.get $x)')}))`,
      `(local.set $x (v128.load offset=16 ${at('$ip', '$i', 2)}))`,
      `(local.set $b (block (result v128) ${four('(local.get $x)')}))`,
    ],
    [
      `(local.set $rs (f64.div (f64.promote_f32 (f32.load ${at('$ip', '$i', 2)})) (local.get $step)))`,
      '(local.set $fs (f64.floor (local.get $rs)))',
      '(local.set $one (i32.trunc_sat_f64_s (select (f64.add (local.get $fs) (f64.const 1)) (local.get $fs) (f64.ge (f64.sub (local.get $rs) (local.get $fs)) (f64.const 0.5)))))',
    ],
  );
}

/** Bits of `dequantize`'s `mode`: per-output zero points, per-output scales, a bias. */
export const DEQUANTIZE = { zeros: 1, scales: 2, bias: 4 };

/**
 * The per-output operands: a vector of four from memory where `mode` says so, else the splat.
 * `zeros` are i32 (their product with the input's sum is taken in doubles by the caller), scales
 * f32, bias f32.
 */
const perOutput = (bit, pointer, splat) =>
  `(if (result v128) (i32.and (local.get $mode) (i32.const ${bit})) (then ${v(at(pointer, '$j', 2))}) (else (local.get ${splat})))`;
const perOutputOne = (bit, pointer, scalar, type) =>
  `(if (result ${type}) (i32.and (local.get $mode) (i32.const ${bit})) (then (${type}.load ${at(pointer, '$j', 2)})) (else (local.get ${scalar})))`;

/**
 * `dequantize(op, n, mode, zero, zp, sum, mult, qscale, sp, bp, out)`: a DynamicQuantizeLinear
 * layer's float32 outputs from its int32 sums at op: f32(dot − zero·Σ) · m, m = f32(qscale ·
 * scale) per output (or `mult` for the tensor), plus the bias — the graph's MatMulInteger,
 * Cast, Mul and Add.
 */
function dequantize() {
  // dot − zero·Σ in doubles (exact), then rounded once to float32.
  const exact = (d, z) =>
    `(f32x4.demote_f64x2_zero (f64x2.sub (f64x2.convert_low_i32x4_s ${d}) (f64x2.mul (f64x2.convert_low_i32x4_s ${z}) (local.get $sum2))))`;
  const four = [
    `(local.set $d ${v(at('$op', '$j', 2))})`,
    `(local.set $z ${perOutput(DEQUANTIZE.zeros, '$zp', '$zero4')})`,
    `(local.set $e ${lows(exact('(local.get $d)', '(local.get $z)'), exact(high('(local.get $d)'), high('(local.get $z)')))})`,
    `(local.set $e (f32x4.mul (local.get $e) (if (result v128) (i32.and (local.get $mode) (i32.const ${DEQUANTIZE.scales})) (then (f32x4.mul (local.get $q4) ${v(at('$sp', '$j', 2))})) (else (local.get $m4)))))`,
    ...biasAndStore.four,
  ];
  const one = [
    `(local.set $es (f32.demote_f64 (f64.sub (f64.convert_i32_s (i32.load ${at('$op', '$j', 2)})) (f64.mul (f64.convert_i32_s ${perOutputOne(DEQUANTIZE.zeros, '$zp', '$zero', 'i32')}) (local.get $sums)))))`,
    `(local.set $es (f32.mul (local.get $es) (if (result f32) (i32.and (local.get $mode) (i32.const ${DEQUANTIZE.scales})) (then (f32.mul (local.get $qscale) (f32.load ${at('$sp', '$j', 2)}))) (else (local.get $mult)))))`,
    ...biasAndStore.one,
  ];
  return dequantizer('dequantize', ['$mult f32', '$qscale f32'], { $m4: ['f32x4', '$mult'], $q4: ['f32x4', '$qscale'] }, four, one);
}

/**
 * `dequantizeFloat(op, n, mode, zero, zp, sum, step, sp, bp, out)`: a `floatInput` head's
 * outputs, ((dot − zero·Σ) · step · scale) in doubles, rounded once to float32, plus the bias.
 * The scale is the tensor's (`mode` without `scales`: its one value at sp) or one per output.
 */
function dequantizeFloat() {
  const two = (d, z, s) =>
    `(f32x4.demote_f64x2_zero (f64x2.mul (f64x2.mul (f64x2.sub (f64x2.convert_low_i32x4_s ${d}) (f64x2.mul (f64x2.convert_low_i32x4_s ${z}) (local.get $sum2))) (local.get $step2)) (f64x2.promote_low_f32x4 ${s})))`;
  const four = [
    `(local.set $d ${v(at('$op', '$j', 2))})`,
    `(local.set $z ${perOutput(DEQUANTIZE.zeros, '$zp', '$zero4')})`,
    `(local.set $s ${perOutput(DEQUANTIZE.scales, '$sp', '$scale4')})`,
    `(local.set $e ${lows(two('(local.get $d)', '(local.get $z)', '(local.get $s)'), two(high('(local.get $d)'), high('(local.get $z)'), high('(local.get $s)')))})`,
    ...biasAndStore.four,
  ];
  const one = [
    `(local.set $es (f32.demote_f64 (f64.mul (f64.mul (f64.sub (f64.convert_i32_s (i32.load ${at('$op', '$j', 2)})) (f64.mul (f64.convert_i32_s ${perOutputOne(DEQUANTIZE.zeros, '$zp', '$zero', 'i32')}) (local.get $sums))) (local.get $step)) (f64.promote_f32 ${perOutputOne(DEQUANTIZE.scales, '$sp', '$scale', 'f32')}))))`,
    ...biasAndStore.one,
  ];
  return dequantizer('dequantizeFloat', ['$step f64', '$scale f32'], { $step2: ['f64x2', '$step'], $scale4: ['f32x4', '$scale'], $s: null }, four, one);
}

/** The bias added where `mode` has one, then the outputs stored: four ($e), one ($es). */
const biasAndStore = {
  four: [
    `(if (i32.and (local.get $mode) (i32.const ${DEQUANTIZE.bias})) (then (local.set $e (f32x4.add (local.get $e) ${v(at('$bp', '$j', 2))}))))`,
    `(v128.store ${at('$out', '$j', 2)} (local.get $e))`,
  ],
  one: [
    `(if (i32.and (local.get $mode) (i32.const ${DEQUANTIZE.bias})) (then (local.set $es (f32.add (local.get $es) (f32.load ${at('$bp', '$j', 2)})))))`,
    `(f32.store ${at('$out', '$j', 2)} (local.get $es))`,
  ],
};

/**
 * A dequantising function: (op, n, mode, zero, zp, sum, a, b, sp, bp, out), its two operands `a`
 * and `b` ("$name type"), the vectors splat from them (`$v: [shape, $x]`; `$v: null` a plain
 * v128 local), and its loop bodies (`outputs`).
 */
function dequantizer(name, [a, b], vectors, four, one) {
  const all = { $zero4: ['i32x4', '$zero'], ...vectors };
  return outputs(
    `(func (export "${name}") (param $op i32) (param $n i32) (param $mode i32) (param $zero i32) (param $zp i32) (param $sum i32) (param ${a}) (param ${b}) (param $sp i32) (param $bp i32) (param $out i32)`,
    `  (local $sum2 v128) (local $d v128) (local $z v128) (local $e v128) (local $j i32) (local $end i32) (local $es f32) (local $sums f64) ${Object.keys(all)
      .map((v) => `(local ${v} v128)`)
      .join(' ')}`,
    [
      '  (local.set $sums (f64.convert_i32_s (local.get $sum)))',
      '  (local.set $sum2 (f64x2.splat (local.get $sums)))',
      ...Object.entries(all)
        .filter(([, splat]) => splat)
        .map(([v, [shape, from]]) => `  (local.set ${v} (${shape}.splat (local.get ${from})))`),
    ],
    four,
    one,
  );
}

/** A loop over n outputs, four at a time, then one at a time. */
function outputs(head, locals, setup, four, one) {
  return [
    head,
    locals,
    ...setup,
    '  (local.set $end (i32.and (local.get $n) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $end)))',
    ...four.map((s) => `    ${s}`),
    '    (local.set $j (i32.add (local.get $j) (i32.const 4)))',
    '    (br $four)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $j) (local.get $n)))',
    ...one.map((s) => `    ${s}`),
    '    (local.set $j (i32.add (local.get $j) (i32.const 1)))',
    '    (br $one))))',
  ];
}

/**
 * Softmax over `tokens` scores (float32 at sp, their maximum in $max), in place: e = exp(s − max)
 * (`$exp2`, two at a time, a lone last one alongside itself, rounded to float32), Σe in float32 in
 * token order, then p = e / Σe. Uses the locals $t, $s, $e, $sum; `pad` indents the lines.
 */
function softmaxLines(pad) {
  return [
    '(local.set $sum (f32.const 0))',
    '(local.set $t (i32.const 0))',
    '(block $doneExps (loop $exps',
    '  (br_if $doneExps (i32.ge_u (local.get $t) (local.get $tokens)))',
    `  (local.set $s (f32.load ${at('$sp', '$t', 2)}))`,
    `  (local.set $e (f32x4.demote_f64x2_zero (call $exp2 (f64x2.sub (f64x2.promote_low_f32x4 (f32x4.replace_lane 1 (f32x4.splat (local.get $s)) (f32.load offset=4 ${at('$sp', '$t', 2)}))) (f64x2.splat (f64.promote_f32 (local.get $max)))))))`,
    `  (f32.store ${at('$sp', '$t', 2)} (f32x4.extract_lane 0 (local.get $e)))`,
    '  (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 0 (local.get $e))))',
    '  (if (i32.lt_u (i32.add (local.get $t) (i32.const 1)) (local.get $tokens)) (then',
    `    (f32.store offset=4 ${at('$sp', '$t', 2)} (f32x4.extract_lane 1 (local.get $e)))`,
    '    (local.set $sum (f32.add (local.get $sum) (f32x4.extract_lane 1 (local.get $e))))))',
    '  (local.set $t (i32.add (local.get $t) (i32.const 2)))',
    '  (br $exps)))',
    '(local.set $t (i32.const 0))',
    '(block $doneWeights (loop $weights',
    '  (br_if $doneWeights (i32.ge_u (local.get $t) (local.get $tokens)))',
    `  (f32.store ${at('$sp', '$t', 2)} (f32.div (f32.load ${at('$sp', '$t', 2)}) (local.get $sum)))`,
    '  (local.set $t (i32.add (local.get $t) (i32.const 1)))',
    '  (br $weights)))',
  ].map((l) => pad + l);
}

/** A score from a f32x4 of partial sums: ((s0 + s1) + (s2 + s3)) / scale. */
const scoreOf = (acc) =>
  `(f32.div (f32.add (f32.add (f32x4.extract_lane 0 ${acc}) (f32x4.extract_lane 1 ${acc})) (f32.add (f32x4.extract_lane 2 ${acc}) (f32x4.extract_lane 3 ${acc}))) (local.get $scale))`;

/**
 * `attend(qp, kp, vp, tokens, d, scale, sp, op)`: one head's softmax(q·kᵀ / scale) · v for a
 * decoding step (or a prompt's row) over the first `tokens` of its keys and values ([slots][d]
 * float32 at kp and vp), the query d float32 at qp, into d float32 at op; sp holds the scores.
 * Float32 as the graph's MatMul, Div, Softmax and MatMul compute it, in `attendText`'s order:
 * q·k summed four lanes at a time, ((s0 + s1) + (s2 + s3)) / scale, the softmax of
 * `softmaxLines`, Σ p·v in token order, eight columns at a time. d ≡ 0 mod 8.
 */
function attend() {
  return [
    '(func (export "attend") (param $qp i32) (param $kp i32) (param $vp i32) (param $tokens i32) (param $d i32) (param $scale f32) (param $sp i32) (param $op i32)',
    '  (local $t i32) (local $i i32) (local $k i32) (local $v i32) (local $acc v128) (local $e v128) (local $p v128) (local $o0 v128) (local $o1 v128)',
    '  (local $s f32) (local $max f32) (local $sum f32)',
    '  (local.set $max (f32.const -inf))',
    '  (local.set $k (local.get $kp))',
    '  (block $doneKeys (loop $keys',
    '    (br_if $doneKeys (i32.ge_u (local.get $t) (local.get $tokens)))',
    '    (local.set $acc (v128.const f32x4 0 0 0 0))',
    '    (local.set $i (i32.const 0))',
    '    (block $doneDims (loop $dims',
    '      (br_if $doneDims (i32.ge_u (local.get $i) (local.get $d)))',
    `      (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul ${v(at('$qp', '$i', 2))} ${v(at('$k', '$i', 2))})))`,
    '      (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '      (br $dims)))',
    `    (local.set $s ${scoreOf('(local.get $acc)')})`,
    `    (f32.store ${at('$sp', '$t', 2)} (local.get $s))`,
    '    (local.set $max (select (local.get $s) (local.get $max) (f32.gt (local.get $s) (local.get $max))))',
    '    (local.set $k (i32.add (local.get $k) (i32.shl (local.get $d) (i32.const 2))))',
    '    (local.set $t (i32.add (local.get $t) (i32.const 1)))',
    '    (br $keys)))',
    ...softmaxLines('  '),
    // The weighted values, eight columns at a time.
    '  (local.set $i (i32.const 0))',
    '  (block $doneColumns (loop $columns',
    '    (br_if $doneColumns (i32.ge_u (local.get $i) (local.get $d)))',
    '    (local.set $o0 (v128.const f32x4 0 0 0 0))',
    '    (local.set $o1 (v128.const f32x4 0 0 0 0))',
    `    (local.set $v ${at('$vp', '$i', 2)})`,
    '    (local.set $t (i32.const 0))',
    '    (block $doneValues (loop $values',
    '      (br_if $doneValues (i32.ge_u (local.get $t) (local.get $tokens)))',
    `      (local.set $p (f32x4.splat (f32.load ${at('$sp', '$t', 2)})))`,
    '      (local.set $o0 (f32x4.add (local.get $o0) (f32x4.mul (local.get $p) (v128.load (local.get $v)))))',
    '      (local.set $o1 (f32x4.add (local.get $o1) (f32x4.mul (local.get $p) (v128.load offset=16 (local.get $v)))))',
    '      (local.set $v (i32.add (local.get $v) (i32.shl (local.get $d) (i32.const 2))))',
    '      (local.set $t (i32.add (local.get $t) (i32.const 1)))',
    '      (br $values)))',
    `    (v128.store ${at('$op', '$i', 2)} (local.get $o0))`,
    `    (v128.store offset=16 ${at('$op', '$i', 2)} (local.get $o1))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 8)))',
    '    (br $columns)))',
    ')',
  ];
}

/**
 * `addNorm(hp, xp, rows, width, wp, bp, eps, add)`: for each of `rows` rows of `width` float32 at
 * hp (in place): h += x (the residual, x at xp, where `add`), then LayerNorm with the weight and
 * bias at wp and bp — rows.ts's `layerNormRows` (mean and variance in doubles, (h − mean) · inv ·
 * weight + bias in doubles, rounded once), its sums taken two lanes at a time.
 */
function addNorm() {
  const lane = (x, i) => `(f64x2.extract_lane ${i} ${x})`;
  const promote = (x) => [`(f64x2.promote_low_f32x4 ${x})`, `(f64x2.promote_low_f32x4 ${high(x)})`];
  const normed = (hv, wv, bv) =>
    `(f32x4.demote_f64x2_zero (f64x2.add (f64x2.mul (f64x2.mul (f64x2.sub ${hv} (local.get $mean2)) (local.get $inv2)) ${wv}) ${bv}))`;
  const [hLo, hHi] = promote('(local.get $v)');
  const [wLo, wHi] = promote('(local.get $w)');
  const [bLo, bHi] = promote('(local.get $b)');
  const scalar = (x) => `(f64.promote_f32 (f32.load ${x}))`;
  const loop = (name, end, step, body) => [
    '    (local.set $i (i32.const 0))',
    `    (block $done (loop $${name}`,
    `      (br_if $done (i32.ge_u (local.get $i) ${end}))`,
    ...body.map((l) => `      ${l}`),
    `      (local.set $i (i32.add (local.get $i) (i32.const ${step})))`,
    `      (br $${name})))`,
  ];
  const tail = (name, body) => [
    `    (block $done (loop $${name}`,
    '      (br_if $done (i32.ge_u (local.get $i) (local.get $width)))',
    ...body.map((l) => `      ${l}`),
    '      (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    `      (br $${name})))`,
  ];
  return [
    '(func (export "addNorm") (param $hp i32) (param $xp i32) (param $rows i32) (param $width i32) (param $wp i32) (param $bp i32) (param $eps f64) (param $add i32)',
    '  (local $r i32) (local $i i32) (local $end i32) (local $row i32) (local $xrow i32) (local $v v128) (local $w v128) (local $b v128) (local $d v128)',
    '  (local $s0 v128) (local $s1 v128) (local $sum f64) (local $mean f64) (local $inv f64) (local $e f64) (local $mean2 v128) (local $inv2 v128) (local $f f32)',
    '  (local.set $end (i32.and (local.get $width) (i32.const -4)))',
    '  (block $doneRows (loop $rows',
    '    (br_if $doneRows (i32.ge_u (local.get $r) (local.get $rows)))',
    '    (local.set $row (i32.add (local.get $hp) (i32.shl (i32.mul (local.get $r) (local.get $width)) (i32.const 2))))',
    '    (local.set $xrow (i32.add (local.get $xp) (i32.shl (i32.mul (local.get $r) (local.get $width)) (i32.const 2))))',
    // The residual, and the sum for the mean.
    '    (local.set $s0 (v128.const f64x2 0 0))',
    '    (local.set $s1 (v128.const f64x2 0 0))',
    ...loop('adds', '(local.get $end)', 4, [
      `(local.set $v ${v(at('$row', '$i', 2))})`,
      `(if (local.get $add) (then (local.set $v (f32x4.add (local.get $v) ${v(at('$xrow', '$i', 2))})) (v128.store ${at('$row', '$i', 2)} (local.get $v))))`,
      `(local.set $s0 (f64x2.add (local.get $s0) ${hLo}))`,
      `(local.set $s1 (f64x2.add (local.get $s1) ${hHi}))`,
    ]),
    `    (local.set $sum (f64.add (f64.add ${lane('(local.get $s0)', 0)} ${lane('(local.get $s0)', 1)}) (f64.add ${lane('(local.get $s1)', 0)} ${lane('(local.get $s1)', 1)})))`,
    ...tail('addsTail', [
      `(local.set $f (f32.load ${at('$row', '$i', 2)}))`,
      `(if (local.get $add) (then (local.set $f (f32.add (local.get $f) (f32.load ${at('$xrow', '$i', 2)}))) (f32.store ${at('$row', '$i', 2)} (local.get $f))))`,
      '(local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (local.get $f))))',
    ]),
    '    (local.set $mean (f64.div (local.get $sum) (f64.convert_i32_u (local.get $width))))',
    '    (local.set $mean2 (f64x2.splat (local.get $mean)))',
    // The variance.
    '    (local.set $s0 (v128.const f64x2 0 0))',
    '    (local.set $s1 (v128.const f64x2 0 0))',
    ...loop('squares', '(local.get $end)', 4, [
      `(local.set $v ${v(at('$row', '$i', 2))})`,
      `(local.set $d (f64x2.sub ${hLo} (local.get $mean2)))`,
      '(local.set $s0 (f64x2.add (local.get $s0) (f64x2.mul (local.get $d) (local.get $d))))',
      `(local.set $d (f64x2.sub ${hHi} (local.get $mean2)))`,
      '(local.set $s1 (f64x2.add (local.get $s1) (f64x2.mul (local.get $d) (local.get $d))))',
    ]),
    `    (local.set $sum (f64.add (f64.add ${lane('(local.get $s0)', 0)} ${lane('(local.get $s0)', 1)}) (f64.add ${lane('(local.get $s1)', 0)} ${lane('(local.get $s1)', 1)})))`,
    ...tail('squaresTail', [
      `(local.set $e (f64.sub ${scalar(at('$row', '$i', 2))} (local.get $mean)))`,
      '(local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $e) (local.get $e))))',
    ]),
    '    (local.set $inv (f64.div (f64.const 1) (f64.sqrt (f64.add (f64.div (local.get $sum) (f64.convert_i32_u (local.get $width))) (local.get $eps)))))',
    '    (local.set $inv2 (f64x2.splat (local.get $inv)))',
    // Normalised, scaled and shifted, rounded once.
    ...loop('outs', '(local.get $end)', 4, [
      `(local.set $v ${v(at('$row', '$i', 2))})`,
      `(local.set $w ${v(at('$wp', '$i', 2))})`,
      `(local.set $b ${v(at('$bp', '$i', 2))})`,
      `(v128.store ${at('$row', '$i', 2)} ${lows(normed(hLo, wLo, bLo), normed(hHi, wHi, bHi))})`,
    ]),
    ...tail('outsTail', [
      `(f32.store ${at('$row', '$i', 2)} (f32.demote_f64 (f64.add (f64.mul (f64.mul (f64.sub ${scalar(at('$row', '$i', 2))} (local.get $mean)) (local.get $inv)) ${scalar(at('$wp', '$i', 2))}) ${scalar(at('$bp', '$i', 2))})))`,
    ]),
    '    (local.set $r (i32.add (local.get $r) (i32.const 1)))',
    '    (br $rows)))',
    ')',
  ];
}

/**
 * `attendText(qp, tokens, width, heads, d, scale, sp, op)`: every head's attention of one text
 * over its own tokens, in float32 as the graph's MatMul, Div, Softmax and MatMul compute it (an
 * encoder's; the decoding step's `attend` keeps the doubles of the JavaScript it replaced). The
 * text's rows lie at qp as the query-key-value product left them ([tokens][q | k | v], each
 * heads × d float32); each head's output goes to its columns of [tokens][width] at op; sp holds
 * one row's scores. d ≡ 0 mod 16. Scores: q·k summed four lanes at a time, ((s0 + s1) + (s2 +
 * s3)) / scale; softmax: e = exp(s − max) (`$exp2`, two at a time, rounded to float32), Σe in
 * float32 in token order, p = e / Σe; output: Σ p·v in token order, sixteen columns at a time.
 */
function attendText() {
  const lanes = [0, 1, 2, 3];
  const rowBytes = '(i32.mul (local.get $width) (i32.const 12))';
  return [
    '(func (export "attendText") (param $qp i32) (param $tokens i32) (param $width i32) (param $heads i32) (param $d i32) (param $scale f32) (param $sp i32) (param $op i32)',
    '  (local $head i32) (local $row i32) (local $t i32) (local $i i32) (local $q i32) (local $k i32) (local $v i32) (local $o i32) (local $hq i32)',
    `  (local $acc v128) (local $p v128) (local $e v128) (local $s f32) (local $max f32) (local $sum f32) ${lanes.map((l) => `(local $o${l} v128)`).join(' ')}`,
    '  (block $doneHeads (loop $heads',
    '    (br_if $doneHeads (i32.ge_u (local.get $head) (local.get $heads)))',
    '    (local.set $hq (i32.shl (i32.mul (local.get $head) (local.get $d)) (i32.const 2)))',
    '    (local.set $row (i32.const 0))',
    '    (block $doneRows (loop $rows',
    '      (br_if $doneRows (i32.ge_u (local.get $row) (local.get $tokens)))',
    `      (local.set $q (i32.add (i32.add (local.get $qp) (i32.mul (local.get $row) ${rowBytes})) (local.get $hq)))`,
    // Scores and their maximum.
    '      (local.set $max (f32.const -inf))',
    '      (local.set $t (i32.const 0))',
    '      (block $doneKeys (loop $keys',
    '        (br_if $doneKeys (i32.ge_u (local.get $t) (local.get $tokens)))',
    `        (local.set $k (i32.add (i32.add (local.get $qp) (i32.mul (local.get $t) ${rowBytes})) (i32.add (i32.shl (local.get $width) (i32.const 2)) (local.get $hq))))`,
    '        (local.set $acc (v128.const f32x4 0 0 0 0))',
    '        (local.set $i (i32.const 0))',
    '        (block $doneDims (loop $dims',
    '          (br_if $doneDims (i32.ge_u (local.get $i) (local.get $d)))',
    `          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul ${v(at('$q', '$i', 2))} ${v(at('$k', '$i', 2))})))`,
    '          (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '          (br $dims)))',
    `        (local.set $s ${scoreOf('(local.get $acc)')})`,
    `        (f32.store ${at('$sp', '$t', 2)} (local.get $s))`,
    '        (local.set $max (select (local.get $s) (local.get $max) (f32.gt (local.get $s) (local.get $max))))',
    '        (local.set $t (i32.add (local.get $t) (i32.const 1)))',
    '        (br $keys)))',
    ...softmaxLines('      '),
    // The weighted values, sixteen columns at a time.
    `      (local.set $o (i32.add (i32.add (local.get $op) (i32.shl (i32.mul (local.get $row) (local.get $width)) (i32.const 2))) (local.get $hq)))`,
    '      (local.set $i (i32.const 0))',
    '      (block $doneColumns (loop $columns',
    '        (br_if $doneColumns (i32.ge_u (local.get $i) (local.get $d)))',
    ...lanes.map((l) => `        (local.set $o${l} (v128.const f32x4 0 0 0 0))`),
    `        (local.set $v (i32.add (i32.add (local.get $qp) (i32.shl (local.get $width) (i32.const 3))) (i32.add (local.get $hq) (i32.shl (local.get $i) (i32.const 2)))))`,
    '        (local.set $t (i32.const 0))',
    '        (block $doneValues (loop $values',
    '          (br_if $doneValues (i32.ge_u (local.get $t) (local.get $tokens)))',
    `          (local.set $p (f32x4.splat (f32.load ${at('$sp', '$t', 2)})))`,
    ...lanes.map((l) => `          (local.set $o${l} (f32x4.add (local.get $o${l}) (f32x4.mul (local.get $p) (v128.load offset=${16 * l} (local.get $v)))))`),
    `          (local.set $v (i32.add (local.get $v) ${rowBytes}))`,
    '          (local.set $t (i32.add (local.get $t) (i32.const 1)))',
    '          (br $values)))',
    ...lanes.map((l) => `        (v128.store offset=${16 * l} ${at('$o', '$i', 2)} (local.get $o${l}))`),
    '        (local.set $i (i32.add (local.get $i) (i32.const 16)))',
    '        (br $columns)))',
    '      (local.set $row (i32.add (local.get $row) (i32.const 1)))',
    '      (br $rows)))',
    '    (local.set $head (i32.add (local.get $head) (i32.const 1)))',
    '    (br $heads)))',
    ')',
  ];
}

/** The functions, as lines of the module's text. */
export function floatFunctions() {
  return [
    ...range(),
    ...addNorm(),
    ...quantize(),
    ...quantize8(),
    ...maxAbs(),
    ...roundDiv(),
    ...dequantize(),
    ...dequantizeFloat(),
    ...geluFunction(),
    ...geluErfFunction(),
    ...attend(),
    ...attendText(),
  ];
}

/** 1/k! for k = 13…2, Horner's order for e^r = 1 + r(1 + r(1/2 + r(1/6 + …))). */
const EXP_TAYLOR = Array.from({ length: 12 }, (_, i) => 13 - i).map((k) => {
  let f = 1;
  for (let j = 2; j <= k; j++) f *= j;
  return 1 / f;
});

/**
 * `$exp2(z)`: e^z for two doubles at once, z clamped to [−700, 700] (GELU's ends: e^{±700}
 * leaves x − x / (e + 1) at 0 or x). Cody–Waite: n = nearest(z / ln 2), r = z − n·ln2hi −
 * n·ln2lo (|r| ≤ ½ ln 2, n·ln2hi exact), e^r by its Taylor series to r¹³ (error < 1e−17), times
 * 2ⁿ from the exponent bits. Within an ulp or two of Math.exp, so GELU's float32 outputs almost
 * always equal the scalar loop's, and never differ by more than one float32 ulp (unit test).
 */
function exp2Function() {
  const horner = EXP_TAYLOR.reduce((acc, c) => `(f64x2.add (v128.const f64x2 ${c} ${c}) (f64x2.mul (local.get $r) ${acc}))`, '(v128.const f64x2 0 0)');
  return [
    '(func $exp2 (param $z v128) (result v128)',
    '  (local $n v128) (local $r v128) (local $p v128)',
    '  (local.set $z (f64x2.pmax (v128.const f64x2 -700 -700) (f64x2.pmin (v128.const f64x2 700 700) (local.get $z))))',
    '  (local.set $n (f64x2.nearest (f64x2.mul (local.get $z) (v128.const f64x2 1.4426950408889634 1.4426950408889634))))',
    '  (local.set $r (f64x2.sub (f64x2.sub (local.get $z) (f64x2.mul (local.get $n) (v128.const f64x2 6.93147180369123816490e-01 6.93147180369123816490e-01)))',
    '    (f64x2.mul (local.get $n) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))))',
    // 1 + r·(1 + r·(1/2 + …)): the series from its 1/2 term down, then ·r + 1, ·r + 1.
    `  (local.set $p (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) ${horner})))))`,
    '  (f64x2.mul (local.get $p) (i64x2.shl (i64x2.add (i64x2.extend_low_i32x4_s (i32x4.trunc_sat_f64x2_s_zero (local.get $n))) (v128.const i64x2 1023 1023)) (i32.const 52))))',
  ];
}

/**
 * `gelu(fp, n)`: GPT-2's GELU (tanh form) in place over n float32 at fp, as
 * x − x / (e^{2u} + 1), u = √(2/π)·(x + 0.044715·x³), in doubles, two at a time (`$exp2`),
 * rounded once: gpt2-step.ts's former loop, within a float32 ulp.
 */
export function geluFunction() {
  const C2 = 2 * Math.sqrt(2 / Math.PI);
  const two = (x) =>
    `(f32x4.demote_f64x2_zero (f64x2.sub ${x} (f64x2.div ${x} (f64x2.add (call $exp2 (f64x2.mul (v128.const f64x2 ${C2} ${C2}) (f64x2.add ${x} (f64x2.mul (f64x2.mul (f64x2.mul (v128.const f64x2 0.044715 0.044715) ${x}) ${x}) ${x})))) (v128.const f64x2 1 1)))))`;
  return [
    ...exp2Function(),
    '(func (export "gelu") (param $fp i32) (param $n i32)',
    '  (local $i i32) (local $end i32) (local $at i32) (local $v v128) (local $lo v128) (local $hi v128)',
    '  (local.set $end (i32.and (local.get $n) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    `    (local.set $at ${at('$fp', '$i', 2)})`,
    '    (local.set $v (v128.load (local.get $at)))',
    '    (local.set $lo (f64x2.promote_low_f32x4 (local.get $v)))',
    `    (local.set $hi (f64x2.promote_low_f32x4 ${high('(local.get $v)')}))`,
    `    (v128.store (local.get $at) ${lows(two('(local.get $lo)'), two('(local.get $hi)'))})`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '    (br $four)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
    `    (local.set $at ${at('$fp', '$i', 2)})`,
    '    (local.set $lo (f64x2.splat (f64.promote_f32 (f32.load (local.get $at)))))',
    `    (f32.store (local.get $at) (f32x4.extract_lane 0 ${two('(local.get $lo)')}))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    ')',
  ];
}

/** Eigen's float erf: x·P(x²)/Q(x²) over x clamped to ±4 (erf is ±1 in float32 beyond), within 5e-7 of erf. */
const ERF_P = [
  '-2.72614225801306e-10',
  '2.77068142495902e-08',
  '-2.10102402082508e-06',
  '-5.69250639462346e-05',
  '-7.34990630326855e-04',
  '-2.95459980854025e-03',
  '-1.60960333262415e-02',
];
const ERF_Q = ['-1.45660718464996e-05', '-2.13374055278905e-04', '-1.68282697438203e-03', '-7.37332916720468e-03', '-1.42647390514189e-02'];

/**
 * `geluErf(fp, n)`: BERT's GELU, x · ½ · (1 + erf(x / √2)), in place over n float32 at fp, four at
 * a time in float32 as the graph's Div, Erf, Add, Mul, Mul (the erf is Eigen's rational form).
 */
export function geluErfFunction() {
  const splat = (c) => `(v128.const f32x4 ${c} ${c} ${c} ${c})`;
  const horner = (cs, x2) => cs.slice(1).reduce((acc, c) => `(f32x4.add (f32x4.mul ${acc} ${x2}) ${splat(c)})`, splat(cs[0]));
  const gelu = (v) =>
    `(f32x4.mul (f32x4.mul ${v} (f32x4.add (f32x4.div (f32x4.mul (local.get $x) ${horner(ERF_P, '(local.get $x2)')}) ${horner(ERF_Q, '(local.get $x2)')}) ${splat(1)})) ${splat(0.5)})`;
  const clamp = (v) => `(f32x4.max (f32x4.min (f32x4.div ${v} ${splat(Math.SQRT2)}) ${splat(4)}) ${splat(-4)})`;
  const body = (v) => [`(local.set $x ${clamp(v)})`, '(local.set $x2 (f32x4.mul (local.get $x) (local.get $x)))'];
  return [
    '(func (export "geluErf") (param $fp i32) (param $n i32)',
    '  (local $i i32) (local $end i32) (local $at i32) (local $v v128) (local $x v128) (local $x2 v128)',
    '  (local.set $end (i32.and (local.get $n) (i32.const -4)))',
    '  (block $done (loop $four',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $end)))',
    `    (local.set $at ${at('$fp', '$i', 2)})`,
    '    (local.set $v (v128.load (local.get $at)))',
    ...body('(local.get $v)').map((l) => `    ${l}`),
    `    (v128.store (local.get $at) ${gelu('(local.get $v)')})`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 4)))',
    '    (br $four)))',
    '  (block $done (loop $one',
    '    (br_if $done (i32.ge_u (local.get $i) (local.get $n)))',
    `    (local.set $at ${at('$fp', '$i', 2)})`,
    '    (local.set $v (f32x4.splat (f32.load (local.get $at))))',
    ...body('(local.get $v)').map((l) => `    ${l}`),
    `    (f32.store (local.get $at) (f32x4.extract_lane 0 ${gelu('(local.get $v)')}))`,
    '    (local.set $i (i32.add (local.get $i) (i32.const 1)))',
    '    (br $one)))',
    ')',
  ];
}

// The check that admits an engine's relaxed SIMD (gemv-module.ts `computesExactly`): a module
// whose `dotsRelaxed` gives the standard's sums passes, one that gives others (Node 20's V8 sums
// eight products a lane, an older draft) is refused, and so keeps SIMD128.
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { computesExactly, relaxedModule } from '@/models/host/kernels/gemv-module';

/** `dotsRelaxed` in scalar WebAssembly over the quads layout, its sums times `scale`, plus `bias`. */
async function scalarDots(scale: number, bias = 0): Promise<WebAssembly.Module> {
  const wabt = await wabtInit();
  const text = `(module (import "env" "memory" (memory 1))
  (func (export "dotsRelaxed") (param $xp i32) (param $count i32) (param $xs i32) (param $wp i32) (param $n i32) (param $k i32) (param $op i32) (param $os i32)
    (local $r i32) (local $j i32) (local $i i32) (local $sum i32)
    (loop $rows
      (local.set $j (i32.const 0))
      (loop $outputs
        (local.set $sum (i32.const 0))
        (local.set $i (i32.const 0))
        (loop $inputs
          (local.set $sum (i32.add (local.get $sum) (i32.mul
            (i32.load8_s (i32.add (i32.add (local.get $xp) (i32.mul (local.get $r) (local.get $xs))) (local.get $i)))
            (i32.load8_u (i32.add (i32.add (local.get $wp) (i32.mul (i32.and (local.get $j) (i32.const -8)) (local.get $k)))
              (i32.add (i32.add (i32.shl (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 5)) (i32.shl (i32.and (local.get $j) (i32.const 7)) (i32.const 2))) (i32.and (local.get $i) (i32.const 3))))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $inputs (i32.lt_u (local.get $i) (local.get $k))))
        (i32.store (i32.add (i32.add (local.get $op) (i32.mul (local.get $r) (local.get $os))) (i32.shl (local.get $j) (i32.const 2)))
          (i32.add (i32.mul (local.get $sum) (i32.const ${scale})) (i32.const ${bias})))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $outputs (i32.lt_u (local.get $j) (local.get $n))))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $rows (i32.lt_u (local.get $r) (local.get $count))))))`;
  const module = wabt.parseWat('dots.wat', text);
  const { buffer } = module.toBinary({});
  module.destroy();
  return new WebAssembly.Module(new Uint8Array(buffer));
}

describe('relaxed SIMD admission', () => {
  it("admits a module that gives the standard's sums and refuses one that does not", async () => {
    expect(computesExactly(await scalarDots(1))).toBe(true);
    expect(computesExactly(await scalarDots(2))).toBe(false);
    expect(computesExactly(await scalarDots(1, 1))).toBe(false);
  });

  it('gives the relaxed module only where the engine validates it and passes the check (Node 20: none)', () => {
    const relaxed = relaxedModule();
    if (relaxed) expect(computesExactly(relaxed.own)).toBe(true);
    else expect(process.versions.node.split('.')[0]).toBe('20');
  });
});

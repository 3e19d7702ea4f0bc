// The decoding step's key/value buffers (models/host/kernels/kv-state.ts): they convert to and
// from the session's past tensors unchanged, grow past their capacity, and copy on write so that
// states sharing a store (alternatives from one prompt, a truncated reuse) never see each other's slots.
import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { type Extension, KvState } from '@/models/host/kernels/kv-state';

const shape = { layers: 2, heads: 3, headSize: 4 };

function pastOf(length: number, seed = 1): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (let l = 0; l < shape.layers; l++) {
    for (const kind of ['key', 'value']) {
      const data = Float32Array.from({ length: shape.heads * length * shape.headSize }, (_, i) => seed * 1000 + l * 100 + (kind === 'key' ? 0 : 50) + i / 7);
      out[`past_key_values.${l}.${kind}`] = new Tensor('float32', data, [1, shape.heads, length, shape.headSize]);
    }
  }
  return out;
}

/** Writes `value` into every layer's free slot, as a decoding step does. */
function fill(e: Extension, value: number): KvState {
  for (let l = 0; l < shape.layers; l++) {
    for (let h = 0; h < shape.heads; h++) {
      const at = (h * e.capacity + e.slot) * shape.headSize;
      e.keys[l]!.fill(value, at, at + shape.headSize);
      e.values[l]!.fill(-value, at, at + shape.headSize);
    }
  }
  return e.state;
}

const lastKey = (s: KvState) => {
  const key = s.toTensors()['past_key_values.1.key']!;
  return (key.data as Float32Array)[(2 * s.length - 1) * shape.headSize];
};

describe('KvState', () => {
  it("round-trips the session's tensors", () => {
    const past = pastOf(5);
    const state = KvState.fromTensors(past, shape);
    expect(state.length).toBe(5);
    const back = state.toTensors();
    expect(Object.keys(back).sort()).toEqual(Object.keys(past).sort());
    for (const name of Object.keys(past)) {
      expect(back[name]!.dims).toEqual([1, 3, 5, 4]);
      expect(back[name]!.data).toEqual(past[name]!.data);
    }
  });

  it('rejects tensors of another shape', () => {
    expect(() => KvState.fromTensors(pastOf(5), { ...shape, heads: 2 })).toThrow(/float32 \[1\]\[2\]\[5\]\[4\]/);
  });

  it('appends slot after slot, growing past its capacity without losing a value', () => {
    let state = KvState.fromTensors(pastOf(3), shape);
    for (let i = 0; i < 150; i++) state = fill(state.extend(), i + 1);
    expect(state.length).toBe(153);
    const key = state.toTensors()['past_key_values.0.key']!;
    const data = key.data as Float32Array;
    expect(key.dims).toEqual([1, 3, 153, 4]);
    // Head 2: the three original positions, then 1…150.
    const head2 = (t: number) => data[(2 * 153 + t) * 4];
    expect(head2(0)).toBeCloseTo(1000 + (2 * 3 * 4) / 7, 4);
    expect([head2(3), head2(100), head2(152)]).toEqual([1, 98, 150]);
  });

  it("copies on write: a second alternative from one prompt leaves the first one's slots", () => {
    const prompt = KvState.fromTensors(pastOf(4), shape);
    const a = fill(prompt.extend(), 7);
    const a2 = fill(a.extend(), 8);
    const b = fill(prompt.extend(), 9);
    expect([lastKey(a), lastKey(a2), lastKey(b)]).toEqual([7, 8, 9]);
    expect(prompt.toTensors()['past_key_values.0.value']!.dims).toEqual([1, 3, 4, 4]);
  });

  it('truncates to a prefix, and the prefix copies before it appends', () => {
    let state = KvState.fromTensors(pastOf(4), shape);
    for (const v of [1, 2, 3]) state = fill(state.extend(), v);
    const cut = state.truncate(5);
    expect(cut.length).toBe(5);
    expect(lastKey(cut)).toBe(1);
    const other = fill(cut.extend(), 42);
    expect(lastKey(other)).toBe(42);
    expect(lastKey(state)).toBe(3);
    expect(lastKey(state.truncate(6))).toBe(2);
    expect(() => state.truncate(8)).toThrow(RangeError);
  });
});

// A tree of plain values and typed arrays as one byte string (models/host/onnx/packed.ts): what a
// stored rewrite keeps in the model cache.
import { describe, expect, it } from 'vitest';
import { pack, unpack } from '@/models/host/onnx/packed';

describe('pack / unpack', () => {
  const value = {
    ok: true,
    name: 'head',
    onnx: Uint8Array.from({ length: 37 }, (_, i) => i),
    head: { k: 3, n: 5, signed: false, data: new Uint8Array([1, 2, 3]), scale: new Float32Array([0.5, -1.25]), zeroPoint: new Int32Array([128, -7]) },
    layers: [{ ln: new Float32Array([1, 2, 3]) }, { ln: new Float32Array(0) }],
    none: null,
  };

  it('gives back every value and array, of its type, with its contents', () => {
    const back = unpack<typeof value>(pack(value));
    expect(back).toEqual(value);
    expect(back.head.scale).toBeInstanceOf(Float32Array);
    expect(back.head.zeroPoint).toBeInstanceOf(Int32Array);
    expect(back.layers[1]!.ln.length).toBe(0);
  });

  it('returns large arrays as views into the bytes and copies small ones', () => {
    const bytes = pack(value);
    const back = unpack<typeof value>(bytes, 16);
    expect(back.onnx.buffer).toBe(bytes.buffer);
    expect(back.head.data.buffer).not.toBe(bytes.buffer);
    expect(back.onnx.byteOffset % 8).toBe(0);
  });

  it('refuses bytes it did not write, and bytes cut short', () => {
    expect(() => unpack(new Uint8Array(64))).toThrow(/not a packed value/);
    const bytes = pack(value);
    expect(() => unpack(bytes.subarray(0, bytes.byteLength - 40))).toThrow(/cut short/);
  });
});

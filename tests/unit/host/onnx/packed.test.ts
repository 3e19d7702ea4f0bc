// A tree of plain values and typed arrays as one byte string (models/host/onnx/packed.ts): what a
// stored rewrite keeps in the model cache.
import { describe, expect, it } from 'vitest';
import { mapArrays, pack, unpack } from '@/models/host/onnx/packed';

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

  it('writes an array that is a view inside another one once: a tied table and the embedding read along with it', () => {
    const file = new Uint8Array(4096).map((_, i) => i * 7);
    const table = file.subarray(1024, 3072);
    const tied = { data: new Uint8Array(file.buffer, 1024, 2048), head: file.subarray(1024, 3072) };
    const twice = pack({ table: table.slice(), along: tied.data.slice() });
    const once = pack({ table, along: tied });
    expect(twice.byteLength).toBeGreaterThan(4096);
    expect(once.byteLength).toBeLessThan(2048 + 400);
    const back = unpack<{ table: Uint8Array; along: typeof tied }>(once, 16);
    expect(back.table).toEqual(table);
    expect(back.along.data).toEqual(table);
    expect(back.along.head.buffer).toBe(back.table.buffer);
    expect(back.along.head.byteOffset).toBe(back.table.byteOffset);
    // Inside the file's bytes: all three in the file's copy.
    const inFile = pack({ file, table, floats: new Float32Array(file.buffer, 2048, 16) });
    expect(inFile.byteLength).toBeLessThan(file.byteLength + 200);
    expect(unpack<{ floats: Float32Array }>(inFile, 16).floats).toEqual(new Float32Array(file.buffer, 2048, 16));
  });

  it('does not point an array at an offset its type cannot start at (packs it apart)', () => {
    const bytes = new Uint8Array(64).map((_, i) => i);
    const odd = new Uint8Array(bytes.buffer, 1, 40);
    const floats = new Float32Array(bytes.buffer, 4, 8);
    const back = unpack<{ odd: Uint8Array; floats: Float32Array }>(pack({ odd, floats }), 0);
    expect(back.odd).toEqual(odd);
    expect(back.floats).toEqual(floats);
  });

  it('mapArrays replaces the typed arrays it is given a replacement for, in plain objects and arrays', () => {
    const a = new Uint8Array([1]);
    const b = new Float32Array([2]);
    const c = new Uint8Array([3]);
    const out = mapArrays({ x: [a, { b }], c, n: 4 }, (v) => (v === a ? c : undefined));
    expect(out).toEqual({ x: [c, { b }], c, n: 4 });
    expect(out.x[0]).toBe(c);
    expect((out.x[1] as { b: Float32Array }).b).toBe(b);
  });

  it('refuses bytes it did not write, and bytes cut short', () => {
    expect(() => unpack(new Uint8Array(64))).toThrow(/not a packed value/);
    const bytes = pack(value);
    expect(() => unpack(bytes.subarray(0, bytes.byteLength - 40))).toThrow(/cut short/);
  });
});

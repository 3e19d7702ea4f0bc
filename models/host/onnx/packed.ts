// A tree of plain values and typed arrays (a rewritten ONNX file, the int8 weights read out of
// it) as one byte string, and back: what a stored rewrite keeps in the model cache so that a
// cold load does no surgery. The typed arrays come back as views into the bytes (no copy).
//
// Layout: "SSPK", a little-endian u32 header length, the header (JSON, typed arrays replaced by
// {"$a": type, "o": byte offset, "n": length}), zero padding to 8, then the arrays' bytes, each
// starting at a multiple of 8. An array that is a view inside another packed array (the same
// buffer: a tied head's table and the embedding read along with it, weights inside a model's
// external data) is not written again: its offset points into the other's bytes.

const MAGIC = 0x4b505353; // "SSPK"
const ARRAYS = { Uint8Array, Int8Array, Int32Array, Float32Array, Uint16Array, Int16Array, Float64Array, Uint32Array } as const;
type ArrayName = keyof typeof ARRAYS;
type Typed = InstanceType<(typeof ARRAYS)[ArrayName]>;

const align8 = (n: number) => (n + 7) & ~7;

function arrayName(v: unknown): ArrayName | null {
  if (!ArrayBuffer.isView(v) || v instanceof DataView) return null;
  const name = v.constructor.name as ArrayName;
  return name in ARRAYS && v.constructor === ARRAYS[name] ? name : null;
}

export function pack(value: unknown): Uint8Array<ArrayBuffer> {
  // Where each array goes: the largest first, then those that lie inside one already placed.
  const arrays: Typed[] = [];
  JSON.stringify(value, (_key, v: unknown) => {
    const name = arrayName(v);
    if (!name && ArrayBuffer.isView(v)) throw new Error(`cannot pack a ${v.constructor.name}`);
    if (name) arrays.push(v as Typed);
    return name ? null : v;
  });
  const placed = new Map<Typed, number>();
  const roots: { a: Typed; o: number }[] = [];
  let at = 0;
  for (const a of [...new Set(arrays)].sort((x, y) => y.byteLength - x.byteLength)) {
    const inside = roots.find(
      (r) =>
        r.a.buffer === a.buffer &&
        r.a.byteOffset <= a.byteOffset &&
        a.byteOffset + a.byteLength <= r.a.byteOffset + r.a.byteLength &&
        (a.byteOffset - r.a.byteOffset) % a.BYTES_PER_ELEMENT === 0,
    );
    if (inside) {
      placed.set(a, inside.o + a.byteOffset - inside.a.byteOffset);
      continue;
    }
    placed.set(a, at);
    roots.push({ a, o: at });
    at = align8(at + a.byteLength);
  }
  const header = JSON.stringify(value, (_key, v: unknown) => {
    const name = arrayName(v);
    return name ? { $a: name, o: placed.get(v as Typed)!, n: (v as Typed).length } : v;
  });
  const head = new TextEncoder().encode(header);
  const start = align8(8 + head.byteLength);
  const out = new Uint8Array(start + at);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, head.byteLength, true);
  out.set(head, 8);
  for (const { a, o } of roots) out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), start + o);
  return out;
}

/** `value` with each typed array in it replaced by `move(array)` where that gives one (plain objects and arrays are copied, the rest kept). */
export function mapArrays<T>(value: T, move: (a: ArrayBufferView) => ArrayBufferView | undefined): T {
  const walk = (v: unknown): unknown => {
    if (ArrayBuffer.isView(v)) return move(v) ?? v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * What `pack` packed; throws on bytes `pack` did not write. Arrays of `copyBelow` bytes or more
 * are views into `bytes` (weights, copied on into a kernel's or a session's memory); smaller ones
 * are copies, so that what is kept (norms, scales, biases) does not keep all of `bytes` alive.
 */
export function unpack<T>(bytes: Uint8Array, copyBelow = 1 << 20): T {
  if (bytes.byteOffset % 8 !== 0) bytes = bytes.slice();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('not a packed value');
  const length = view.getUint32(4, true);
  if (8 + length > bytes.byteLength) throw new Error('packed value cut short');
  const start = align8(8 + length);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  return JSON.parse(header, (_key, v: unknown) => {
    const placed = v as { $a?: ArrayName; o?: number; n?: number } | null;
    if (!placed || typeof placed !== 'object' || typeof placed.$a !== 'string') return v;
    const Ctor = ARRAYS[placed.$a];
    if (!Ctor) throw new Error(`unknown array type ${placed.$a}`);
    const offset = bytes.byteOffset + start + placed.o!;
    if (start + placed.o! + placed.n! * Ctor.BYTES_PER_ELEMENT > bytes.byteLength) throw new Error('packed value cut short');
    const array = new Ctor(bytes.buffer as ArrayBuffer, offset, placed.n!);
    return array.byteLength < copyBelow ? array.slice() : array;
  }) as T;
}

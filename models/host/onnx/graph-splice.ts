// Removing fields from an ONNX model's graph without re-encoding it: the protobuf wire format is
// walked to find the graph's repeated fields, and the bytes of the kept ones are copied as they
// are: one copy instead of a re-encoding (docs/benchmarks.md, "Figures behind the code").

/** GraphProto field numbers (onnx.proto). */
export const GRAPH_FIELD = { node: 1, initializer: 5, output: 12 } as const;
const MODEL_GRAPH = 7;
const LENGTH_DELIMITED = 2;

export type GraphFieldDrops = Partial<Record<keyof typeof GRAPH_FIELD, ReadonlySet<number>>>;

interface Field {
  number: number;
  /** Where the field starts (its tag) and ends (after its payload). */
  start: number;
  end: number;
  /** Where its payload starts (length-delimited fields). */
  payload: number;
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i + 1];
    scale *= 128;
  }
  throw new Error('truncated varint');
}

function writeVarint(value: number): Uint8Array {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return Uint8Array.from(out);
}

/** The top-level fields of a message in `bytes[from, to)`. */
function fieldsOf(bytes: Uint8Array, from: number, to: number): Field[] {
  const fields: Field[] = [];
  let at = from;
  while (at < to) {
    const start = at;
    const [tag, afterTag] = readVarint(bytes, at);
    const wire = tag % 8;
    let payload = afterTag;
    if (wire === 0) at = readVarint(bytes, afterTag)[1];
    else if (wire === 1) at = afterTag + 8;
    else if (wire === 5) at = afterTag + 4;
    else if (wire === LENGTH_DELIMITED) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      payload = afterLength;
      at = afterLength + length;
    } else throw new Error(`unsupported wire type ${wire}`);
    if (at > to) throw new Error('truncated field');
    fields.push({ number: Math.floor(tag / 8), start, end: at, payload });
  }
  return fields;
}

/**
 * `model` with the listed occurrences of the graph's nodes, initializers and outputs removed
 * (indices in file order, as a parser lists them), then `tail` appended (a ModelProto fragment:
 * parsers merge a second `graph` into the first).
 */
export function spliceGraph(model: Uint8Array, drops: GraphFieldDrops, tail: Uint8Array): Uint8Array<ArrayBuffer> {
  return splice(model, drops, tail).bytes;
}

/** Where an initializer's raw bytes went (`spliceGraphExternal`): `[start, end)` of the source model, and their place in the data. */
interface Moved {
  start: number;
  end: number;
  at: number;
}

export interface ExternalSplice {
  /** The model without the kept initializers' raw bytes: each names its place in `data` instead (ONNX external data). */
  bytes: Uint8Array<ArrayBuffer>;
  /** The kept initializers' raw bytes, each at a multiple of 64. */
  data: Uint8Array<ArrayBuffer>;
  /**
   * `view` (a typed array over `model`'s buffer, inside one initializer's raw bytes) as the same
   * array over `data`; undefined for anything else.
   */
  moved<T extends ArrayBufferView>(view: T): T | undefined;
}

/** Initializers smaller than this keep their bytes in the graph. */
export const EXTERNAL_MIN_BYTES = 1024;

/**
 * `spliceGraph`, with the kept initializers' raw bytes (those of `EXTERNAL_MIN_BYTES` or more)
 * moved out of the model into one data block, named `location` in their external_data entries.
 * onnxruntime-web is handed the block (session option `externalData`) and copies each
 * initializer straight into its tensor: without it, its heap holds the model's bytes, the parsed
 * protobuf's copy of them and the tensors at once, and a WebAssembly memory never shrinks.
 */
export function spliceGraphExternal(model: Uint8Array, drops: GraphFieldDrops, tail: Uint8Array, location: string): ExternalSplice {
  const moved: Moved[] = [];
  const { bytes, data } = splice(model, drops, tail, location, moved);
  return {
    bytes,
    data,
    moved: <T extends ArrayBufferView>(view: T): T | undefined => {
      if (view.buffer !== model.buffer) return undefined;
      const start = view.byteOffset - model.byteOffset;
      const end = start + view.byteLength;
      const m = moved.find((x) => x.start <= start && end <= x.end);
      const per = (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      if (!m || (m.at + start - m.start) % per !== 0) return undefined;
      const Ctor = view.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => T;
      return new Ctor(data.buffer, m.at + start - m.start, view.byteLength / per);
    },
  };
}

/** TensorProto field numbers (onnx.proto), and StringStringEntryProto's. */
const TENSOR = { rawData: 9, externalData: 13, dataLocation: 14 } as const;
const EXTERNAL = 1;
const VARINT = 0;

function lengthDelimited(field: number, payload: Uint8Array): Uint8Array {
  const head = [...writeVarint(field * 8 + LENGTH_DELIMITED), ...writeVarint(payload.length)];
  const out = new Uint8Array(head.length + payload.length);
  out.set(head);
  out.set(payload, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const utf8 = new TextEncoder();
const entry = (key: string, value: string) =>
  lengthDelimited(TENSOR.externalData, concat([lengthDelimited(1, utf8.encode(key)), lengthDelimited(2, utf8.encode(value))]));

/** The raw_data field of an initializer whose bytes can move out (no external data of its own), or none. */
function rawDataOf(model: Uint8Array, initializer: Field): Field | undefined {
  const fields = fieldsOf(model, initializer.payload, initializer.end);
  if (fields.some((f) => f.number === TENSOR.externalData || f.number === TENSOR.dataLocation)) return undefined;
  const raw = fields.filter((f) => f.number === TENSOR.rawData);
  return raw.length === 1 && raw[0]!.end - raw[0]!.payload >= EXTERNAL_MIN_BYTES ? raw[0] : undefined;
}

function splice(
  model: Uint8Array,
  drops: GraphFieldDrops,
  tail: Uint8Array,
  location?: string,
  moved?: Moved[],
): { bytes: Uint8Array<ArrayBuffer>; data: Uint8Array<ArrayBuffer> } {
  const top = fieldsOf(model, 0, model.length);
  const graphs = top.filter((f) => f.number === MODEL_GRAPH);
  if (graphs.length !== 1) throw new Error(`expected one graph, found ${graphs.length}`);
  const graph = graphs[0]!;
  const dropped = new Map<number, ReadonlySet<number>>(
    (Object.keys(GRAPH_FIELD) as (keyof typeof GRAPH_FIELD)[]).map((k) => [GRAPH_FIELD[k], drops[k] ?? new Set<number>()]),
  );
  const seen = new Map<number, number>();
  // Kept byte ranges of the source, or re-encoded initializers (their raw bytes moved to the data).
  const kept: ([number, number] | Uint8Array)[] = [];
  const rewritten: { field: Field; raw: Field }[] = [];
  for (const f of fieldsOf(model, graph.payload, graph.end)) {
    const index = seen.get(f.number) ?? 0;
    seen.set(f.number, index + 1);
    if (dropped.get(f.number)?.has(index)) continue;
    const raw = location && f.number === GRAPH_FIELD.initializer ? rawDataOf(model, f) : undefined;
    if (raw) {
      rewritten.push({ field: f, raw });
      kept.push(new Uint8Array(0)); // placeholder, filled below
      continue;
    }
    const last = kept.at(-1);
    if (Array.isArray(last) && last[1] === f.start) last[1] = f.end;
    else kept.push([f.start, f.end]);
  }
  // The data block: each moved initializer's bytes at a multiple of 64.
  let size = 0;
  const places = rewritten.map(({ raw }) => {
    const at = size;
    size = Math.ceil((at + raw.end - raw.payload) / 64) * 64;
    return at;
  });
  const data = new Uint8Array(size);
  let r = 0;
  for (let i = 0; i < kept.length; i++) {
    if (Array.isArray(kept[i])) continue;
    const { field, raw } = rewritten[r]!;
    const at = places[r++]!;
    const length = raw.end - raw.payload;
    data.set(model.subarray(raw.payload, raw.end), at);
    moved?.push({ start: raw.payload, end: raw.end, at });
    const tensor = concat([
      model.subarray(field.payload, raw.start),
      model.subarray(raw.end, field.end),
      entry('location', location!),
      entry('offset', String(at)),
      entry('length', String(length)),
      Uint8Array.from([...writeVarint(TENSOR.dataLocation * 8 + VARINT), EXTERNAL]),
    ]);
    kept[i] = lengthDelimited(GRAPH_FIELD.initializer, tensor);
  }
  const part = (k: [number, number] | Uint8Array) => (Array.isArray(k) ? model.subarray(k[0], k[1]) : k);
  const graphLength = kept.reduce((s, k) => s + part(k).length, 0);
  const header = Uint8Array.from([...writeVarint(MODEL_GRAPH * 8 + LENGTH_DELIMITED), ...writeVarint(graphLength)]);
  const out = new Uint8Array(graph.start + header.length + graphLength + (model.length - graph.end) + tail.length);
  let at = 0;
  const put = (p: Uint8Array) => {
    out.set(p, at);
    at += p.length;
  };
  put(model.subarray(0, graph.start));
  put(header);
  for (const k of kept) put(part(k));
  put(model.subarray(graph.end));
  put(tail);
  return { bytes: out, data };
}

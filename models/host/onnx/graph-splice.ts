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
  const top = fieldsOf(model, 0, model.length);
  const graphs = top.filter((f) => f.number === MODEL_GRAPH);
  if (graphs.length !== 1) throw new Error(`expected one graph, found ${graphs.length}`);
  const graph = graphs[0]!;
  const dropped = new Map<number, ReadonlySet<number>>(
    (Object.keys(GRAPH_FIELD) as (keyof typeof GRAPH_FIELD)[]).map((k) => [GRAPH_FIELD[k], drops[k] ?? new Set<number>()]),
  );
  const seen = new Map<number, number>();
  const kept: [number, number][] = [];
  for (const f of fieldsOf(model, graph.payload, graph.end)) {
    const index = seen.get(f.number) ?? 0;
    seen.set(f.number, index + 1);
    if (dropped.get(f.number)?.has(index)) continue;
    const last = kept.at(-1);
    if (last && last[1] === f.start) last[1] = f.end;
    else kept.push([f.start, f.end]);
  }
  const graphLength = kept.reduce((s, [a, b]) => s + b - a, 0);
  const header = Uint8Array.from([...writeVarint(MODEL_GRAPH * 8 + LENGTH_DELIMITED), ...writeVarint(graphLength)]);
  const out = new Uint8Array(graph.start + header.length + graphLength + (model.length - graph.end) + tail.length);
  let at = 0;
  const put = (part: Uint8Array) => {
    out.set(part, at);
    at += part.length;
  };
  put(model.subarray(0, graph.start));
  put(header);
  for (const [a, b] of kept) put(model.subarray(a, b));
  put(model.subarray(graph.end));
  put(tail);
  return out;
}

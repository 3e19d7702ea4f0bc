// Reading a layer stack's weights out of a parsed q8 export (gpt2-graph.ts, bert-graph.ts):
// parameters by the names the PyTorch export keeps for them, linear layers by their nodes'
// scopes, each checked for the q8 pattern.
import type { NodeProto, TensorProto } from 'onnx-buf';
import { TensorProto_DataType } from 'onnx-buf';
import type { Embedding, Norm } from '../kernels';
import { floats, type GraphIndex, int8Bytes, int8LinearMaking, ints, type Refusal, refuse } from './int8-linear';

/** The graph's MatMulInteger nodes by their linear layer's scope (`/transformer/h.0/attn/c_attn/`: the node's name up to its last `/`), in one pass. */
export function matmulsByScope(g: GraphIndex): Map<string, NodeProto[]> {
  const out = new Map<string, NodeProto[]>();
  for (const node of g.nodes) {
    if (node.opType !== 'MatMulInteger') continue;
    const scope = node.name.slice(0, node.name.lastIndexOf('/') + 1);
    if (scope) out.set(scope, [...(out.get(scope) ?? []), node]);
  }
  return out;
}

/** The q8 linear layer whose MatMulInteger is in `scope`, followed to its bias Add. */
export function linearIn(g: GraphIndex, matmuls: Map<string, NodeProto[]>, scope: string) {
  const found = matmuls.get(scope) ?? [];
  if (found.length !== 1) return refuse(`${scope} has ${found.length} int8 MatMuls, not one`);
  let tensor = found[0]!.output[0]!;
  for (const op of ['Cast', 'Mul', 'Add']) {
    const next = (g.readers.get(tensor) ?? []).filter((r) => r.opType === op);
    if (next.length !== 1) return refuse(`${scope} is not followed by ${op}`);
    tensor = next[0]!.output[0]!;
  }
  return int8LinearMaking(g, tensor, scope);
}

export function norm(g: GraphIndex, prefix: string, width: number): { ok: true; norm: Norm } | Refusal {
  const weight = g.initializers.get(`${prefix}.weight`);
  const bias = g.initializers.get(`${prefix}.bias`);
  const w = weight ? floats(weight) : undefined;
  const b = bias ? floats(bias) : undefined;
  if (w?.length !== width || b?.length !== width) return refuse(`${prefix} is not a float LayerNorm of width ${width}`);
  return { ok: true, norm: { weight: w, bias: b } };
}

export function embedding(g: GraphIndex, name: string, width: number): { ok: true; table: Embedding } | Refusal {
  const plain = g.initializers.get(name);
  if (plain) {
    const data = floats(plain);
    return shaped(plain, width, data.length)
      ? { ok: true, table: { kind: 'float', width, rows: Number(plain.dims[0]), data } }
      : refuse(`${name} is not a float [rows][${width}] table`);
  }
  const q = g.initializers.get(`${name}_quantized`);
  const scale = g.initializers.get(`${name}_scale`);
  const zero = g.initializers.get(`${name}_zero_point`);
  if (!q || !scale || !zero) return refuse(`${name} is not in the graph`);
  const signed = q.dataType === TensorProto_DataType.INT8;
  if (!signed && q.dataType !== TensorProto_DataType.UINT8) return refuse(`${name} is not 8-bit`);
  const data = int8Bytes(q);
  const s = floats(scale);
  const z = ints(zero);
  if (!shaped(q, width, data.byteLength) || s.length !== 1 || z.length !== 1) return refuse(`${name} is not a [rows][${width}] table with one scale`);
  return { ok: true, table: { kind: 'int8', width, rows: Number(q.dims[0]), data, signed, scale: s[0]!, zeroPoint: z[0]! } };
}

export function shaped(t: TensorProto, width: number, length: number): boolean {
  return t.dims.length === 2 && Number(t.dims[1]) === width && Number(t.dims[0]) * width === length;
}

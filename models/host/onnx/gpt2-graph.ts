// A q8 GPT-2 export's weights, read out of its parsed graph for Sesame's decoding step
// (gpt2-decoder.ts). Parameters are found by the names the PyTorch export keeps for them
// (`transformer.h.0.ln_1.weight`, …) and the linear layers by their nodes' scopes
// (`/transformer/h.0/attn/c_attn/…`), each checked for the q8 pattern and GPT-2's shapes;
// anything else leaves decoding to the graph, with the reason.
import type { GraphProto, NodeProto, TensorProto } from 'onnx-buf';
import { TensorProto_DataType } from 'onnx-buf';
import type { Embedding, Gpt2Layer, Gpt2Weights, Int8Weights, Norm } from '../kernels';
import { floats, type GraphIndex, indexGraph, int8Bytes, int8LinearMaking, ints, type Refusal, refuse } from './int8-linear';

export type { Embedding, Gpt2Layer, Gpt2Weights, Norm };

const LINEARS = { attn: 'attn/c_attn', attnProj: 'attn/c_proj', fc: 'mlp/c_fc', proj: 'mlp/c_proj' } as const;

export type Gpt2Read = { ok: true; weights: Gpt2Weights } | Refusal;

export function readGpt2(graph: GraphProto): Gpt2Read {
  const g = indexGraph(graph);
  const width = g.initializers.get('transformer.ln_f.weight')?.dims.map(Number)[0];
  if (!width) return refuse('transformer.ln_f.weight is not in the graph (not a GPT-2 export)');
  const count = [...g.initializers.keys()].filter((name) => /^transformer\.h\.\d+\.ln_1\.weight$/.test(name)).length;
  if (!count) return refuse('no transformer.h.*.ln_1 layers in the graph');
  const wte = embedding(g, 'transformer.wte.weight', width);
  const wpe = embedding(g, 'transformer.wpe.weight', width);
  if (!wte.ok) return wte;
  if (!wpe.ok) return wpe;
  const lnF = norm(g, 'transformer.ln_f', width);
  if (!lnF.ok) return lnF;
  const matmuls = matmulsByScope(g);
  const layers: Gpt2Layer[] = [];
  for (let l = 0; l < count; l++) {
    const ln1 = norm(g, `transformer.h.${l}.ln_1`, width);
    const ln2 = norm(g, `transformer.h.${l}.ln_2`, width);
    if (!ln1.ok) return ln1;
    if (!ln2.ok) return ln2;
    const linears: Partial<Record<keyof typeof LINEARS, Int8Weights>> = {};
    for (const [key, scope] of Object.entries(LINEARS) as [keyof typeof LINEARS, string][]) {
      const found = linearIn(g, matmuls, `/transformer/h.${l}/${scope}/`);
      if (!found.ok) return found;
      linears[key] = found.weights;
    }
    const { attn, attnProj, fc, proj } = linears as Record<keyof typeof LINEARS, Int8Weights>;
    const inner = fc.n;
    const shapes: [Int8Weights, number, number][] = [
      [attn, width, 3 * width],
      [attnProj, width, width],
      [fc, width, inner],
      [proj, inner, width],
    ];
    for (const [w, k, n] of shapes) if (w.k !== k || w.n !== n || !w.bias) return refuse(`layer ${l} has a linear layer that is not [${k}][${n}] with a bias`);
    layers.push({ ln1: ln1.norm, attn, attnProj, ln2: ln2.norm, fc, proj });
  }
  return { ok: true, weights: { width, wte: wte.table, wpe: wpe.table, layers, lnF: lnF.norm } };
}

/** The graph's MatMulInteger nodes by their block's linear-layer scope (`/transformer/h.0/attn/c_attn/`), in one pass. */
function matmulsByScope(g: GraphIndex): Map<string, NodeProto[]> {
  const out = new Map<string, NodeProto[]>();
  for (const node of g.nodes) {
    const scope = node.opType === 'MatMulInteger' ? /^\/transformer\/h\.\d+\/(?:attn|mlp)\/c_\w+\//.exec(node.name)?.[0] : undefined;
    if (scope) out.set(scope, [...(out.get(scope) ?? []), node]);
  }
  return out;
}

/** The q8 linear layer whose MatMulInteger is in `scope`, followed to its bias Add. */
function linearIn(g: GraphIndex, matmuls: Map<string, NodeProto[]>, scope: string) {
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

function norm(g: GraphIndex, prefix: string, width: number): { ok: true; norm: Norm } | Refusal {
  const weight = g.initializers.get(`${prefix}.weight`);
  const bias = g.initializers.get(`${prefix}.bias`);
  const w = weight ? floats(weight) : undefined;
  const b = bias ? floats(bias) : undefined;
  if (w?.length !== width || b?.length !== width) return refuse(`${prefix} is not a float LayerNorm of width ${width}`);
  return { ok: true, norm: { weight: w, bias: b } };
}

function embedding(g: GraphIndex, name: string, width: number): { ok: true; table: Embedding } | Refusal {
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

function shaped(t: TensorProto, width: number, length: number): boolean {
  return t.dims.length === 2 && Number(t.dims[1]) === width && Number(t.dims[0]) * width === length;
}

// A q8 GPT-2 export's weights, read out of its parsed graph for Sesame's decoding step
// (gpt2-decoder.ts). Parameters are found by the names the PyTorch export keeps for them
// (`transformer.h.0.ln_1.weight`, …) and the linear layers by their nodes' scopes
// (`/transformer/h.0/attn/c_attn/…`), each checked for the q8 pattern and GPT-2's shapes;
// anything else leaves decoding to the graph, with the reason.
import type { GraphProto } from 'onnx-buf';
import type { Embedding, Gpt2Layer, Gpt2Weights, Int8Weights, Norm } from '../kernels';
import { indexGraph, type Refusal, refuse } from './int8-linear';
import { embedding, linearIn, matmulsByScope, norm } from './layer-weights';

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

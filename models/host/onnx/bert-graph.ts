// A q8 BERT (or ERNIE) masked LM's encoder weights, read out of its parsed graph for Sesame's
// encoder (kernels/bert-encoder.ts). Parameters by the names the PyTorch export keeps
// (`bert.encoder.layer.0.output.LayerNorm.weight`, `ernie.…`), linear layers by their nodes'
// scopes (`/bert/encoder/layer.0/attention/self/query/…`), each checked for the q8 pattern and
// BERT's shapes; anything else leaves the encoder to the graph, with the reason.
import type { GraphProto } from 'onnx-buf';
import type { BertLayer, BertWeights, Int8Weights } from '../kernels';
import { indexGraph, type Refusal, refuse } from './int8-linear';
import { embedding, linearIn, matmulsByScope, norm } from './layer-weights';

export type { BertWeights };

const LINEARS = {
  query: 'attention/self/query',
  key: 'attention/self/key',
  value: 'attention/self/value',
  attnOut: 'attention/output/dense',
  fc: 'intermediate/dense',
  proj: 'output/dense',
} as const;

export type BertRead = { ok: true; weights: BertWeights } | Refusal;

export function readBert(graph: GraphProto): BertRead {
  const g = indexGraph(graph);
  const prefix = ['bert', 'ernie'].find((p) => g.initializers.has(`${p}.embeddings.LayerNorm.weight`));
  if (!prefix) return refuse('no bert.embeddings.LayerNorm or ernie.embeddings.LayerNorm in the graph (not a BERT export)');
  const width = g.initializers.get(`${prefix}.embeddings.LayerNorm.weight`)!.dims.map(Number)[0]!;
  const count = [...g.initializers.keys()].filter((name) => new RegExp(`^${prefix}\\.encoder\\.layer\\.\\d+\\.output\\.LayerNorm\\.weight$`).test(name)).length;
  if (!count) return refuse(`no ${prefix}.encoder.layer.*.output.LayerNorm in the graph`);
  const tables = {} as Record<'word' | 'position' | 'tokenType', BertWeights['word']>;
  for (const [key, name] of [
    ['word', 'word_embeddings'],
    ['position', 'position_embeddings'],
    ['tokenType', 'token_type_embeddings'],
  ] as const) {
    const found = embedding(g, `${prefix}.embeddings.${name}.weight`, width);
    if (!found.ok) return found;
    tables[key] = found.table;
  }
  const taskName = `${prefix}.embeddings.task_type_embeddings.weight`;
  const hasTask = g.initializers.has(taskName) || g.initializers.has(`${taskName}_quantized`);
  const task = hasTask ? embedding(g, taskName, width) : undefined;
  if (task && !task.ok) return task;
  const lnE = norm(g, `${prefix}.embeddings.LayerNorm`, width);
  const lnT = norm(g, 'cls.predictions.transform.LayerNorm', width);
  if (!lnE.ok) return lnE;
  if (!lnT.ok) return lnT;
  const matmuls = matmulsByScope(g);
  const transform = linearIn(g, matmuls, '/cls/predictions/transform/dense/');
  if (!transform.ok) return transform;
  if (transform.weights.k !== width || transform.weights.n !== width || !transform.weights.bias)
    return refuse(`the head's transform is not [${width}][${width}] with a bias`);
  const layers: BertLayer[] = [];
  for (let l = 0; l < count; l++) {
    const ln1 = norm(g, `${prefix}.encoder.layer.${l}.attention.output.LayerNorm`, width);
    const ln2 = norm(g, `${prefix}.encoder.layer.${l}.output.LayerNorm`, width);
    if (!ln1.ok) return ln1;
    if (!ln2.ok) return ln2;
    const linears: Partial<Record<keyof typeof LINEARS, Int8Weights>> = {};
    for (const [key, scope] of Object.entries(LINEARS) as [keyof typeof LINEARS, string][]) {
      const found = linearIn(g, matmuls, `/${prefix}/encoder/layer.${l}/${scope}/`);
      if (!found.ok) return found;
      linears[key] = found.weights;
    }
    const { query, key, value, attnOut, fc, proj } = linears as Record<keyof typeof LINEARS, Int8Weights>;
    const inner = fc.n;
    const shapes: [Int8Weights, number, number][] = [
      [query, width, width],
      [key, width, width],
      [value, width, width],
      [attnOut, width, width],
      [fc, width, inner],
      [proj, inner, width],
    ];
    for (const [w, k, n] of shapes) if (w.k !== k || w.n !== n || !w.bias) return refuse(`layer ${l} has a linear layer that is not [${k}][${n}] with a bias`);
    layers.push({ query, key, value, attnOut, ln1: ln1.norm, fc, proj, ln2: ln2.norm });
  }
  return {
    ok: true,
    weights: {
      width,
      wordName: `${prefix}.embeddings.word_embeddings.weight`,
      ...tables,
      ...(task ? { taskType: task.table } : {}),
      lnE: lnE.norm,
      layers,
      transform: transform.weights,
      lnT: lnT.norm,
    },
  };
}

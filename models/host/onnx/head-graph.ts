// Graph surgery that takes a q8 export's LM head out of the graph: the session then ends at
// the head's input (`lm_head_input`, the final LayerNorm output) and Sesame computes the logits
// itself, for the rows it reads (int8-kernel.ts): GPT's last position, BERT's masks. The head is
// the q8 files' dynamically quantised linear layer (int8-linear.ts), with a bias in BERT's, or in
// the hub's tied exports a float MatMul over the shared 8-bit embedding table (tied-head.ts).
//
// Unlike the hidden-state surgery, nodes and the weight are removed: the kept bytes are copied
// as they are (graph-splice.ts), the new output appended as a second graph that parsers merge.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type GraphProto, ModelProtoSchema, type NodeProto, NodeProtoSchema, TensorProto_DataType, type ValueInfoProto, ValueInfoProtoSchema } from 'onnx-buf';
import { sequenceDims } from './hidden-states-graph';
import { type ExternalSplice, spliceGraph, spliceGraphExternal } from './graph-splice';
import { type GraphIndex, type Int8Linear, type Int8Weights, indexGraph, int8LinearMaking, type Refusal, refuse } from './int8-linear';
import { branchesOf, type IfBranch, mergedHeadIf, sameWeights, subgraphReads, withPastView } from './merged-if';
import { tiedHeadMaking } from './tied-head';

export const HEAD_INPUT = 'lm_head_input';
/**
 * With `words`, a tied model's word-embedding lookup (BERT's, GPT-2's and Qwen2's token table)
 * goes out of the graph too: the session is fed the looked-up rows as this input ([batch,
 * sequence, k] float), which Sesame reads from the head kernel's copy of the table
 * (`Int8Kernel.tableRows`): the session then holds no copy of it.
 */
export const WORD_EMBEDDINGS_INPUT = 'sesame_word_embeddings';
const LOGITS = 'logits';

/**
 * `graph`: what the decoder's layers are read from (the flat graph, or for a merged decoder its
 * with-past branch's nodes over the top-level initializers). `where`: set when the head was cut
 * out of a merged decoder's If (for the diagnostics).
 */
export type HeadDetach =
  | {
      ok: true;
      bytes: Uint8Array<ArrayBuffer>;
      weights: Int8Weights;
      graph: GraphProto;
      where?: string;
      /** With `external`: the initializers' bytes, out of `bytes` (graph-splice.ts `spliceGraphExternal`), and where a view into the file went there. */
      external?: Pick<ExternalSplice, 'data' | 'moved'>;
    }
  | Refusal;

/**
 * More outputs to add in the same rewrite (an encoder's hidden states): a ModelProto fragment for
 * the parsed graph, whose pass then ends at `finalOutputs` (the head's input, no more the logits).
 */
export type AlsoAppend = (graph: GraphProto, finalOutputs: string[]) => Uint8Array;

/**
 * `bytes` without the int8 LM head (and with `lm_head_input` as an output, plus `alsoAppend`'s), or
 * why not. `external`: the kept initializers' bytes go out of the model into one block of that
 * name (ONNX external data, for onnxruntime-web's `externalData` session option).
 */
export function detachHead(bytes: Uint8Array, alsoAppend?: AlsoAppend, external?: string, words?: boolean): HeadDetach {
  let model: ReturnType<typeof fromBinary<typeof ModelProtoSchema>>;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    return { ok: false, reason: `not an ONNX model: ${(error as Error).message}` };
  }
  const graph = model.graph;
  if (!graph) return { ok: false, reason: 'the model has no graph' };
  if (graph.output.some((o) => o.name === HEAD_INPUT)) return { ok: false, reason: 'the head is already detached' };
  if (!graph.output.some((o) => o.name === LOGITS)) return refuse('no logits output');
  const merged = mergedHeadIf(graph, LOGITS);
  if (merged) return detachFromBranches(bytes, graph, merged, alsoAppend, external);
  const index = indexGraph(graph);
  const found = findInt8Head(index, LOGITS, 'head');
  if (!found.ok) return found;
  const lookup = words ? wordLookup(graph, index, found) : undefined;

  const removed = new Set([...found.nodes, ...(lookup?.nodes ?? [])]);
  const stillRead = new Set(graph.node.filter((n) => !removed.has(n)).flatMap((n) => n.input));
  const drops = {
    node: indices(graph.node, (n) => removed.has(n)),
    initializer: indices(graph.initializer, (t) => !stillRead.has(t.name)),
    output: indices(graph.output, (o) => o.name === LOGITS),
  };
  const tail = headTail(
    graph,
    found.weights.k,
    [
      create(NodeProtoSchema, { name: 'sesame/lm_head_input', opType: 'Identity', input: [found.input], output: [HEAD_INPUT] }),
      ...(lookup
        ? [create(NodeProtoSchema, { name: 'sesame/word_embeddings', opType: 'Identity', input: [WORD_EMBEDDINGS_INPUT], output: [lookup.output] })]
        : []),
    ],
    lookup ? [headOutput(graph, WORD_EMBEDDINGS_INPUT, found.weights.k)] : [],
  );
  return splice(bytes, graph, drops, tail, alsoAppend, external, { ok: true, weights: found.weights, graph });
}

const indices = <T>(list: T[], drop: (item: T) => boolean) => new Set(list.flatMap((item, i) => (drop(item) ? [i] : [])));

/** A ModelProto fragment adding `nodes`, the `lm_head_input` output ([batch, sequence, k] float) and `inputs`. */
function headTail(graph: GraphProto, k: number, nodes: NodeProto[], inputs: ValueInfoProto[] = []): Uint8Array {
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, { graph: { node: nodes, input: inputs, output: [headOutput(graph, HEAD_INPUT, k)] } }));
}

/**
 * The word-embedding lookup over the tied head's table, when it is what `tableRows` computes:
 * Gather(table, a graph input's ids: idsInput) read only by a DequantizeLinear with the head's
 * one scale and zero point (the same initializers), along axis 0. None otherwise (the lookup stays).
 */
function wordLookup(graph: GraphProto, g: GraphIndex, head: Int8Linear): { nodes: NodeProto[]; output: string } | undefined {
  const table = head.weights.tiedTo;
  const headDequantize = head.nodes.find((n) => n.opType === 'DequantizeLinear');
  if (!table || !headDequantize || head.weights.scale.length !== 1 || head.weights.zeroPoint.length !== 1) return undefined;
  const gathers = (g.readers.get(table) ?? []).filter((n) => n.opType === 'Gather');
  if (gathers.length !== 1) return undefined;
  const gather = gathers[0]!;
  if (gather.input[0] !== table || axisOf(gather) !== 0 || !idsInput(graph, g, gather.input[1] ?? '') || gather.output.length !== 1) return undefined;
  if (graph.output.some((o) => o.name === gather.output[0])) return undefined;
  const readers = g.readers.get(gather.output[0]!) ?? [];
  const dequantize = readers[0];
  if (readers.length !== 1 || dequantize?.opType !== 'DequantizeLinear' || dequantize.input[0] !== gather.output[0]) return undefined;
  if (dequantize.input[1] !== headDequantize.input[1] || (dequantize.input[2] ?? '') !== (headDequantize.input[2] ?? '')) return undefined;
  if (dequantize.output.length !== 1) return undefined;
  return { nodes: [gather, dequantize], output: dequantize.output[0]! };
}

/**
 * Whether `tensor` is a graph input's ids as they are: the input itself (BERT), or GPT-2's
 * `input_ids.view(-1, input_ids.shape[-1])` of a rank-2 input, which keeps its shape
 * (Reshape(x, Concat([-1], Unsqueeze(Gather(Shape(x), 1))))): the rows fed are then in the Gather's shape.
 */
function idsInput(graph: GraphProto, g: GraphIndex, tensor: string): boolean {
  const input = (name: string) => graph.input.find((i) => i.name === name);
  if (input(tensor)) return true;
  const reshape = g.producer.get(tensor);
  const x = reshape?.input[0] ?? '';
  const type = input(x)?.type?.value;
  if (reshape?.opType !== 'Reshape' || type?.case !== 'tensorType' || type.value.shape?.dim.length !== 2) return false;
  const concat = g.producer.get(reshape.input[1] ?? '');
  if (concat?.opType !== 'Concat' || concat.input.length !== 2) return false;
  const unsqueeze = g.producer.get(concat.input[1]!);
  const gather = g.producer.get(unsqueeze?.opType === 'Unsqueeze' ? (unsqueeze.input[0] ?? '') : '');
  const shape = g.producer.get(gather?.opType === 'Gather' ? (gather.input[0] ?? '') : '');
  const at = int64s(g, gather?.input[1] ?? '');
  const minusOne = int64s(g, concat.input[0]!);
  return (
    minusOne?.length === 1 &&
    minusOne[0] === -1n &&
    axisOf(concat) === 0 &&
    shape?.opType === 'Shape' &&
    axisOf(gather!) === 0 &&
    shape.input[0] === x &&
    shape.attribute.length === 0 &&
    at?.length === 1 &&
    (at[0] === 1n || at[0] === -1n)
  );
}

const axisOf = (node: NodeProto) => Number(node.attribute.find((a) => a.name === 'axis')?.i ?? 0n);

/** An int64 constant's values (a Constant node's or an initializer's), or none. */
function int64s(g: GraphIndex, tensor: string): bigint[] | undefined {
  const node = g.producer.get(tensor);
  const t = node ? (node.opType === 'Constant' ? node.attribute.find((a) => a.name === 'value')?.t : undefined) : g.initializers.get(tensor);
  if (t?.dataType !== TensorProto_DataType.INT64) return undefined;
  if (!t.rawData.byteLength) return [...t.int64Data];
  return [...new BigInt64Array(t.rawData.slice().buffer)];
}

function headOutput(graph: GraphProto, name: string, k: number): ValueInfoProto {
  const [batch, seq] = sequenceDims(graph);
  const width = { value: { case: 'dimValue' as const, value: BigInt(k) } };
  return create(ValueInfoProtoSchema, {
    name,
    type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT, shape: { dim: [batch, seq, width] } } } },
  });
}

function splice(
  bytes: Uint8Array,
  graph: GraphProto,
  drops: Parameters<typeof spliceGraph>[1],
  tail: Uint8Array,
  alsoAppend: AlsoAppend | undefined,
  external: string | undefined,
  done: { ok: true; weights: Int8Weights; graph: GraphProto; where?: string },
): HeadDetach {
  const more = alsoAppend?.(graph, [HEAD_INPUT]) ?? new Uint8Array(0);
  const tails = new Uint8Array(tail.length + more.length);
  tails.set(tail);
  tails.set(more, tail.length);
  try {
    if (!external) return { ...done, bytes: spliceGraph(bytes, drops, tails) };
    const out = spliceGraphExternal(bytes, drops, tails, external);
    return { ...done, bytes: out.bytes, external: { data: out.data, moved: out.moved } };
  } catch (error) {
    return { ok: false, reason: `the graph could not be rewritten: ${(error as Error).message}` };
  }
}

/**
 * The legacy merged decoder (optimum's `decoder_model_merged*`): the head is found in each branch
 * of the If that makes `logits` and must read the same weights in both; it is cut out of both, each
 * branch then ends at its own head input, and the If (re-encoded: its branches hold nodes, the
 * weights stay top-level initializers) outputs `lm_head_input` where it output `logits`.
 */
function detachFromBranches(
  bytes: Uint8Array,
  graph: GraphProto,
  merged: { node: NodeProto; index: number },
  alsoAppend?: AlsoAppend,
  external?: string,
): HeadDetach {
  if (subgraphReads(graph.node.filter((n) => n !== merged.node)).has(LOGITS)) return refuse(`${LOGITS} of the merged decoder's If is read by other nodes`);
  const branches = branchesOf(merged.node);
  if (branches.length !== 2) return refuse(`the If that makes ${LOGITS} has ${branches.length} branches, not two`);
  const cuts: { branch: IfBranch; head: Int8Linear; removed: Set<NodeProto> }[] = [];
  for (const branch of branches) {
    const what = `head (${branch.name} of the merged decoder's If)`;
    const index = indexGraph(withPastView(graph, branch.graph));
    const out = branch.graph.output[merged.index]?.name;
    if (!out) return refuse(`the ${branch.name} has no output ${merged.index}`);
    // optimum ends each branch with Identity(logits) → logits_<branch>: the head is before them.
    const identities = new Set<NodeProto>();
    const onlyRemoved = (tensor: string) => (index.readers.get(tensor) ?? []).every((r) => identities.has(r));
    let target = out;
    for (let node = index.producer.get(target); node?.opType === 'Identity' && onlyRemoved(target); node = index.producer.get(target)) {
      identities.add(node);
      target = node.input[0]!;
    }
    if (!onlyRemoved(target)) return refuse(`${target} is read elsewhere in the ${branch.name}`);
    const head = findInt8Head(index, target, what);
    if (!head.ok) return head;
    cuts.push({ branch, head, removed: new Set([...head.nodes, ...identities]) });
  }
  const [a, b] = cuts as [(typeof cuts)[0], (typeof cuts)[0]];
  if (!sameWeights(a.head.weights, b.head.weights)) return refuse(`the merged decoder's ${a.branch.name} and ${b.branch.name} heads read different weights`);

  // The If, re-encoded with both branches cut: same output count and order, a float [batch, seq, k] output in each.
  const k = a.head.weights.k;
  const attribute = merged.node.attribute.map((attribute) => {
    const cut = cuts.find((c) => c.branch.attribute === attribute);
    if (!cut) return attribute;
    const sub = cut.branch.graph;
    const name = `${HEAD_INPUT}_${cut.branch.name}`;
    const nodes = [
      ...sub.node.filter((n) => !cut.removed.has(n)),
      create(NodeProtoSchema, { name: `sesame/${name}`, opType: 'Identity', input: [cut.head.input], output: [name] }),
    ];
    const read = subgraphReads(nodes);
    const cutGraph = {
      ...sub,
      node: nodes,
      initializer: sub.initializer.filter((t) => read.has(t.name)),
      output: sub.output.map((o, i) => (i === merged.index ? headOutput(graph, name, k) : o)),
    };
    return { ...attribute, g: cutGraph };
  });
  const node = create(NodeProtoSchema, {
    name: merged.node.name,
    opType: merged.node.opType,
    domain: merged.node.domain,
    input: merged.node.input,
    output: merged.node.output.map((o, i) => (i === merged.index ? HEAD_INPUT : o)),
    attribute,
  });
  const ifAt = graph.node.indexOf(merged.node);
  const others = graph.node.filter((n) => n !== merged.node);
  const stillRead = subgraphReads([...others, node]);
  const drops = {
    node: new Set([ifAt]),
    initializer: indices(graph.initializer, (t) => !stillRead.has(t.name)),
    output: indices(graph.output, (o) => o.name === LOGITS),
  };
  const tail = headTail(graph, k, [node]);
  const where = `cut from both branches (${cuts.map((c) => c.branch.name).join(', ')}) of the legacy merged decoder's If`;
  return splice(bytes, graph, drops, tail, alsoAppend, external, {
    ok: true,
    weights: a.head.weights,
    graph: withPastView(graph, branches.find((br) => br.name === 'then_branch')?.graph ?? a.branch.graph),
    where,
  });
}

function findInt8Head(index: GraphIndex, output: string, what: string): Int8Linear | Refusal {
  const int8 = int8LinearMaking(index, output, what);
  const tied = int8.ok ? undefined : tiedHeadMaking(index, output, what);
  const found = int8.ok ? int8 : tied!.ok ? tied! : refuse(`${int8.reason}; ${tied!.reason}`);
  if (!found.ok) return found;
  // Every intermediate tensor must be the head's alone, or removing the nodes would break the graph.
  const inside = new Set(found.nodes);
  for (const node of found.nodes) {
    for (const o of node.output) if (o !== output && (index.readers.get(o) ?? []).some((r) => !inside.has(r))) return refuse(`${o} is read outside the head`);
  }
  return found;
}

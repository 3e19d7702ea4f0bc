// Graph surgery that exposes an encoder's hidden states (embeddings + every layer) as extra
// outputs of a masked-LM ONNX export, so one forward pass yields logits and per-layer vectors.
//
// The new nodes and outputs are appended to the original bytes as a second `graph` field of the
// ModelProto rather than re-encoding the model: protobuf parsers merge repeated occurrences of an
// embedded message (repeated fields concatenate), so the result is the original graph plus our
// additions. The weights are never re-serialised (one copy of the bytes, no schema-version loss).
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  type GraphProto,
  ModelProtoSchema,
  type NodeProto,
  type TensorShapeProto_Dimension,
  type TensorShapeProto_DimensionSchema,
  TensorProto_DataType,
  type ValueInfoProto,
} from 'onnx-buf';

export const HIDDEN_STATE_PREFIX = 'hidden_states.';
export const hiddenStateName = (k: number): string => `${HIDDEN_STATE_PREFIX}${k}`;
/**
 * The rows of the hidden states a pass returns (int64 [rows], each batch · sequence + position):
 * the outputs are [rows, hidden], not [batch, sequence, hidden]. A pass of 16 sentences read
 * 13 hidden states of every token; the sense tool needs only the word's few (issue #21: the
 * outputs were 24 MiB of onnxruntime-web's heap, which never shrinks).
 */
export const HIDDEN_ROWS_INPUT = 'sesame_hidden_rows';

export interface HiddenStatesOptions {
  /** Encoder layers from the model config; read from the graph when omitted. */
  numLayers?: number;
  /** Width of the hidden states, for the declared output shape; read from the graph when omitted. */
  hiddenSize?: number;
  /**
   * The outputs the pass ends with (`logits`, or `lm_head_input` once the head is out): each
   * gets a Shape node, so that its producer is no end of the graph (see `planHiddenStatesOf`).
   * The graph's outputs when omitted.
   */
  finalOutputs?: string[];
}

/** A Shape of each final output, an output itself ([rank] int64): only there to order the walk. */
export const ORDER_PREFIX = 'sesame_order.';

export type MappingMethod = 'names' | 'structure' | 'present';

export interface HiddenStatesPlan {
  ok: true;
  /** Serialised ModelProto fragment to append to the original bytes (empty when already present). */
  tail: Uint8Array<ArrayBuffer>;
  /** `hidden_states.0` (embeddings) … `hidden_states.L` (last layer). */
  names: string[];
  /** The graph tensors they copy, in the same order. */
  sources: string[];
  method: MappingMethod;
}

export type HiddenStatesResult = (Omit<HiddenStatesPlan, 'tail'> & { bytes: Uint8Array }) | { ok: false; reason: string };

export type HiddenStatesMapping =
  | { ok: true; sources: string[]; exits: NodeProto[]; method: Exclude<MappingMethod, 'present'> }
  | { ok: false; reason: string };

/** `bytes` plus the hidden-state outputs, or why the graph could not be mapped. */
export function withHiddenStates(bytes: Uint8Array, options: HiddenStatesOptions = {}): HiddenStatesResult {
  const plan = planHiddenStates(bytes, options);
  if (!plan.ok) return plan;
  const { tail, ...rest } = plan;
  if (tail.byteLength === 0) return { ...rest, bytes };
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes, 0);
  out.set(tail, bytes.byteLength);
  return { ...rest, bytes: out };
}

/** The fragment that, appended to `bytes`, adds the hidden-state outputs. */
export function planHiddenStates(bytes: Uint8Array, options: HiddenStatesOptions = {}): HiddenStatesPlan | { ok: false; reason: string } {
  let graph: GraphProto | undefined;
  try {
    graph = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false }).graph;
  } catch (error) {
    return { ok: false, reason: `not an ONNX model: ${(error as Error).message}` };
  }
  if (!graph) return { ok: false, reason: 'the model has no graph' };
  return planHiddenStatesOf(graph, options);
}

/** `planHiddenStates` for a graph already parsed. */
export function planHiddenStatesOf(graph: GraphProto, options: HiddenStatesOptions = {}): HiddenStatesPlan | { ok: false; reason: string } {
  const present = graph.output.filter((o) => o.name.startsWith(HIDDEN_STATE_PREFIX)).map((o) => o.name);
  if (present.length > 0) {
    const producers = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
    // Through this surgery's own Cast, Gather and Flatten to the layer's tensor.
    const source = (name: string): string => {
      let tensor = producers.get(name)?.input[0] ?? '';
      for (let node = producers.get(tensor); node?.name.startsWith('sesame/hidden_state_'); node = producers.get(tensor)) tensor = node.input[0] ?? '';
      return tensor;
    };
    return { ok: true, tail: new Uint8Array(0), names: present, sources: present.map(source), method: 'present' };
  }

  const mapping = findHiddenStates(graph, options.numLayers);
  if (!mapping.ok) return mapping;
  const names = mapping.sources.map((_, k) => hiddenStateName(k));
  const taken = new Set(graph.node.flatMap((n) => n.output).concat(graph.input.map((i) => i.name)));
  const clash = [...names, HIDDEN_ROWS_INPUT].find((n) => taken.has(n));
  if (clash) return { ok: false, reason: `the graph already has a tensor named ${clash}` };

  const hidden = options.hiddenSize ?? hiddenSizeOf(graph, mapping.exits[0]!);
  const hiddenDim: Dim = { value: hidden ? { case: 'dimValue', value: BigInt(hidden) } : { case: 'dimParam', value: 'hidden_size' } };
  const rowsDim: Dim = { value: { case: 'dimParam', value: 'hidden_rows' } };
  const int = (name: string, i: bigint) => ({ name, type: AttributeProto_AttributeType.INT, i });
  // onnxruntime runs the nodes in the order of a depth-first walk from the graph's ends (nodes
  // whose outputs no node reads), the one made last first. The optimiser's fused nodes are made
  // after ours, so the walk from the final LayerNorm ran the whole encoder before any Gather and
  // every layer's output stayed alive until the end (24 MiB of heap at 16 × 24 tokens: the
  // outputs' size, though they are a few rows). So the final outputs are read by a Shape each
  // (their producers are then no ends), written first (walked last), and the hidden states' nodes
  // last layer first: the walk starts at the embeddings' Gather, then each layer's right after it.
  const tag = (k: number) => `hidden_state_${String(k).padStart(4, '0')}`;
  // [batch, sequence, hidden] → [batch · sequence, hidden] → the rows asked for. The Cast last
  // (on a few rows): the declared float type also holds for fp16 exports, whose hidden states
  // are half precision inside the graph.
  const finals = options.finalOutputs ?? graph.output.map((o) => o.name).filter((n) => !n.startsWith(HIDDEN_STATE_PREFIX));
  const order = finals.map((name) => ({ name: `sesame/order/${name}`, opType: 'Shape', input: [name], output: [`${ORDER_PREFIX}${name}`] }));
  const gathers = mapping.sources
    .map((source, k) => ({ source, k }))
    .reverse()
    .flatMap(({ source, k }) => {
      const name = names[k]!;
      const node = `sesame/${tag(k)}`;
      return [
        { name: `${node}/flat`, opType: 'Flatten', input: [source], output: [`${node}/flat`], attribute: [int('axis', 2n)] },
        {
          name: `${node}/rows`,
          opType: 'Gather',
          input: [`${node}/flat`, HIDDEN_ROWS_INPUT],
          output: [`${node}/rows`],
          attribute: [int('axis', 0n)],
        },
        { name: node, opType: 'Cast', input: [`${node}/rows`], output: [name], attribute: [int('to', BigInt(TensorProto_DataType.FLOAT))] },
      ];
    });
  const tensor = (elemType: TensorProto_DataType, dim: Dim[]) => ({ value: { case: 'tensorType' as const, value: { elemType, shape: { dim } } } });
  const input = [{ name: HIDDEN_ROWS_INPUT, type: tensor(TensorProto_DataType.INT64, [rowsDim]) }];
  const output = [
    ...names.map((name) => ({ name, type: tensor(TensorProto_DataType.FLOAT, [rowsDim, hiddenDim]) })),
    ...order.map((n) => ({ name: n.output[0]!, type: tensor(TensorProto_DataType.INT64, [{ value: { case: 'dimParam' as const, value: 'rank' } }]) })),
  ];
  const tail = toBinary(ModelProtoSchema, create(ModelProtoSchema, { graph: { node: [...order, ...gathers], input, output } }));
  return { ok: true, tail, names, sources: mapping.sources, method: mapping.method };
}

/**
 * The hidden-state outputs as a fragment to append to a parsed encoder graph that ends at
 * `finalOutputs` (head-graph.ts `AlsoAppend`); none when it cannot be mapped (the host's check
 * after the load then says why).
 */
export function hiddenStatesTail(options: () => HiddenStatesOptions = () => ({})): (graph: GraphProto, finalOutputs: string[]) => Uint8Array {
  return (graph, finalOutputs) => {
    const plan = planHiddenStatesOf(graph, { ...options(), finalOutputs });
    return plan.ok ? plan.tail : new Uint8Array(0);
  };
}

/**
 * The tensors holding the embeddings output and each encoder layer's output, in order. By node
 * names first (torch.onnx scopes such as `/bert/encoder/layer.3/output/LayerNorm/Add_1`), then
 * by structure when an export carries no usable names.
 */
export function findHiddenStates(graph: GraphProto, numLayers?: number): HiddenStatesMapping {
  const byName = mapByNames(graph.node, numLayers);
  if (byName.ok) return byName;
  const byStructure = mapByStructure(graph, numLayers);
  if (byStructure.ok) return byStructure;
  return { ok: false, reason: `${byName.reason}; ${byStructure.reason}` };
}

// The quantizer names the nodes it inserts after the tensor they read, so a DynamicQuantizeLinear
// reading a LayerNorm output lands inside that LayerNorm's name scope.
const QUANT_OPS = new Set(['DynamicQuantizeLinear', 'QuantizeLinear', 'DequantizeLinear']);
const EMBEDDINGS_LN = /(?:^|\/)embeddings\/LayerNorm\//;
// BERT/ERNIE/RoBERTa-style `layer.{i}/output/LayerNorm/`, DistilBERT `layer.{i}/output_layer_norm/`.
const LAYER_LN = /(?:^|\/)layer\.(\d+)\/(?:output\/LayerNorm|output_layer_norm)\//;

function mapByNames(nodes: NodeProto[], numLayers: number | undefined): HiddenStatesMapping {
  let embeddings: NodeProto | undefined;
  const layers = new Map<number, NodeProto>();
  // Graph order is topological, so the last node of a LayerNorm scope produces its result.
  for (const node of nodes) {
    if (QUANT_OPS.has(node.opType)) continue;
    if (EMBEDDINGS_LN.test(node.name)) embeddings = node;
    const layer = LAYER_LN.exec(node.name);
    if (layer) layers.set(Number(layer[1]), node);
  }
  if (!embeddings) return { ok: false, reason: 'no node named like embeddings/LayerNorm' };
  if (layers.size === 0) return { ok: false, reason: 'no node named like layer.{i}/output LayerNorm' };
  const count = numLayers ?? Math.max(...layers.keys()) + 1;
  if (layers.size !== count || [...layers.keys()].some((i) => i >= count)) {
    return { ok: false, reason: `found ${layers.size + 1} named hidden states, expected ${count + 1}` };
  }
  const exits = [embeddings, ...Array.from({ length: count }, (_, i) => layers.get(i)!)];
  return { ok: true, exits, sources: exits.map((n) => n.output[0]!), method: 'names' };
}

// Fused forms as written by onnxruntime's transformer optimizer, besides the ONNX op.
const LN_OPS = new Set(['LayerNormalization', 'EmbedLayerNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);
const RESIDUAL_OPS = new Set(['Add', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

/**
 * Fallback: every LayerNorm in graph order (a fused op, or torch's decomposition
 * (x - mean) / sqrt(var + eps) * gamma + beta). A post-LN encoder has one after the embeddings,
 * two per layer (after attention, after the feed-forward block) and possibly one in the MLM
 * head, so the hidden states are LayerNorms 0, 2, …, 2L.
 */
function mapByStructure(graph: GraphProto, numLayers: number | undefined): HiddenStatesMapping {
  const producer = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const o of node.output) producer.set(o, node);
    for (const i of node.input) {
      const list = consumers.get(i);
      if (list) list.push(node);
      else consumers.set(i, [node]);
    }
  }
  const readers = (t: string) => (consumers.get(t) ?? []).filter((n) => !QUANT_OPS.has(n.opType));
  const from = (t: string | undefined, op: string) => {
    const node = t === undefined ? undefined : producer.get(t);
    return node?.opType === op ? node : undefined;
  };

  const exits: NodeProto[] = [];
  for (const node of graph.node) {
    if (LN_OPS.has(node.opType)) {
      exits.push(node);
      continue;
    }
    if (node.opType !== 'Div') continue;
    const centred = from(node.input[0], 'Sub');
    const std = from(node.input[1], 'Sqrt');
    if (!centred || !std || !from(centred.input[1], 'ReduceMean')) continue;
    let exit = node;
    for (const op of ['Mul', 'Add']) {
      const next = readers(exit.output[0]!);
      if (next.length !== 1 || next[0]!.opType !== op) break;
      exit = next[0]!;
    }
    exits.push(exit);
  }
  const count = numLayers ?? Math.floor((exits.length - 1) / 2);
  if (count < 1 || (exits.length !== 2 * count + 1 && exits.length !== 2 * count + 2)) {
    return {
      ok: false,
      reason: `found ${exits.length} LayerNorms, expected ${numLayers === undefined ? '2L+1 or 2L+2' : `${2 * count + 1} or ${2 * count + 2}`}`,
    };
  }
  const picked = Array.from({ length: count + 1 }, (_, k) => exits[2 * k]!);
  // In a post-LN encoder each of these feeds the next block's residual Add directly; in a
  // pre-LN decoder (GPT-2) the LayerNorms feed only projections, and must not be taken.
  const residual = picked.slice(0, -1).every((n) => readers(n.output[0]!).some((r) => RESIDUAL_OPS.has(r.opType)));
  if (!residual) return { ok: false, reason: 'LayerNorm outputs do not feed residual connections (not a post-LN encoder)' };
  return { ok: true, exits: picked, sources: picked.map((n) => n.output[0]!), method: 'structure' };
}

export type Dim = MessageInitShape<typeof TensorShapeProto_DimensionSchema>;

/** Batch and sequence dimensions as the graph names them on `input_ids`. */
export function sequenceDims(graph: GraphProto): [Dim, Dim] {
  const input = graph.input.find((i) => i.name === 'input_ids') ?? graph.input[0];
  const dims = tensorDims(input);
  const keep = (d: TensorShapeProto_Dimension | undefined, name: string): Dim =>
    d && d.value.case !== undefined ? { value: d.value } : { value: { case: 'dimParam', value: name } };
  return [keep(dims[0], 'batch_size'), keep(dims[1], 'sequence_length')];
}

function tensorDims(info: ValueInfoProto | undefined): TensorShapeProto_Dimension[] {
  const type = info?.type?.value;
  return type?.case === 'tensorType' ? (type.value.shape?.dim ?? []) : [];
}

/** The LayerNorm's gamma length: the rank-1 initializer read by its exit node or the node before. */
function hiddenSizeOf(graph: GraphProto, exit: NodeProto): number | undefined {
  const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const vectors = new Map(graph.initializer.filter((t) => t.dims.length === 1).map((t) => [t.name, Number(t.dims[0])]));
  const nodes = [exit, ...exit.input.map((i) => producer.get(i)).filter((n) => n !== undefined)];
  for (const node of nodes) {
    for (const input of node.input) {
      const size = vectors.get(input);
      if (size !== undefined && size > 1) return size;
    }
  }
  return undefined;
}

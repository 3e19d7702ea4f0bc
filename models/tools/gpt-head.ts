// Graph surgery for GPT exports: a second LM head that reads only the last position. The exports
// compute `logits` for every token fed, but decoding reads one row: for a 41-token prompt the
// head is a third of the pass. The copy reads the same weights (by name: nothing is duplicated),
// and since onnxruntime skips nodes whose outputs are not fetched, a run that fetches
// `logits_last` and the `present.*` tensors never computes the full head.
//
// As for the hidden states (sense/onnx-graph.ts), the additions are appended to the original
// bytes as a second `graph` field, which protobuf merges into the first.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType, type GraphProto, ModelProtoSchema, type NodeProto, TensorProto_DataType } from 'onnx-buf';
import type { OrtSession } from '../host/model-rewrite';

export const LAST_LOGITS = 'logits_last';
const GATHERED = 'sesame/last_position';
const LAST_INDEX = 'sesame/last_index';

const MATMULS = new Set(['MatMul', 'MatMulInteger', 'MatMulNBits']);
/** What may lie between the head's input and `logits`: the matmul, its quantization, elementwise scaling. */
const HEAD_OPS = new Set([...MATMULS, 'DynamicQuantizeLinear', 'Cast', 'Mul', 'Add', 'Sub', 'Div']);

export type LastLogitsPlan = { ok: true; tail: Uint8Array<ArrayBuffer>; head: string[] } | { ok: false; reason: string };

/** The fragment that, appended to `bytes`, adds the `logits_last` output. */
export function planLastLogits(bytes: Uint8Array): LastLogitsPlan {
  let graph: GraphProto | undefined;
  try {
    graph = fromBinary(ModelProtoSchema, bytes, { readUnknownFields: false }).graph;
  } catch (error) {
    return { ok: false, reason: `not an ONNX model: ${(error as Error).message}` };
  }
  if (!graph) return { ok: false, reason: 'the model has no graph' };
  if (graph.output.some((o) => o.name === LAST_LOGITS)) return { ok: true, tail: new Uint8Array(0), head: [] };
  const logits = graph.output.find((o) => o.name === 'logits');
  if (!logits) return { ok: false, reason: 'the model has no logits output' };

  const found = findHead(graph);
  if (!found.ok) return found;
  const { input, chain } = found;

  // Each copied node reads the copies of its inputs; weights and anything else it reads stay shared.
  const renamed = new Map<string, string>([[input, GATHERED]]);
  const copies = chain.map((node) => {
    const inputs = node.input.map((i) => renamed.get(i) ?? i);
    const outputs = node.output.map((o) => {
      const name = o === 'logits' ? LAST_LOGITS : `${o}/sesame_last`;
      renamed.set(o, name);
      return name;
    });
    return { ...node, name: `sesame/last/${node.name}`, input: inputs, output: outputs };
  });
  const gather = {
    name: GATHERED,
    opType: 'Gather',
    input: [input, LAST_INDEX],
    output: [GATHERED],
    // A 1-D index keeps the axis: [batch, 1, hidden].
    attribute: [{ name: 'axis', type: AttributeProto_AttributeType.INT, i: 1n }],
  };
  const type = logits.type?.value;
  const dims = type?.case === 'tensorType' ? (type.value.shape?.dim ?? []) : [];
  const output = {
    name: LAST_LOGITS,
    type: {
      value: {
        case: 'tensorType' as const,
        value: {
          elemType: type?.case === 'tensorType' ? type.value.elemType : TensorProto_DataType.FLOAT,
          shape: { dim: [dims[0] ? { value: dims[0].value } : {}, { value: { case: 'dimValue' as const, value: 1n } }, dims[2] ? { value: dims[2].value } : {}] },
        },
      },
    },
  };
  const initializer = [{ name: LAST_INDEX, dataType: TensorProto_DataType.INT64, dims: [1n], int64Data: [-1n] }];
  const tail = toBinary(ModelProtoSchema, create(ModelProtoSchema, { graph: { node: [gather, ...copies], output: [output], initializer } }));
  return { ok: true, tail, head: chain.map((n) => n.opType) };
}

/**
 * The LM head: the matmul whose result reaches `logits` through elementwise scaling only, the
 * activation it reads (before its dynamic quantization, if any) and every node on the way.
 */
function findHead(graph: GraphProto): { ok: true; input: string; chain: NodeProto[] } | { ok: false; reason: string } {
  const producer = new Map<string, NodeProto>();
  const consumers = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const o of node.output) producer.set(o, node);
    for (const i of node.input) consumers.set(i, [...(consumers.get(i) ?? []), node]);
  }
  const weights = new Set(graph.initializer.map((t) => t.name));
  let head: NodeProto | undefined;
  let tensor = 'logits';
  for (let step = 0; step < 8 && !head; step++) {
    const node = producer.get(tensor);
    if (!node || !HEAD_OPS.has(node.opType)) break;
    if (MATMULS.has(node.opType)) {
      head = node;
      break;
    }
    // Follow the computed input on the matmul's side (a Mul of the product and its scales).
    const computed = node.input.filter((i) => producer.has(i) && !weights.has(i));
    tensor = computed.find((i) => ['Cast', ...MATMULS].includes(producer.get(i)!.opType)) ?? computed[0] ?? '';
  }
  if (!head) return { ok: false, reason: 'no matmul feeds logits through elementwise ops only' };
  if (!head.input.slice(1).some((i) => weights.has(i))) return { ok: false, reason: 'the head matmul has no weight initializer' };
  let input = head.input[0]!;
  const quantize = producer.get(input);
  if (quantize?.opType === 'DynamicQuantizeLinear') input = quantize.input[0]!;

  const after = new Set<NodeProto>();
  const queue = [input];
  while (queue.length) {
    for (const node of consumers.get(queue.pop()!) ?? []) {
      if (after.has(node)) continue;
      after.add(node);
      queue.push(...node.output);
    }
  }
  const before = new Set<NodeProto>();
  const back = ['logits'];
  while (back.length) {
    const node = producer.get(back.pop()!);
    if (!node || before.has(node)) continue;
    before.add(node);
    back.push(...node.input);
  }
  const chain = graph.node.filter((n) => after.has(n) && before.has(n));
  const foreign = chain.find((n) => !HEAD_OPS.has(n.opType));
  if (foreign) return { ok: false, reason: `the head contains ${foreign.opType}` };
  return { ok: true, input, chain };
}

/**
 * From now on the session's runs fetch `logits_last` and the keys/values only, so the full head
 * is never computed. False (nothing changed) when the session has no `logits_last`.
 */
export function fetchLastLogitsOnly(session: OrtSession): boolean {
  if (!session.outputNames.includes(LAST_LOGITS)) return false;
  const fetches = session.outputNames.filter((n) => n === LAST_LOGITS || n.startsWith('present'));
  const run = session.run.bind(session);
  session.run = (feeds) => run(feeds, fetches);
  return true;
}

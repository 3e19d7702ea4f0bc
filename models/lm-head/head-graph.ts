// Graph surgery that takes a q8 export's LM head out of the graph: the session then ends at
// the head's input (`lm_head_input`, the final LayerNorm output) and Sesame computes the logits
// itself, for the rows it reads (int8-kernel.ts): GPT's last position, BERT's masks. The head is
// the q8 files' dynamically quantised linear layer (int8-linear.ts), with a bias in BERT's, or in
// the hub's tied exports a float MatMul over the shared 8-bit embedding table (tied-head.ts).
//
// Unlike the hidden-state surgery, nodes and the weight are removed: the kept bytes are copied
// as they are (graph-splice.ts), the new output appended as a second graph that parsers merge.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type GraphProto, ModelProtoSchema, NodeProtoSchema, TensorProto_DataType, ValueInfoProtoSchema } from 'onnx-buf';
import { sequenceDims } from '../sense/onnx-graph';
import { spliceGraph } from './graph-splice';
import { type Int8Linear, type Int8Weights, indexGraph, int8LinearMaking, type Refusal, refuse } from './int8-linear';
import { tiedHeadMaking } from './tied-head';

export const HEAD_INPUT = 'lm_head_input';
const LOGITS = 'logits';

export type HeadDetach = { ok: true; bytes: Uint8Array<ArrayBuffer>; weights: Int8Weights; graph: GraphProto } | Refusal;

/** More outputs to add in the same rewrite (an encoder's hidden states): a ModelProto fragment for the parsed graph. */
export type AlsoAppend = (graph: GraphProto) => Uint8Array;

/** `bytes` without the int8 LM head (and with `lm_head_input` as an output, plus `alsoAppend`'s), or why not. */
export function detachHead(bytes: Uint8Array, alsoAppend?: AlsoAppend): HeadDetach {
  let model;
  try {
    model = fromBinary(ModelProtoSchema, bytes);
  } catch (error) {
    return { ok: false, reason: `not an ONNX model: ${(error as Error).message}` };
  }
  const graph = model.graph;
  if (!graph) return { ok: false, reason: 'the model has no graph' };
  if (graph.output.some((o) => o.name === HEAD_INPUT)) return { ok: false, reason: 'the head is already detached' };
  const found = findInt8Head(graph);
  if (!found.ok) return found;

  const removed = new Set(found.nodes);
  const indices = <T>(list: T[], drop: (item: T) => boolean) => new Set(list.flatMap((item, i) => (drop(item) ? [i] : [])));
  const stillRead = new Set(graph.node.filter((n) => !removed.has(n)).flatMap((n) => n.input));
  const [batch, seq] = sequenceDims(graph);
  const width = { value: { case: 'dimValue' as const, value: BigInt(found.weights.k) } };
  const tail = toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      graph: {
        node: [create(NodeProtoSchema, { name: 'sesame/lm_head_input', opType: 'Identity', input: [found.input], output: [HEAD_INPUT] })],
        output: [
          create(ValueInfoProtoSchema, {
            name: HEAD_INPUT,
            type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.FLOAT, shape: { dim: [batch, seq, width] } } } },
          }),
        ],
      },
    }),
  );
  const drops = {
    node: indices(graph.node, (n) => removed.has(n)),
    initializer: indices(graph.initializer, (t) => !stillRead.has(t.name)),
    output: indices(graph.output, (o) => o.name === LOGITS),
  };
  const more = alsoAppend?.(graph) ?? new Uint8Array(0);
  const tails = new Uint8Array(tail.length + more.length);
  tails.set(tail);
  tails.set(more, tail.length);
  try {
    return { ok: true, bytes: spliceGraph(bytes, drops, tails), weights: found.weights, graph };
  } catch (error) {
    return { ok: false, reason: `the graph could not be rewritten: ${(error as Error).message}` };
  }
}

function findInt8Head(graph: GraphProto): Int8Linear | Refusal {
  if (!graph.output.some((o) => o.name === LOGITS)) return refuse('no logits output');
  const index = indexGraph(graph);
  const int8 = int8LinearMaking(index, LOGITS, 'head');
  const tied = int8.ok ? undefined : tiedHeadMaking(index, LOGITS, 'head');
  const found = int8.ok ? int8 : tied!.ok ? tied! : refuse(`${int8.reason}; ${tied!.reason}`);
  if (!found.ok) return found;
  // Every intermediate tensor must be the head's alone, or removing the nodes would break the graph.
  const inside = new Set(found.nodes);
  for (const node of found.nodes) {
    for (const o of node.output) if (o !== LOGITS && (index.readers.get(o) ?? []).some((r) => !inside.has(r))) return refuse(`${o} is read outside the head`);
  }
  return found;
}

// Graph surgery that takes a q8 export's LM head out of the graph: the session then ends at
// the head's input (`lm_head_input`, the final LayerNorm output) and Sesame computes the logits
// itself, for the rows it reads (int8-head.ts): GPT's last position, BERT's masks. The head is
// the q8 files' dynamic quantisation pattern, with a bias in BERT's:
//
//   x ─ DynamicQuantizeLinear ─(xq, xs, xzp)─ MatMulInteger(xq, W, xzp, wzp) ─ Cast ─ Mul ─ [Add bias] ─ logits
//                                                    xs · ws ─────────────────────────┘
//
// Unlike the hidden-state surgery, nodes and the weight are removed: the kept bytes are copied
// as they are (graph-splice.ts), the new output appended as a second graph that parsers merge.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { type GraphProto, ModelProtoSchema, type NodeProto, NodeProtoSchema, type TensorProto, TensorProto_DataType, ValueInfoProtoSchema } from 'onnx-buf';
import { sequenceDims } from '../sense/onnx-graph';
import { spliceGraph } from './graph-splice';

export const HEAD_INPUT = 'lm_head_input';
const LOGITS = 'logits';

export interface Int8HeadWeights {
  /** The MatMul's B as stored: [k][n] row-major, int8 or uint8 per `signed`. */
  data: Uint8Array;
  signed: boolean;
  k: number;
  n: number;
  /** Weight zero point: one for the tensor, or one per output column. */
  zeroPoint: Int32Array;
  /** Weight scale: one for the tensor, or one per output column. */
  scale: Float32Array;
  /** Added to the logits (BERT's decoder bias), one per output column. */
  bias?: Float32Array;
}

export type HeadDetach = { ok: true; bytes: Uint8Array<ArrayBuffer>; weights: Int8HeadWeights } | { ok: false; reason: string };

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
    return { ok: true, bytes: spliceGraph(bytes, drops, tails), weights: found.weights };
  } catch (error) {
    return { ok: false, reason: `the graph could not be rewritten: ${(error as Error).message}` };
  }
}

type Found = { ok: true; nodes: NodeProto[]; input: string; weights: Int8HeadWeights } | { ok: false; reason: string };

function findInt8Head(graph: GraphProto): Found {
  const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const readers = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const i of node.input) {
      const list = readers.get(i);
      if (list) list.push(node);
      else readers.set(i, [node]);
    }
  }
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const made = (name: string | undefined, op: string) => {
    const node = name === undefined ? undefined : producer.get(name);
    return node?.opType === op ? node : undefined;
  };

  if (!graph.output.some((o) => o.name === LOGITS)) return { ok: false, reason: 'no logits output' };
  const biasAdd = made(LOGITS, 'Add');
  const bias = biasAdd?.input.map((i) => initializers.get(i)).find((t) => t?.dims.length === 1);
  const out = biasAdd ? biasAdd.input.map((i) => made(i, 'Mul')).find(Boolean) : made(LOGITS, 'Mul');
  if (!out || (biasAdd && !bias)) return { ok: false, reason: `logits are not made by the q8 head pattern (${producer.get(LOGITS)?.opType ?? 'no producer'})` };
  const cast = out.input.map((i) => made(i, 'Cast')).find(Boolean);
  const scales = out.input.map((i) => made(i, 'Mul')).find(Boolean);
  const matmul = made(cast?.input[0], 'MatMulInteger');
  const quant = made(matmul?.input[0], 'DynamicQuantizeLinear');
  if (!cast || !scales || !matmul || !quant) return { ok: false, reason: 'logits are not made by DynamicQuantizeLinear + MatMulInteger (not a q8 head)' };
  if (matmul.input[2] !== quant.output[2] || !scales.input.includes(quant.output[1]!)) return { ok: false, reason: 'the head does not use its own quantisation' };
  const nodes = [quant, matmul, cast, scales, out, ...(biasAdd ? [biasAdd] : [])];
  // Every intermediate tensor must be the head's alone, or removing the nodes would break the graph.
  const inside = new Set(nodes);
  for (const node of nodes) {
    for (const o of node.output) if (o !== LOGITS && (readers.get(o) ?? []).some((r) => !inside.has(r))) return { ok: false, reason: `${o} is read outside the head` };
  }
  const w = initializers.get(matmul.input[1] ?? '');
  const wzp = matmul.input[3] ? initializers.get(matmul.input[3]) : undefined;
  const ws = initializers.get(scales.input.find((i) => i !== quant.output[1]) ?? '');
  if (!w || w.dims.length !== 2) return { ok: false, reason: 'the head weight is not a 2-D initializer' };
  if (w.dataType !== TensorProto_DataType.INT8 && w.dataType !== TensorProto_DataType.UINT8) return { ok: false, reason: 'the head weight is not 8-bit' };
  if (!ws || (matmul.input[3] && !wzp)) return { ok: false, reason: 'the head scale or zero point is not an initializer' };
  const k = Number(w.dims[0]);
  const n = Number(w.dims[1]);
  const data = int8Bytes(w);
  const scale = floats(ws);
  const zeroPoint = wzp ? ints(wzp) : new Int32Array(1);
  if (data.byteLength !== k * n) return { ok: false, reason: 'the head weight has no readable data' };
  if ((scale.length !== 1 && scale.length !== n) || (zeroPoint.length !== 1 && zeroPoint.length !== n)) {
    return { ok: false, reason: 'the head is quantised along an axis Sesame does not read' };
  }
  const weights: Int8HeadWeights = { data, signed: w.dataType === TensorProto_DataType.INT8, k, n, zeroPoint, scale };
  if (bias) {
    weights.bias = floats(bias);
    if (weights.bias.length !== n) return { ok: false, reason: 'the head bias is not one per output' };
  }
  return { ok: true, nodes, input: quant.input[0]!, weights };
}

function int8Bytes(t: TensorProto): Uint8Array {
  if (t.rawData.byteLength) return t.rawData;
  return Uint8Array.from(t.int32Data, (v) => v & 0xff);
}

function ints(t: TensorProto): Int32Array {
  const signed = t.dataType === TensorProto_DataType.INT8;
  if (t.rawData.byteLength) return Int32Array.from(signed ? new Int8Array(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : t.rawData);
  return Int32Array.from(t.int32Data);
}

function floats(t: TensorProto): Float32Array {
  if (t.dataType !== TensorProto_DataType.FLOAT) return new Float32Array(0);
  if (t.rawData.byteLength) return new Float32Array(t.rawData.slice().buffer);
  return Float32Array.from(t.floatData);
}

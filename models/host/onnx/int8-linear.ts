// The q8 exports' dynamically quantised linear layer, found in a parsed ONNX graph and read out
// for Sesame's kernel (int8-kernel.ts): the LM head (head-graph.ts) and a GPT decoder's layers
// (gpt-decoder/gpt2-graph.ts) are all this pattern.
//
//   x ─ DynamicQuantizeLinear ─(xq, xs, xzp)─ MatMulInteger(xq, W, xzp, wzp) ─ Cast ─ Mul ─ [Add bias] ─ y
//                                                    xs · ws ─────────────────────────┘
import { type GraphProto, type NodeProto, type TensorProto, TensorProto_DataType } from 'onnx-buf';
import type { Int8Weights } from '../kernels';

export type { Int8Weights };

export type Refusal = { ok: false; reason: string };

export interface GraphIndex {
  nodes: NodeProto[];
  producer: Map<string, NodeProto>;
  readers: Map<string, NodeProto[]>;
  initializers: Map<string, TensorProto>;
}

export function indexGraph(graph: GraphProto): GraphIndex {
  const producer = new Map(graph.node.flatMap((n) => n.output.map((o) => [o, n] as const)));
  const readers = new Map<string, NodeProto[]>();
  for (const node of graph.node) {
    for (const i of node.input) {
      const list = readers.get(i);
      if (list) list.push(node);
      else readers.set(i, [node]);
    }
  }
  return { nodes: graph.node, producer, readers, initializers: new Map(graph.initializer.map((t) => [t.name, t])) };
}

export interface Int8Linear {
  ok: true;
  /** The pattern's nodes, input side first. */
  nodes: NodeProto[];
  /** The float tensor the layer reads. */
  input: string;
  weights: Int8Weights;
}

/** The q8 linear layer that makes tensor `output` (`what` names it in the reasons), or why it is not one. */
export function int8LinearMaking(g: GraphIndex, output: string, what: string): Int8Linear | Refusal {
  const made = (name: string | undefined, op: string) => {
    const node = name === undefined ? undefined : g.producer.get(name);
    return node?.opType === op ? node : undefined;
  };
  const biasAdd = made(output, 'Add');
  const bias = biasAdd?.input.map((i) => g.initializers.get(i)).find((t) => t?.dims.length === 1);
  const out = biasAdd ? biasAdd.input.map((i) => made(i, 'Mul')).find(Boolean) : made(output, 'Mul');
  if (!out || (biasAdd && !bias)) return refuse(`${what} is not made by the q8 pattern (${g.producer.get(output)?.opType ?? 'no producer'})`);
  const cast = out.input.map((i) => made(i, 'Cast')).find(Boolean);
  const scales = out.input.map((i) => made(i, 'Mul')).find(Boolean);
  const matmul = made(cast?.input[0], 'MatMulInteger');
  const quant = made(matmul?.input[0], 'DynamicQuantizeLinear');
  if (!cast || !scales || !matmul || !quant) return refuse(`${what} is not made by DynamicQuantizeLinear + MatMulInteger (not q8)`);
  if (matmul.input[2] !== quant.output[2] || !scales.input.includes(quant.output[1]!)) return refuse(`${what} does not use its own quantisation`);
  const nodes = [quant, matmul, cast, scales, out, ...(biasAdd ? [biasAdd] : [])];
  const w = g.initializers.get(matmul.input[1] ?? '');
  const wzp = matmul.input[3] ? g.initializers.get(matmul.input[3]) : undefined;
  const ws = g.initializers.get(scales.input.find((i) => i !== quant.output[1]) ?? '');
  if (w?.dims.length !== 2) return refuse(`the ${what} weight is not a 2-D initializer`);
  if (w.dataType !== TensorProto_DataType.INT8 && w.dataType !== TensorProto_DataType.UINT8) return refuse(`the ${what} weight is not 8-bit`);
  if (!ws || (matmul.input[3] && !wzp)) return refuse(`the ${what} scale or zero point is not an initializer`);
  const k = Number(w.dims[0]);
  const n = Number(w.dims[1]);
  const data = int8Bytes(w);
  const scale = floats(ws);
  const zeroPoint = wzp ? ints(wzp) : new Int32Array(1);
  if (data.byteLength !== k * n) return refuse(`the ${what} weight has no readable data`);
  if ((scale.length !== 1 && scale.length !== n) || (zeroPoint.length !== 1 && zeroPoint.length !== n)) {
    return refuse(`the ${what} is quantised along an axis Sesame does not read`);
  }
  const weights: Int8Weights = { data, signed: w.dataType === TensorProto_DataType.INT8, k, n, zeroPoint, scale };
  if (bias) {
    weights.bias = floats(bias);
    if (weights.bias.length !== n) return refuse(`the ${what} bias is not one per output`);
  }
  return { ok: true, nodes, input: quant.input[0]!, weights };
}

export function refuse(reason: string): Refusal {
  return { ok: false, reason };
}

export function int8Bytes(t: TensorProto): Uint8Array {
  if (t.rawData.byteLength) return t.rawData;
  return Uint8Array.from(t.int32Data, (v) => v & 0xff);
}

/** An integer initializer's values (int8, uint8, int32 or int64 data). */
export function ints(t: TensorProto): Int32Array {
  const signed = t.dataType === TensorProto_DataType.INT8;
  if (t.rawData.byteLength) return Int32Array.from(signed ? new Int8Array(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength) : t.rawData);
  return Int32Array.from(t.int32Data);
}

/** A float32 initializer's values (empty for any other type). */
export function floats(t: TensorProto): Float32Array {
  if (t.dataType !== TensorProto_DataType.FLOAT) return new Float32Array(0);
  if (t.rawData.byteLength) return new Float32Array(t.rawData.slice().buffer);
  return Float32Array.from(t.floatData);
}

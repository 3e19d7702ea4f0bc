// An LM head tied to the word embeddings, as the hub's exports have it: optimum (≥ 1.13)
// de-duplicates the tied weight, so the head is a MatMul on Transpose(embedding table), and
// onnxruntime's quantizer (MatMulConstBOnly) leaves that MatMul in float32 while it quantises the
// table for the embedding's Gather — so the q8 head reads the shared 8-bit table through
// DequantizeLinear:
//
//   table (uint8 [n][k]) ─ Transpose ─ DequantizeLinear(scale, zero point) ─┐
//   x ───────────────────────────────────────────────────────────────────── MatMul ─ [Add bias] ─ logits
//
// Found here and read out as Int8Weights over the table's own bytes, laid out [n][k] (`nk`), for
// Sesame's kernel (int8-kernel.ts, `floatInput`): 38.6 MB a step for GPT-2 instead of the graph
// dequantising 154 MB of float32 each step. The fp32 files' tied head (MatMul on
// Transpose(float table)) is recognised and refused with its reason: Sesame quantises no weights
// of its own, so a float head stays in the graph.
import { type NodeProto, TensorProto_DataType } from 'onnx-buf';
import { floats, type GraphIndex, type Int8Linear, int8Bytes, type Int8Weights, ints, type Refusal, refuse } from './int8-linear';

/** The tied q8 head that makes tensor `output` (`what` names it in the reasons), or why it is not one. */
export function tiedHeadMaking(g: GraphIndex, output: string, what: string): Int8Linear | Refusal {
  const made = (name: string | undefined, op: string): NodeProto | undefined => {
    const node = name === undefined ? undefined : g.producer.get(name);
    return node?.opType === op ? node : undefined;
  };
  const biasAdd = made(output, 'Add');
  const bias = biasAdd?.input.map((i) => g.initializers.get(i)).find((t) => t?.dims.length === 1);
  const matmul = biasAdd ? biasAdd.input.map((i) => made(i, 'MatMul')).find(Boolean) : made(output, 'MatMul');
  if (!matmul || (biasAdd && !bias)) return refuse(`${what} is not a MatMul (${g.producer.get(output)?.opType ?? 'no producer'})`);
  const dequantize = made(matmul.input[1], 'DequantizeLinear');
  const transpose = made(dequantize ? dequantize.input[0] : matmul.input[1], 'Transpose');
  if (!transpose)
    return refuse(`${what} is a MatMul on ${g.producer.get(matmul.input[1] ?? '')?.opType ?? 'an initializer'}, not on a transposed embedding table`);
  const perm = transpose.attribute.find((a) => a.name === 'perm')?.ints.map(Number);
  if (perm && !(perm.length === 2 && perm[0] === 1 && perm[1] === 0)) return refuse(`${what} reads a Transpose that is not [1, 0]`);
  const table = g.initializers.get(transpose.input[0] ?? '');
  if (table?.dims.length !== 2) return refuse(`${what} transposes no 2-D initializer`);
  if (!dequantize) return refuse(`${what} is tied to the float32 table ${table.name} (Sesame's kernel reads 8-bit tables)`);
  if (table.dataType !== TensorProto_DataType.INT8 && table.dataType !== TensorProto_DataType.UINT8) return refuse(`the table ${table.name} is not 8-bit`);
  // Read elsewhere is expected: the embedding's Gather shares the table. Not so the nodes removed with the head.
  const scale = g.initializers.get(dequantize.input[1] ?? '');
  const zero = dequantize.input[2] ? g.initializers.get(dequantize.input[2]) : undefined;
  if (!scale || (dequantize.input[2] && !zero)) return refuse(`the ${what} scale or zero point is not an initializer`);
  const n = Number(table.dims[0]);
  const k = Number(table.dims[1]);
  const data = int8Bytes(table);
  const s = floats(scale);
  const z = zero ? ints(zero) : new Int32Array(1);
  if (data.byteLength !== n * k) return refuse(`the table ${table.name} has no readable data`);
  // DequantizeLinear's default axis (1) of the transposed [k][n] table is the output: one scale, or one per output.
  const axis = Number(dequantize.attribute.find((a) => a.name === 'axis')?.i ?? 1n);
  if (s.length !== 1 && !(s.length === n && axis === 1)) return refuse(`the table ${table.name} is quantised along an axis Sesame does not read`);
  if (z.length !== 1 && z.length !== s.length) return refuse(`the table ${table.name} has ${z.length} zero points for ${s.length} scales`);
  const weights: Int8Weights = {
    data,
    signed: table.dataType === TensorProto_DataType.INT8,
    k,
    n,
    zeroPoint: z,
    scale: s,
    layout: 'nk',
    floatInput: true,
    tiedTo: table.name,
  };
  if (bias) {
    weights.bias = floats(bias);
    if (weights.bias.length !== n) return refuse(`the ${what} bias is not one per output`);
  }
  const nodes = [transpose, dequantize, matmul, ...(biasAdd ? [biasAdd] : [])];
  return { ok: true, nodes, input: matmul.input[0]!, weights };
}

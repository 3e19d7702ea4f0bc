// The tied LM head (models/host/onnx/tied-head.ts): recognising MatMul over
// DequantizeLinear(Transpose(8-bit table)) in a graph, refusing what Sesame does not read (with
// the reason), and the kernel's float-input mode over a table laid out [n][k], against a
// double-precision reference of the graph's float product with a stated error bound.
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { type GraphProto, GraphProtoSchema, ModelProtoSchema, type NodeProtoSchema, TensorProto_DataType } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { indexGraph, type Int8Weights } from '@/models/host/onnx/int8-linear';
import { floatInputLevels, Int8Kernel } from '@/models/host/kernels/int8-kernel';
import { tiedHeadMaking } from '@/models/host/onnx/tied-head';
import { randomWeights, seeded } from '../../../support/int8-weights';

const K = 40;
const N = 37;
const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);

interface Options {
  /** The table's element type. */
  type?: TensorProto_DataType;
  perm?: number[];
  /** Scales of DequantizeLinear (1, or N per output). */
  scales?: number;
  axis?: number;
  bias?: boolean;
  /** No DequantizeLinear: a float table (the fp32 and q4 files). */
  float?: boolean;
}

/** A graph shaped like the hub's tied q8 export: Gather(table) for the embedding, the head over the same table. */
function tiedGraph(o: Options = {}): GraphProto {
  const random = seeded(3);
  const type = o.float ? TensorProto_DataType.FLOAT : (o.type ?? TensorProto_DataType.UINT8);
  const tableBytes = o.float ? f32(Array.from({ length: N * K }, () => random() - 0.5)) : Uint8Array.from({ length: N * K }, () => Math.floor(random() * 256));
  const scales = o.scales ?? 1;
  const node: MessageInitShape<typeof NodeProtoSchema>[] = [
    { name: '/wte/Gather', opType: 'Gather', input: ['wte_q', 'ids'], output: ['emb_q'] },
    {
      name: '/lm_head/Transpose',
      opType: 'Transpose',
      input: ['wte_q'],
      output: ['wte_t'],
      attribute: o.perm ? [{ name: 'perm', ints: o.perm.map(BigInt) }] : [],
    },
  ];
  let b = 'wte_t';
  if (!o.float) {
    node.push({
      name: '/lm_head/DequantizeLinear',
      opType: 'DequantizeLinear',
      input: ['wte_t', 'wte_scale', 'wte_zp'],
      output: ['wte_f'],
      attribute: o.axis === undefined ? [] : [{ name: 'axis', i: BigInt(o.axis) }],
    });
    b = 'wte_f';
  }
  node.push({ name: '/lm_head/MatMul', opType: 'MatMul', input: ['x', b], output: [o.bias ? 'mm' : 'logits'] });
  if (o.bias) node.push({ name: '/lm_head/Add', opType: 'Add', input: ['bias', 'mm'], output: ['logits'] });
  return create(GraphProtoSchema, {
    name: 'tied',
    node,
    initializer: [
      { name: 'wte_q', dataType: type, dims: [BigInt(N), BigInt(K)], rawData: tableBytes },
      {
        name: 'wte_scale',
        dataType: TensorProto_DataType.FLOAT,
        dims: scales > 1 ? [BigInt(scales)] : [],
        rawData: f32(Array.from({ length: scales }, (_, j) => 0.01 + j * 1e-4)),
      },
      {
        name: 'wte_zp',
        dataType: type === TensorProto_DataType.FLOAT ? TensorProto_DataType.UINT8 : type,
        dims: scales > 1 ? [BigInt(scales)] : [],
        rawData: Uint8Array.from({ length: scales }, (_, j) => 120 + (j % 7)),
      },
      ...(o.bias ? [{ name: 'bias', dataType: TensorProto_DataType.FLOAT, dims: [BigInt(N)], rawData: f32(Array.from({ length: N }, (_, j) => j / N)) }] : []),
    ],
    input: [{ name: 'ids' }, { name: 'x' }],
    output: [{ name: 'logits' }, { name: 'emb_q' }],
  });
}

describe('recognising a tied head', () => {
  it("reads MatMul(x, DequantizeLinear(Transpose(uint8 table))) + bias as the table's own [n][k] bytes", () => {
    const graph = tiedGraph({ bias: true, perm: [1, 0] });
    const found = tiedHeadMaking(indexGraph(graph), 'logits', 'head');
    if (!found.ok) throw new Error(found.reason);
    expect(found.input).toBe('x');
    expect(found.nodes.map((n) => n.opType)).toEqual(['Transpose', 'DequantizeLinear', 'MatMul', 'Add']);
    expect(found.weights).toMatchObject({ k: K, n: N, signed: false, layout: 'nk', floatInput: true, tiedTo: 'wte_q' });
    expect(found.weights.data).toBe(graph.initializer[0]!.rawData);
    expect(Array.from(found.weights.zeroPoint)).toEqual([120]);
    expect(found.weights.bias).toHaveLength(N);
  });

  it('takes int8 tables and one scale per output (DequantizeLinear axis 1 of the transposed table)', () => {
    const found = tiedHeadMaking(indexGraph(tiedGraph({ type: TensorProto_DataType.INT8, scales: N, axis: 1 })), 'logits', 'head');
    if (!found.ok) throw new Error(found.reason);
    expect(found.weights).toMatchObject({ signed: true, layout: 'nk' });
    expect(found.weights.scale).toHaveLength(N);
    expect(found.weights.zeroPoint).toHaveLength(N);
  });

  it('refuses what it does not read, saying why', () => {
    const reason = (o: Options) => {
      const r = tiedHeadMaking(indexGraph(tiedGraph(o)), 'logits', 'head');
      return r.ok ? 'ok' : r.reason;
    };
    expect(reason({ float: true })).toBe("head is tied to the float32 table wte_q (Sesame's kernel reads 8-bit tables)");
    expect(reason({ perm: [0, 1] })).toMatch(/Transpose that is not \[1, 0\]/);
    expect(reason({ scales: N, axis: 0 })).toMatch(/quantised along an axis Sesame does not read/);
    expect(reason({ type: TensorProto_DataType.INT32 })).toMatch(/not 8-bit/);
    const untied = tiedGraph();
    untied.node = untied.node.filter((n) => n.opType !== 'Transpose' && n.opType !== 'DequantizeLinear');
    untied.node.find((n) => n.opType === 'MatMul')!.input[1] = 'wte_q';
    const r = tiedHeadMaking(indexGraph(untied), 'logits', 'head');
    expect(r).toMatchObject({ ok: false, reason: 'head is a MatMul on an initializer, not on a transposed embedding table' });
  });

  it("detaches it from a model: the head's nodes go, the table stays for the Gather, the head input comes out", () => {
    const graph = tiedGraph({ bias: true });
    const bytes = toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, graph }));
    const detached = detachHead(bytes);
    if (!detached.ok) throw new Error(detached.reason);
    const after = fromBinary(ModelProtoSchema, detached.bytes).graph!;
    expect(after.node.map((n) => n.opType)).toEqual(['Gather', 'Identity']);
    // The scale and zero point were the head's alone here (no DequantizeLinear after this Gather), the bias too.
    expect(after.initializer.map((t) => t.name)).toEqual(['wte_q']);
    expect(after.output.map((o) => o.name)).toEqual(['emb_q', HEAD_INPUT]);
    expect(detached.weights.tiedTo).toBe('wte_q');
  });

  it('refuses a graph with neither head, giving both reasons', () => {
    const graph = tiedGraph({ float: true });
    const detached = detachHead(toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, graph })));
    expect(detached).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^head is not made by the q8 pattern \(MatMul\); head is tied to the float32 table wte_q/),
    });
  });
});

describe('the kernel over a tied table (float input)', () => {
  /** The graph's float product in double precision: x · (scale·(w − zp))ᵀ + bias, w read as [n][k]. */
  function reference(w: Int8Weights, x: Float32Array): { out: Float64Array; bound: Float64Array } {
    const out = new Float64Array(w.n);
    const bound = new Float64Array(w.n);
    let max = 0;
    for (const v of x) max = Math.max(max, Math.abs(v));
    const half = max / floatInputLevels(w.k) / 2;
    for (let j = 0; j < w.n; j++) {
      const zp = w.zeroPoint[w.zeroPoint.length > 1 ? j : 0]!;
      const s = w.scale[w.scale.length > 1 ? j : 0]!;
      let acc = 0;
      let abs = 0;
      for (let i = 0; i < w.k; i++) {
        const byte = w.data[j * w.k + i]!;
        const value = s * ((w.signed ? (byte << 24) >> 24 : byte) - zp);
        acc += x[i]! * value;
        abs += Math.abs(value);
      }
      out[j] = acc + (w.bias?.[j] ?? 0);
      // Rounding each input to half a level, plus float32 rounding of the result.
      bound[j] = half * abs + 2 * Math.abs(out[j]!) * 2 ** -24 + 1e-7;
    }
    return { out, bound };
  }

  it('uses as many input levels as keep the i32 sums exact', () => {
    expect(floatInputLevels(768)).toBe(21845);
    expect(floatInputLevels(3072)).toBe(5461);
    expect(floatInputLevels(32)).toBe(32767);
    for (const k of [32, 768, 1024, 3072]) expect(k * floatInputLevels(k) * 128).toBeLessThan(2 ** 31);
  });

  it.each([
    { signed: false, perColumn: false, bias: true },
    { signed: true, perColumn: true, bias: false },
  ])('signed $signed, per column $perColumn, bias $bias: within the rounding bound of the float product', ({ signed, perColumn, bias }) => {
    const w: Int8Weights = { ...randomWeights(K, N, signed, perColumn, bias), layout: 'nk', floatInput: true, tiedTo: 't' };
    const head = Int8Kernel.of(w);
    expect(head.exact).toBe(false);
    const random = seeded(11);
    const hidden = Float32Array.from({ length: 3 * K }, () => (random() - 0.4) * 6);
    for (let row = 0; row < 3; row++) {
      const got = head.logits(hidden, row);
      const { out, bound } = reference(w, hidden.subarray(row * K, (row + 1) * K));
      for (let j = 0; j < N; j++) expect(Math.abs(got[j]! - out[j]!)).toBeLessThanOrEqual(bound[j]!);
    }
  });

  it('reads an [n][k] table as the [k][n] matrix it transposes (the q8 path, bit for bit)', () => {
    const kn = randomWeights(K, N, false, true, true);
    const nk = new Uint8Array(K * N);
    for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) nk[j * K + i] = kn.data[i * N + j]!;
    const a = Int8Kernel.of(kn);
    const b = Int8Kernel.of({ ...kn, data: nk, layout: 'nk' });
    const random = seeded(5);
    const hidden = Float32Array.from({ length: K }, () => random() - 0.5);
    expect(Array.from(b.apply(hidden))).toEqual(Array.from(a.apply(hidden)));
    expect(a.exact).toBe(true);
  });
});

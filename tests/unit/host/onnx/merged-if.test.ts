// The LM head inside optimum's legacy merged decoder (models/host/onnx/merged-if.ts and
// head-graph.ts): a synthetic merged graph, one If on use_cache_branch whose branches differ before
// the head (as the hub file's with-past and no-past branches do) and read the top-level
// initializers. The head must be found in both branches, cut from both consistently, and refused
// with its reason when the branches disagree.
import { create, fromBinary, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import { type GraphProto, GraphProtoSchema, ModelProtoSchema, type NodeProtoSchema, TensorProto_DataType } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { branchesOf, mergedHeadIf, sameWeights, subgraphReads, withPastView } from '@/models/host/onnx/merged-if';
import { randomWeights } from '../../../support/int8-weights';

const K = 8;
const N = 11;
const f32 = (v: number[]) => new Uint8Array(Float32Array.from(v).buffer);
type Node = MessageInitShape<typeof NodeProtoSchema>;

/** The q8 head (DynamicQuantizeLinear + MatMulInteger + Cast + scale) from `x` to `logits`, over weight `w`. */
function head(x: string, w = 'W', prefix = ''): Node[] {
  return [
    { name: `${prefix}/lm_head/DQL`, opType: 'DynamicQuantizeLinear', input: [x], output: ['xq', 'xs', 'xzp'] },
    { name: `${prefix}/lm_head/MatMulInteger`, opType: 'MatMulInteger', input: ['xq', w, 'xzp', `${w}_zp`], output: ['mmi'] },
    { name: `${prefix}/lm_head/Cast`, opType: 'Cast', input: ['mmi'], output: ['mmf'], attribute: [{ name: 'to', i: 1n }] },
    { name: `${prefix}/lm_head/Scales`, opType: 'Mul', input: ['xs', `${w}_scale`], output: ['s'] },
    { name: `${prefix}/lm_head/Out`, opType: 'Mul', input: ['mmf', 's'], output: ['logits'] },
  ];
}

interface Options {
  /** The else branch's head weight (another initializer: refused). */
  elseWeight?: string;
  /** The else branch's logits also read by another node. */
  elseLogitsRead?: boolean;
  /** The else branch's head is a float MatMul. */
  elseFloat?: boolean;
  /** The branches output `logits` as the head makes it, with no Identity after it. */
  direct?: boolean;
  /** A top-level node after the If reads its logits. */
  topRead?: boolean;
}

/** Top level: inputs x0, past, use_cache_branch; one If; outputs logits, present. */
function mergedModel(o: Options = {}): Uint8Array {
  const branch = (name: string, pre: Node[], tail: Node[], present: string): MessageInitShape<typeof GraphProtoSchema> => ({
    name,
    node: [
      ...pre,
      ...tail,
      ...(o.direct ? [] : [{ name: `/${name}/logits`, opType: 'Identity', input: ['logits'], output: [`logits_${name}`] }]),
      { name: `/${name}/present`, opType: 'Identity', input: [present], output: [`present_${name}`] },
    ],
    output: [{ name: o.direct ? 'logits' : `logits_${name}` }, { name: `present_${name}` }],
  });
  // with past: the embedding reads the top-level table, then concatenates the past.
  const then = branch(
    'then_branch',
    [
      { name: '/wte/Gather', opType: 'Gather', input: ['table', 'ids'], output: ['e'] },
      { name: '/then/Concat', opType: 'Concat', input: ['past', 'e'], output: ['kv'], attribute: [{ name: 'axis', i: 0n }] },
      { name: '/then/Relu', opType: 'Relu', input: ['e'], output: ['x'] },
    ],
    head('x'),
    'kv',
  );
  // without past: no past read, other nodes before the head.
  const elseTail = o.elseFloat ? [{ name: '/else/MatMul', opType: 'MatMul', input: ['x', 'Wf'], output: ['logits'] }] : head('x', o.elseWeight ?? 'W', '/else');
  const other: Node[] = o.elseLogitsRead ? [{ name: '/else/Peek', opType: 'Identity', input: ['logits'], output: ['peek'] }] : [];
  const otherwise = branch(
    'else_branch',
    [
      { name: '/wte/Gather', opType: 'Gather', input: ['table', 'ids'], output: ['e'] },
      { name: '/else/Neg', opType: 'Neg', input: ['e'], output: ['x'] },
    ],
    [...elseTail, ...other],
    'e',
  );
  const w = randomWeights(K, N, true, false, false, 5);
  const w2 = randomWeights(K, N, true, false, false, 6);
  const weight = (name: string, data: Uint8Array) => [
    { name, dataType: TensorProto_DataType.INT8, dims: [BigInt(K), BigInt(N)], rawData: Uint8Array.from(data) },
    { name: `${name}_scale`, dataType: TensorProto_DataType.FLOAT, dims: [], rawData: f32([0.01]) },
    { name: `${name}_zp`, dataType: TensorProto_DataType.INT8, dims: [], rawData: Uint8Array.from([0]) },
  ];
  const peek: Node[] = o.topRead ? [{ name: '/peek', opType: 'Identity', input: ['logits'], output: ['peek'] }] : [];
  const graph = create(GraphProtoSchema, {
    name: 'merged',
    node: [
      {
        name: 'optimum::if',
        opType: 'If',
        input: ['use_cache_branch'],
        output: ['logits', 'present'],
        attribute: [
          { name: 'then_branch', type: 5, g: then },
          { name: 'else_branch', type: 5, g: otherwise },
        ],
      },
      ...peek,
    ],
    initializer: [
      { name: 'table', dataType: TensorProto_DataType.FLOAT, dims: [3n, BigInt(K)], rawData: f32(Array.from({ length: 3 * K }, (_, i) => i)) },
      ...weight('W', w.data),
      ...weight('W2', w2.data),
      { name: 'Wf', dataType: TensorProto_DataType.FLOAT, dims: [BigInt(K), BigInt(N)], rawData: f32(Array.from({ length: K * N }, () => 0)) },
    ],
    input: [
      {
        name: 'ids',
        type: {
          value: {
            case: 'tensorType',
            value: {
              elemType: TensorProto_DataType.INT64,
              shape: { dim: [{ value: { case: 'dimParam', value: 'batch_size' } }, { value: { case: 'dimParam', value: 'sequence_length' } }] },
            },
          },
        },
      },
      { name: 'past' },
      { name: 'use_cache_branch' },
    ],
    output: [{ name: 'logits' }, { name: 'present' }],
  });
  return toBinary(ModelProtoSchema, create(ModelProtoSchema, { irVersion: 8n, graph }));
}

const graphOf = (bytes: Uint8Array): GraphProto => fromBinary(ModelProtoSchema, bytes).graph!;

describe('finding the If and its branches', () => {
  it('finds the If that makes logits, its two branches, and views a branch over the top-level initializers', () => {
    const graph = graphOf(mergedModel());
    const found = mergedHeadIf(graph, 'logits');
    expect(found).toMatchObject({ index: 0 });
    expect(found!.node.opType).toBe('If');
    expect(mergedHeadIf(graph, 'present')).toMatchObject({ index: 1 });
    const branches = branchesOf(found!.node);
    expect(branches.map((b) => b.name)).toEqual(['then_branch', 'else_branch']);
    const view = withPastView(graph, branches[0]!.graph);
    expect(view.node).toBe(branches[0]!.graph.node);
    expect(view.initializer).toBe(graph.initializer);
    expect(view.input).toBe(graph.input);
  });

  it('is not fooled by a flat graph: logits made by another op', () => {
    const flat = create(GraphProtoSchema, { node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['logits'] }] });
    expect(mergedHeadIf(flat, 'logits')).toBeUndefined();
  });

  it('lists the names a node reads inside its subgraphs (the outer-scope initializers an If reads)', () => {
    const graph = graphOf(mergedModel());
    const reads = subgraphReads(graph.node);
    for (const name of ['use_cache_branch', 'table', 'W', 'W_scale', 'W_zp', 'past', 'ids']) expect(reads.has(name)).toBe(true);
    expect(reads.has('W2')).toBe(false);
  });

  it("compares two heads' weights by value", () => {
    const a = randomWeights(K, N, true, true, true, 1);
    const copy = { ...a, data: a.data.slice(), scale: a.scale.slice(), zeroPoint: a.zeroPoint.slice(), bias: a.bias!.slice() };
    expect(sameWeights(a, a)).toBe(true);
    expect(sameWeights(a, copy)).toBe(true);
    expect(sameWeights(a, { ...copy, scale: copy.scale.map((s, i) => (i ? s : s * 2)) })).toBe(false);
    expect(sameWeights(a, { ...copy, bias: undefined })).toBe(false);
    expect(sameWeights(a, randomWeights(K, N, true, true, true, 2))).toBe(false);
    expect(sameWeights(a, { ...copy, tiedTo: 'table' })).toBe(false);
  });
});

describe('cutting the head out of both branches', () => {
  it("removes it from both, ends each branch at its head input, and keeps the If's inputs and other outputs", () => {
    const bytes = mergedModel();
    const detached = detachHead(bytes);
    if (!detached.ok) throw new Error(detached.reason);
    expect(detached.where).toBe("cut from both branches (then_branch, else_branch) of the legacy merged decoder's If");
    expect(detached.weights).toMatchObject({ k: K, n: N, signed: true });
    expect(detached.weights.data).toEqual(graphOf(bytes).initializer.find((t) => t.name === 'W')!.rawData);
    const after = graphOf(detached.bytes);
    expect(after.node).toHaveLength(1);
    const ifNode = after.node[0]!;
    expect(ifNode).toMatchObject({ opType: 'If', input: ['use_cache_branch'], output: [HEAD_INPUT, 'present'] });
    for (const a of ifNode.attribute) {
      const g = a.g!;
      expect(g.output.map((o) => o.name)).toEqual([`${HEAD_INPUT}_${a.name}`, `present_${a.name}`]);
      expect(g.node.filter((n) => /\/lm_head\/|\/logits$/.test(n.name))).toEqual([]);
      const last = g.node.find((n) => n.output.includes(`${HEAD_INPUT}_${a.name}`))!;
      expect(last).toMatchObject({ opType: 'Identity', input: ['x'] });
      // The new output is float [batch, sequence, K], as the flat surgery declares it.
      const type = g.output[0]!.type!.value;
      expect(type.case === 'tensorType' && type.value.shape!.dim.map((d) => d.value.value)).toEqual(['batch_size', 'sequence_length', BigInt(K)]);
    }
    expect(after.output.map((o) => o.name).sort()).toEqual([HEAD_INPUT, 'present']);
    // The head's weights go; the table the branches' Gathers read stays (and the unread W2, Wf go too).
    expect(after.initializer.map((t) => t.name)).toEqual(['table']);
    expect(after.input.map((i) => i.name)).toEqual(['ids', 'past', 'use_cache_branch']);
    // The layers are read from the with-past branch.
    expect(detached.graph.node.some((n) => n.name === '/then/Concat')).toBe(true);
    expect(detachHead(detached.bytes)).toMatchObject({ ok: false, reason: 'the head is already detached' });
  });

  it("takes branches that output the head's logits directly (no Identity after the head)", () => {
    const detached = detachHead(mergedModel({ direct: true }));
    if (!detached.ok) throw new Error(detached.reason);
    const ifNode = graphOf(detached.bytes).node[0]!;
    expect(ifNode.output).toEqual([HEAD_INPUT, 'present']);
    for (const a of ifNode.attribute) {
      expect(a.g!.output[0]!.name).toBe(`${HEAD_INPUT}_${a.name}`);
      expect(a.g!.node.some((n) => n.output.includes('logits'))).toBe(false);
    }
  });

  it('refuses branches whose heads read different weights', () => {
    expect(detachHead(mergedModel({ elseWeight: 'W2' }))).toEqual({
      ok: false,
      reason: "the merged decoder's then_branch and else_branch heads read different weights",
    });
  });

  it('refuses an If whose logits are read by another top-level node', () => {
    expect(detachHead(mergedModel({ topRead: true }))).toEqual({ ok: false, reason: "logits of the merged decoder's If is read by other nodes" });
  });

  it('refuses a branch whose logits are read by another node', () => {
    expect(detachHead(mergedModel({ elseLogitsRead: true }))).toEqual({ ok: false, reason: 'logits is read elsewhere in the else_branch' });
  });

  it('refuses a branch whose head is not one Sesame reads, naming the branch', () => {
    expect(detachHead(mergedModel({ elseFloat: true }))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^head \(else_branch of the merged decoder's If\) is not made by the q8 pattern \(MatMul\)/),
    });
  });
});

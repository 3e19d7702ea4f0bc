// Removing graph fields at the wire level keeps every other byte and parses like the re-encoded graph.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { describe, expect, it } from 'vitest';
import { spliceGraph } from '@/models/host/onnx/graph-splice';

const model = (names: string[], extra: Record<string, unknown> = {}) =>
  toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 8n,
      producerName: 'test',
      graph: {
        name: 'g',
        node: names.map((n) => ({ name: n, opType: 'Relu', input: [`${n}_in`], output: [`${n}_out`] })),
        initializer: names.map((n) => ({ name: `${n}_w`, dims: [300n], rawData: new Uint8Array(300).fill(7) })),
        output: names.map((n) => ({ name: `${n}_out` })),
      },
      ...extra,
    }),
  );

describe('spliceGraph', () => {
  it('drops the chosen nodes, initializers and outputs, keeps the rest, and merges the appended graph', () => {
    const bytes = model(['a', 'b', 'c', 'd']);
    const tail = toBinary(ModelProtoSchema, create(ModelProtoSchema, { graph: { node: [{ name: 'z', opType: 'Identity' }], output: [{ name: 'z_out' }] } }));
    const out = spliceGraph(bytes, { node: new Set([1, 3]), initializer: new Set([0]), output: new Set([2]) }, tail);
    const parsed = fromBinary(ModelProtoSchema, out);
    expect(parsed.producerName).toBe('test');
    expect(parsed.graph!.name).toBe('g');
    expect(parsed.graph!.node.map((n) => n.name)).toEqual(['a', 'c', 'z']);
    expect(parsed.graph!.initializer.map((t) => t.name)).toEqual(['b_w', 'c_w', 'd_w']);
    expect(parsed.graph!.initializer[0]!.rawData).toEqual(new Uint8Array(300).fill(7));
    expect(parsed.graph!.output.map((o) => o.name)).toEqual(['a_out', 'b_out', 'd_out', 'z_out']);
    // Nothing dropped, nothing appended: the same bytes.
    expect(spliceGraph(bytes, {}, new Uint8Array(0))).toEqual(bytes);
  });

  it('refuses a model whose graph comes in two parts, and bytes that are not protobuf', () => {
    const twice = new Uint8Array([...model(['a']), ...model(['b'])]);
    expect(() => spliceGraph(twice, {}, new Uint8Array(0))).toThrow(/one graph/);
    expect(() => spliceGraph(new Uint8Array([0x3a, 0xff]), {}, new Uint8Array(0))).toThrow();
  });
});

// optimum's legacy merged decoder made out of a flat GPT-2 export, for tests: one If on
// `use_cache_branch` whose then_branch is the with-past graph and whose else_branch is a graph
// without past (the past inputs are not read: each is replaced by an empty Constant, so its nodes
// and reads differ from the then_branch's as in the hub's `decoder_model_merged*.onnx`), the
// initializers left at the top level for both, each branch ending in Identity(out) → out_<branch>.
// The older exports' untied int8 head (`tiny-gpt2`) merged this way is the legacy file Sesame's
// exact q8 kernel reads.
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  type NodeProto,
  NodeProtoSchema,
  TensorProto_DataType,
  ValueInfoProtoSchema,
} from 'onnx-buf';

export function mergeDecoder(flat: Uint8Array, pastShape: { heads: number; headSize: number }): Uint8Array {
  const model = fromBinary(ModelProtoSchema, flat);
  const g = model.graph!;
  const past = g.input.filter((i) => i.name.startsWith('past_key_values.')).map((i) => i.name);
  const branch = (name: 'then_branch' | 'else_branch') => {
    const rename = new Map(name === 'else_branch' ? past.map((p) => [p, `${p}/empty`] as const) : []);
    const nodes: NodeProto[] = [...rename].map(([, empty]) =>
      create(NodeProtoSchema, {
        name: `/${name}/${empty}`,
        opType: 'Constant',
        output: [empty],
        attribute: [
          create(AttributeProtoSchema, {
            name: 'value',
            type: AttributeProto_AttributeType.TENSOR,
            t: { name: empty, dataType: TensorProto_DataType.FLOAT, dims: [1n, BigInt(pastShape.heads), 0n, BigInt(pastShape.headSize)] },
          }),
        ],
      }),
    );
    for (const n of g.node) nodes.push(create(NodeProtoSchema, { ...n, input: n.input.map((i) => rename.get(i) ?? i) }));
    for (const o of g.output)
      nodes.push(create(NodeProtoSchema, { name: `/${name}/${o.name}`, opType: 'Identity', input: [o.name], output: [`${o.name}_${name}`] }));
    return create(GraphProtoSchema, { name, node: nodes, output: g.output.map((o) => create(ValueInfoProtoSchema, { ...o, name: `${o.name}_${name}` })) });
  };
  const node = create(NodeProtoSchema, {
    name: 'optimum::if',
    opType: 'If',
    input: ['use_cache_branch'],
    output: g.output.map((o) => o.name),
    attribute: (['then_branch', 'else_branch'] as const).map((name) =>
      create(AttributeProtoSchema, { name, type: AttributeProto_AttributeType.GRAPH, g: branch(name) }),
    ),
  });
  g.node = [node];
  g.valueInfo = [];
  g.input.push(
    create(ValueInfoProtoSchema, {
      name: 'use_cache_branch',
      type: { value: { case: 'tensorType', value: { elemType: TensorProto_DataType.BOOL, shape: { dim: [{ value: { case: 'dimValue', value: 1n } }] } } } },
    }),
  );
  return toBinary(ModelProtoSchema, model);
}

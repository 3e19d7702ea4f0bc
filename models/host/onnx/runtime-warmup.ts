// The smallest model onnxruntime takes (one Identity on a float), so a host can start the runtime
// (onnxruntime-web: fetch, compile and instantiate its WebAssembly, start its threads) before a
// model's bytes are read from the cache; see runtime.ts `warmRuntime` (issue #21).
import { create, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataType } from 'onnx-buf';

let bytes: Uint8Array | undefined;

/** One `Identity` node, float [1] in and out, opset 13. */
export function warmupModel(): Uint8Array {
  const value = (name: string) => ({
    name,
    type: {
      value: {
        case: 'tensorType' as const,
        value: { elemType: TensorProto_DataType.FLOAT, shape: { dim: [{ value: { case: 'dimValue' as const, value: 1n } }] } },
      },
    },
  });
  bytes ??= toBinary(
    ModelProtoSchema,
    create(ModelProtoSchema, {
      irVersion: 7n,
      producerName: 'sesame-warmup',
      opsetImport: [{ domain: '', version: 13n }],
      graph: { name: 'warmup', node: [{ opType: 'Identity', input: ['x'], output: ['y'], name: 'id' }], input: [value('x')], output: [value('y')] },
    }),
  );
  return bytes;
}

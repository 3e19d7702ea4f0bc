import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { warmupModel } from '@/models/host/onnx';

describe('warmupModel', () => {
  it('is a model onnxruntime loads and runs (Identity on one float)', async () => {
    const session = await InferenceSession.create(warmupModel());
    expect(session.inputNames).toEqual(['x']);
    const out = await session.run({ x: new Tensor('float32', new Float32Array([2.5]), [1]) });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });
});

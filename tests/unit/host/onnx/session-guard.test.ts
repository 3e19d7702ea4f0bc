// One failed ONNX session must not break every later one: transformers.js chains web session
// creation as `chain = chain.then(load)`, so a rejection sticks. The guard keeps the chain going.
import { describe, expect, it } from 'vitest';
import { guardSessionCreation, sessionFailure } from '@/models/host/onnx/session-guard';

/** onnxruntime's InferenceSession.create, for bytes that are or are not a model. */
const factory = () => ({
  create: async (bytes: string) => {
    if (bytes === 'corrupt') throw new Error("Can't create a session. ERROR_CODE: 7, ERROR_MESSAGE: Failed to load model because protobuf parsing failed.");
    return { inputNames: ['input_ids'], bytes };
  },
});

/** How transformers.js 4.3.1 (web) creates sessions. */
function chained(f: { create: (bytes: string) => Promise<unknown> }) {
  let chain: Promise<unknown> = Promise.resolve();
  return (bytes: string) => (chain = chain.then(() => f.create(bytes)));
}

describe('session creation guard', () => {
  it('without it, one corrupt model breaks every later session (the bug it works around)', async () => {
    const create = chained(factory());
    await expect(create('corrupt')).rejects.toThrow(/protobuf/);
    await expect(create('gpt2')).rejects.toThrow(/protobuf/);
  });

  it('with it, the failure is kept on a stand-in session and the next model loads', async () => {
    const f = factory();
    guardSessionCreation(f);
    guardSessionCreation(f); // once is enough; twice changes nothing
    const create = chained(f);
    const broken = await create('corrupt');
    expect(sessionFailure({ sessions: { model: broken } })?.error).toBeInstanceOf(Error);
    expect(String((sessionFailure({ sessions: { model: broken } })!.error as Error).message)).toMatch(/protobuf/);
    const next = await create('gpt2');
    expect(next).toMatchObject({ bytes: 'gpt2' });
    expect(sessionFailure({ sessions: { model: next } })).toBeNull();
    expect(sessionFailure(null)).toBeNull();
    // The stand-in can be configured and released like a session.
    Object.assign(broken as object, { config: {} });
    await expect((broken as { release(): Promise<void> }).release()).resolves.toBeUndefined();
  });
});

// Sesame's GPT-2 decoding step (models/host/kernels/gpt2-step.ts) against the session it stands in for: read
// from the tiny q8 fixture's graph, one token at a time on top of the session's past, it must
// give the session's logits and keys/values up to float32 rounding, and the host must use it for
// completion only where it was built.
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Gpt2Body, Gpt2Decoder, type Gpt2Config } from '@/models/host/kernels/gpt2-step';
import { readGpt2 } from '@/models/host/onnx/gpt2-graph';
import { KvState } from '@/models/host/kernels/kv-state';
import { loadModel, type LoadedModel } from '@/models/host/lm/loader';
import { detachHead } from '@/models/host/onnx/head-graph';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
import { forward, type PastTensors } from '@/models/host/lm/gpt-step';
import { Tensor } from '@huggingface/transformers';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { nodeThreads, until } from '../../../support/gemv-node-threads';
import { memoryCache, nodeHost } from '../../../support/node-host';
import { changedConfigHub, expectNoSession, relativeError } from '../../../support/kernel-checks';

const ID = 'tiny-gpt2';
const file = (name: string) => new Uint8Array(readFileSync(`.fixtures/hub/sesame-fixtures/${ID}/onnx/${name}`));
const config = JSON.parse(readFileSync(`.fixtures/hub/sesame-fixtures/${ID}/config.json`, 'utf8')) as Gpt2Config & { n_layer: number; n_embd: number };
const graphOf = (bytes: Uint8Array) => fromBinary(ModelProtoSchema, bytes).graph!;

let hub: { url: string; close(): Promise<void> };
beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  nodeHost(hub.url); // points transformers.js at the loopback hub
});
afterAll(async () => {
  await hub?.close();
});

const argmax = (x: Float32Array) => x.reduce((best, v, i) => (v > x[best]! ? i : best), 0);

describe('reading GPT-2 from a q8 graph', () => {
  it('finds every layer with its four int8 linear layers, norms and embeddings', () => {
    const read = readGpt2(graphOf(file('model_quantized.onnx')));
    if (!read.ok) throw new Error(read.reason);
    const { weights } = read;
    const d = config.n_embd;
    expect(weights.width).toBe(d);
    expect(weights.layers).toHaveLength(config.n_layer);
    for (const layer of weights.layers) {
      expect([layer.attn, layer.attnProj, layer.fc, layer.proj].map((w) => [w.k, w.n, w.bias?.length])).toEqual([
        [d, 3 * d, 3 * d],
        [d, d, d],
        [d, 4 * d, 4 * d],
        [4 * d, d, d],
      ]);
      expect(layer.ln1.weight).toHaveLength(d);
    }
    expect(weights.wte).toMatchObject({ kind: 'int8', rows: 50257, width: d });
    expect(weights.wpe).toMatchObject({ kind: 'int8', rows: 1024, width: d });
  });

  it('refuses graphs that are not q8 GPT-2, saying why', () => {
    const fp32 = readGpt2(graphOf(file('model.onnx')));
    expect(fp32).toMatchObject({ ok: false, reason: expect.stringMatching(/has 0 int8 MatMuls/) });
    const bert = readGpt2(graphOf(new Uint8Array(readFileSync('.fixtures/hub/sesame-fixtures/tiny-bert-uncased/onnx/model_quantized.onnx'))));
    expect(bert).toMatchObject({ ok: false, reason: expect.stringMatching(/not a GPT-2 export/) });
  });
});

describe('the decoding step against the session', () => {
  let lm: LoadedModel;
  let decoder: Gpt2Decoder;
  let head: Int8Kernel;
  beforeAll(async () => {
    lm = await loadModel({ id: `sesame-fixtures/${ID}`, family: 'gpt2', dtype: 'q8' }, 'cpu');
    const bytes = file('model_quantized.onnx');
    const detached = detachHead(bytes);
    const read = readGpt2(graphOf(bytes));
    if (!detached.ok || !read.ok) throw new Error('fixture not readable');
    head = Int8Kernel.of(detached.weights);
    decoder = new Gpt2Decoder(new Gpt2Body(read.weights), config);
  }, 60_000);
  afterAll(() => lm?.release());

  it("gives the session's logits and keys/values, step after step, up to float32 rounding", async () => {
    const ids = lm.tokenizer.encode('The river bank was quiet in the early morning, and the fishermen');
    const prompt = await forward(lm, ids, null, 0);
    let graphPast = prompt.past as PastTensors;
    let state = KvState.fromTensors(graphPast, decoder.kvShape);
    expect(state.length).toBe(ids.length);
    let token = argmax(prompt.logits);
    for (let i = 0; i < 12; i++) {
      const graph = await forward(lm, [token], graphPast, ids.length + i);
      const ours = decoder.step(token, state);
      const logits = head.apply(ours.hidden);
      expect(logits).toHaveLength(50257);
      expect(relativeError(graph.logits, logits)).toBeLessThan(1e-5);
      expect(argmax(logits)).toBe(argmax(graph.logits));
      graphPast = graph.past as PastTensors;
      state = ours.past;
      token = argmax(graph.logits);
    }
    const keys = state.toTensors();
    for (const name of Object.keys(graphPast)) {
      expect(keys[name]!.dims).toEqual(graphPast[name]!.dims);
      expect(relativeError(graphPast[name]!.data as Float32Array, keys[name]!.data as Float32Array)).toBeLessThan(1e-5);
    }
  });

  /** A past of no tokens, as the decoder's buffers. */
  const nothing = () => {
    const { layers, heads, headSize } = decoder.kvShape;
    const empty: PastTensors = {};
    for (let l = 0; l < layers; l++) {
      for (const kind of ['key', 'value']) empty[`past_key_values.${l}.${kind}`] = new Tensor('float32', new Float32Array(0), [1, heads, 0, headSize]);
    }
    return KvState.fromTensors(empty, decoder.kvShape);
  };
  const expectSamePast = (graph: PastTensors, state: KvState) => {
    const ours = state.toTensors();
    for (const name of Object.keys(graph)) {
      expect(ours[name]!.dims).toEqual(graph[name]!.dims);
      expect(relativeError(graph[name]!.data as Float32Array, ours[name]!.data as Float32Array)).toBeLessThan(1e-5);
    }
  };

  it("gives the session's logits and keys/values for a whole prompt in one pass, from nothing and on top of a past", async () => {
    // Longer than PROMPT_ROWS: the layers take the rows in groups, quantised together as the graph quantises its input.
    const ids = lm.tokenizer.encode('The river bank was quiet in the early morning, and the fishermen');
    expect(ids.length).toBeGreaterThan(8);
    const graph = await forward(lm, ids, null, 0);
    const ours = decoder.prompt(ids, nothing());
    expect(ours.past.length).toBe(ids.length);
    expect(relativeError(graph.logits, head.logits(ours.hidden, ids.length - 1))).toBeLessThan(1e-5);
    expectSamePast(graph.past as PastTensors, ours.past);
    // More text on top of that past.
    const more = lm.tokenizer.encode(' pulled their boats onto the sand');
    const graphMore = await forward(lm, more, graph.past, ids.length);
    const oursMore = decoder.prompt(more, ours.past);
    expect(relativeError(graphMore.logits, head.logits(oursMore.hidden, more.length - 1))).toBeLessThan(1e-5);
    expectSamePast(graphMore.past as PastTensors, oursMore.past);
    // The prompt's own past is left as it was (the second prompt wrote after it, in its own slots).
    expectSamePast(graph.past as PastTensors, ours.past);
  });

  it('gives exactly what a step gives for one token, and leaves a forked past alone', async () => {
    const start = decoder.prompt(lm.tokenizer.encode('A replacement is on its way'), nothing()).past;
    const step = decoder.step(17, start);
    const prompt = decoder.prompt([17], start);
    expect(Array.from(prompt.hidden)).toEqual(Array.from(step.hidden));
    const a = step.past.toTensors();
    const b = prompt.past.toTensors();
    for (const name of Object.keys(a)) expect(b[name]!.data).toEqual(a[name]!.data);
    // Two prompts from one past: the second copies rather than overwrite the first's slots.
    const first = decoder.prompt([5, 6, 7], start);
    const before = first.past.toTensors();
    decoder.prompt([8, 9], start);
    const after = first.past.toTensors();
    for (const name of Object.keys(before)) expect(after[name]!.data).toEqual(before[name]!.data);
  });

  it('is deterministic and leaves a forked past alone (alternatives from one prompt)', async () => {
    const ids = lm.tokenizer.encode('A replacement is on its way');
    const prompt = KvState.fromTensors((await forward(lm, ids, null, 0)).past as PastTensors, decoder.kvShape);
    const first = decoder.step(17, prompt);
    const firstLogits = head.apply(first.hidden);
    const afterFirst = first.past.toTensors();
    // A second alternative from the same prompt state writes the same slot: it must copy, not overwrite.
    const second = decoder.step(42, prompt);
    expect(Array.from(head.apply(second.hidden))).not.toEqual(Array.from(firstLogits));
    const again = first.past.toTensors();
    for (const name of Object.keys(again)) expect(again[name]!.data).toEqual(afterFirst[name]!.data);
    // Same token, same state: same result.
    expect(Array.from(head.apply(decoder.step(17, prompt).hidden))).toEqual(Array.from(firstLogits));
  });

  it('gives the one-thread logits bit for bit with its products split over worker threads', async () => {
    const threads = nodeThreads(2, { minBytes: 0 });
    try {
      const bytes = file('model_quantized.onnx');
      const detached = detachHead(bytes);
      const read = readGpt2(graphOf(bytes));
      if (!detached.ok || !read.ok) throw new Error('fixture not readable');
      const splitHead = Int8Kernel.of(detached.weights, threads);
      const split = new Gpt2Decoder(new Gpt2Body(read.weights, threads), config);
      await until(() => split.threads === 3 && splitHead.threads === 3);
      const ids = lm.tokenizer.encode('The river bank was quiet');
      let alone = KvState.fromTensors((await forward(lm, ids, null, 0)).past as PastTensors, decoder.kvShape);
      let shared = alone;
      // A prompt pass, its rows split over the threads too.
      const more = lm.tokenizer.encode(' and the fishermen pulled their boats onto the sand');
      const promptAlone = decoder.prompt(more, alone);
      const promptSplit = split.prompt(more, shared);
      expect(Array.from(splitHead.logits(promptSplit.hidden, more.length - 1))).toEqual(Array.from(head.logits(promptAlone.hidden, more.length - 1)));
      let token = 5;
      for (let i = 0; i < 6; i++) {
        const a = decoder.step(token, alone);
        const b = split.step(token, shared);
        const logits = head.apply(a.hidden);
        expect(Array.from(splitHead.apply(b.hidden))).toEqual(Array.from(logits));
        [alone, shared, token] = [a.past, b.past, argmax(logits)];
      }
      expect(threads.broken).toBeUndefined();
    } finally {
      threads.dispose();
    }
  });

  it("refuses positions past the model's and tokens outside the vocabulary", async () => {
    const state = KvState.fromTensors((await forward(lm, [1, 2, 3], null, 0)).past as PastTensors, decoder.kvShape);
    expect(() => decoder.step(60_000, state)).toThrow(/not in the vocabulary/);
    expect(() => decoder.prompt([1, 60_000], state)).toThrow(/not in the vocabulary/);
    expect(() => decoder.prompt([], state)).toThrow(/at least one token/);
    expect(() => decoder.prompt(new Array<number>(decoder.positions - 2).fill(1), state)).toThrow(/past the model's 1024/);
    expect(decoder.positions).toBe(1024);
  });
});

describe("the host decoding with Sesame's step", () => {
  const Q8: ModelSpec = { id: `sesame-fixtures/${ID}`, family: 'gpt2', dtype: 'q8' };
  const request = { type: 'complete' as const, prompt: 'Dear Ms. Patel, thank you for your letter about the delayed shipment.', maxNewTokens: 12 };
  const on = { sesameHead: () => true, sesameDecoder: () => true };
  const loaded = async (h: ReturnType<typeof nodeHost>) => ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === Q8.id);

  it('streams a completion through the decoder, and says so in diagnostics', async () => {
    const h = nodeHost(hub.url, memoryCache(), undefined, on);
    const { result, messages } = await h.run(request, Q8);
    const done = result as ResultOf<'complete'>;
    expect(done.alternatives[0]!.length).toBeGreaterThan(0);
    const streamed = messages.filter((m) => m.kind === 'partial').length;
    expect(streamed).toBeGreaterThan(1);
    expect(await loaded(h)).toMatchObject({
      head: "int8 head in Sesame's kernel",
      decoder: `prompts and steps in Sesame's kernels (${config.n_layer} layers), no onnxruntime session`,
    });
  });

  it('makes no onnxruntime session for it (the same load makes one where the decoder is not wanted)', async () => {
    await expectNoSession(
      () => nodeHost(hub.url, memoryCache(), undefined, on).run(request, Q8),
      () => nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true }).run(request, Q8),
    );
  });

  it('completes the same text with its kernels on worker threads, and says how many', async () => {
    const alone = (await nodeHost(hub.url, memoryCache(), undefined, on).run(request, Q8)).result as ResultOf<'complete'>;
    const kernelThreads = nodeThreads(2, { minBytes: 0 });
    try {
      const h = nodeHost(hub.url, memoryCache(), undefined, { ...on, kernelThreads: () => kernelThreads });
      await h.run(request, Q8);
      // The head's kernel memory, then the layers' (one for all of them).
      const ids = [1, 2];
      await until(() => ids.every((id) => kernelThreads.ready(id)));
      // The first run may have started before every worker had the kernels: compare a later one.
      const split = (await h.run(request, Q8)).result as ResultOf<'complete'>;
      expect(split.alternatives).toEqual(alone.alternatives);
      const status = await loaded(h);
      expect(status?.head).toBe("int8 head in Sesame's kernel; split over 3 threads");
      expect(status?.decoder).toBe(`prompts and steps in Sesame's kernels (${config.n_layer} layers), no onnxruntime session; split over 3 threads`);
      // Releasing the model lets the workers drop its kernels at once.
      await h.run({ type: 'models.delete', modelId: Q8.id });
      expect(ids.filter((id) => kernelThreads.ready(id))).toEqual([]);
    } finally {
      kernelThreads.dispose();
    }
  });

  it("builds the head's and the layers' kernels once when the model comes from the cache", async () => {
    const store = memoryCache();
    await nodeHost(hub.url, store, undefined, on).run(request, Q8);
    const kernelThreads = nodeThreads(1, { minBytes: 0 });
    const register = vi.spyOn(kernelThreads, 'register');
    try {
      const fromCache = nodeHost(hub.url, store, undefined, { ...on, kernelThreads: () => kernelThreads });
      await fromCache.run(request, Q8);
      expect(register).toHaveBeenCalledTimes(2);
      expect((await loaded(fromCache))?.decoder).toMatch(/^prompts and steps in Sesame's kernels/);
    } finally {
      kernelThreads.dispose();
    }
  });

  it("tells the memory measurement which kernel memories it holds: the head's and the layers'", async () => {
    const told: WebAssembly.Memory[][] = [];
    const h = nodeHost(hub.url, memoryCache(), undefined, {
      ...on,
      measureMemory: async (memories) => {
        told.push([...memories]);
        return 1;
      },
    });
    await h.run(request, Q8);
    expect(((await h.run({ type: 'status', memory: true })).result as ResultOf<'status'>).memoryBytes).toBe(1);
    expect(told).toHaveLength(1);
    expect(told[0]).toHaveLength(2);
    expect(told[0]!.every((m) => m instanceof WebAssembly.Memory && m.buffer.byteLength > 0)).toBe(true);
    await h.run({ type: 'models.delete', modelId: Q8.id });
    await h.run({ type: 'status', memory: true });
    expect(told[1]).toEqual([]);
  });

  it("reuses a text field's past kept in the decoder's buffers, and gives several alternatives", async () => {
    const h = nodeHost(hub.url, memoryCache(), undefined, on);
    const field = { ...request, fieldKey: 'tab1:field', maxNewTokens: 6 };
    const first = (await h.run(field, Q8)).result as ResultOf<'complete'>;
    const grown = { ...field, prompt: `${request.prompt}${first.alternatives[0]} More` };
    const second = (await h.run(grown, Q8)).result as ResultOf<'complete'>;
    expect(second.reusedTokens).toBeGreaterThan(10);
    expect(second.alternatives[0]!.length).toBeGreaterThan(0);
    const three = (await h.run({ ...request, alternatives: 3, temperature: 0.9 }, Q8)).result as ResultOf<'complete'>;
    expect(three.alternatives).toHaveLength(3);
  });

  it('keeps decoding in the graph where it is not wanted, or the head is not in the kernel', async () => {
    const headOnly = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true });
    await headOnly.run(request, Q8);
    expect((await loaded(headOnly))?.decoder).toBeUndefined();
    const fp32 = nodeHost(hub.url, memoryCache(), undefined, on);
    await fp32.run(request, { ...Q8, dtype: 'fp32' });
    expect((await loaded(fp32))?.decoder).toBeUndefined();
  });

  it("leaves no earlier load's decoder note on a load that does not want the decoder (another backend)", async () => {
    let wanted = true;
    const h = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true, sesameDecoder: () => wanted });
    await h.run(request, Q8);
    expect((await loaded(h))?.decoder).toMatch(/^prompts and steps in Sesame's kernels/);
    await h.run({ type: 'models.delete', modelId: Q8.id });
    wanted = false;
    await h.run(request, Q8);
    expect(await loaded(h)).toMatchObject({ id: Q8.id });
    expect((await loaded(h))?.decoder).toBeUndefined();
  });

  it("loads a session after all where the decoder refuses the model's config, saying why", async () => {
    const other = await changedConfigHub(ID, 'tiny-gpt2-gelu', { activation_function: 'gelu' });
    try {
      const spec: ModelSpec = { ...Q8, id: 'sesame-fixtures/tiny-gpt2-gelu' };
      const h = nodeHost(other.url, memoryCache(), undefined, on);
      const { result } = await h.run(request, spec);
      expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
      const status = ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === spec.id);
      expect(status?.decoder).toBe("decoding steps in the graph: Sesame's decoder did not start: activation gelu is not GPT-2's");
    } finally {
      await other.close();
    }
  });

  it("falls back to the session's steps when the decoder's kernels cannot start, saying why", async () => {
    const h = nodeHost(hub.url, memoryCache(), undefined, on);
    const grow = WebAssembly.Memory.prototype.grow;
    let calls = 0;
    // The head's kernel (built first, while the file is read) gets its memory; the decoder's do not.
    WebAssembly.Memory.prototype.grow = function (this: WebAssembly.Memory, delta: number) {
      if (++calls > 1) throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
      return grow.call(this, delta);
    };
    try {
      const { result } = await h.run(request, Q8);
      expect((result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
    expect(calls).toBeGreaterThan(1);
    expect(await loaded(h)).toMatchObject({
      head: "int8 head in Sesame's kernel",
      decoder: expect.stringMatching(/^decoding steps in the graph: Sesame's decoder did not start: .*Maximum memory/),
    });
  });
});

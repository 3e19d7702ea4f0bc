// Tied heads at full speed: the hub's exports (tests/fixtures/make_fixtures.py, pipeline "hub":
// optimum's tied-weight de-duplication, then onnxruntime's own quantizer with transformers.js's
// settings) compute the LM head as a float32 MatMul over DequantizeLinear(Transpose(the uint8
// embedding table)). Sesame detaches it and runs it in its kernel over the table's own bytes, with
// the input quantised to 16 bits per row: not bit-exact any more, so these tests state and bound
// the deviation from onnxruntime's graph (max |Δlogit| against the logits' range, top-1 and top-10
// agreement), for GPT-2's prompt rows and decoding steps (Sesame's own step included) and BERT's
// masks, and check what the host reports.
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gpt2Body, Gpt2Decoder, type Gpt2Config } from '@/models/host/kernels/gpt2-step';
import { readGpt2 } from '@/models/host/onnx/gpt2-graph';
import { KvState } from '@/models/host/kernels/kv-state';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
import { loadModel } from '@/models/host/lm/loader';
import { forward, type PastTensors } from '@/models/host/lm/gpt-step';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { nodeThreads, until } from '../../../support/gemv-node-threads';
import { memoryCache, nodeHost } from '../../../support/node-host';
import { type Deviation, expectClose, top, worstOf } from '../../../support/logit-bound';

const ROOT = '.fixtures/hub/sesame-fixtures';
const GPT = 'tiny-gpt2-tied';
const BERT = 'tiny-bert-uncased-tied';
const file = (id: string, name: string) => new Uint8Array(readFileSync(`${ROOT}/${id}/onnx/${name}`));
const gptConfig = JSON.parse(readFileSync(`${ROOT}/${GPT}/config.json`, 'utf8')) as Gpt2Config & { n_layer: number; n_embd: number };
const graphOf = (bytes: Uint8Array) => fromBinary(ModelProtoSchema, bytes).graph!;
const manifest = JSON.parse(readFileSync('.fixtures/hub/manifest.json', 'utf8')) as {
  models: Record<string, { pipeline: string; layout: string; tied: boolean }>;
};

function report(what: string, seen: Deviation[]): void {
  const worst = worstOf(seen);
  console.log(
    `${what}: ${seen.length} rows, max |Δlogit| ${worst.maxAbs.toExponential(2)} (${worst.relative.toExponential(2)} of the range), top-1 ${seen.filter((d) => d.top1).length}/${seen.length}, top-10 ${Math.min(...seen.map((d) => d.top10))}/10 at worst`,
  );
}

function gptFeeds(ids: number[], past?: Record<string, ort.Tensor>, start = 0): Record<string, ort.Tensor> {
  const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: ints(ids),
    attention_mask: ints(Array.from({ length: start + ids.length }, () => 1)),
    position_ids: ints(ids.map((_, i) => start + i)),
  };
  const headSize = gptConfig.n_embd / gptConfig.n_head;
  for (let l = 0; l < gptConfig.n_layer; l++) {
    for (const kv of ['key', 'value']) {
      feeds[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, gptConfig.n_head, 0, headSize]);
    }
  }
  return feeds;
}

let hub: { url: string; close(): Promise<void> };
beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  nodeHost(hub.url); // points transformers.js at the loopback hub
});
afterAll(async () => {
  await hub?.close();
});

describe('the tied fixtures are made as the hub makes its files', () => {
  it('records pipeline, layout and tied-ness in the manifest', () => {
    expect(manifest.models[`sesame-fixtures/${GPT}`]).toMatchObject({ pipeline: 'hub', layout: 'v3', tied: true });
    expect(manifest.models['sesame-fixtures/tiny-gpt2-legacy']).toMatchObject({ pipeline: 'hub', layout: 'legacy', tied: true });
    expect(manifest.models['sesame-fixtures/tiny-gpt2']).toMatchObject({ pipeline: 'sesame', layout: 'v3', tied: false });
  });

  it('has the head as onnxruntime leaves it: a float MatMul over DequantizeLinear(Transpose(the uint8 Gather table))', () => {
    const graph = graphOf(file(GPT, 'model_quantized.onnx'));
    const head = graph.node.find((n) => n.output.includes('logits'))!;
    expect(head.opType).toBe('MatMul');
    const dq = graph.node.find((n) => n.output.includes(head.input[1]!))!;
    expect(dq.opType).toBe('DequantizeLinear');
    const transpose = graph.node.find((n) => n.output.includes(dq.input[0]!))!;
    expect(transpose.opType).toBe('Transpose');
    expect(transpose.input[0]).toBe('transformer.wte.weight_quantized');
    const gather = graph.node.find((n) => n.opType === 'Gather' && n.input[0] === 'transformer.wte.weight_quantized');
    expect(gather).toBeDefined();
    // One copy of the table (de-duplicated): no float head weight.
    expect(graph.initializer.filter((t) => t.dims.map(Number).join() === `${gptConfig.n_embd},50257`)).toHaveLength(0);
  });
});

describe('the legacy merged decoder (decoder_model_merged_quantized.onnx)', () => {
  it('runs in onnxruntime with use_cache_branch, and its tied head is cut out of both If branches (legacy-head.test.ts holds the rest)', async () => {
    const bytes = file('tiny-gpt2-legacy', 'decoder_model_merged_quantized.onnx');
    const graph = graphOf(bytes);
    expect(graph.node.map((n) => n.opType)).toEqual(['If']);
    expect(graph.input.map((i) => i.name)).toContain('use_cache_branch');
    expect(graph.initializer.some((t) => t.name === 'transformer.wte.weight_quantized')).toBe(true);
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ ...gptFeeds([464, 3331, 318]), use_cache_branch: new ort.Tensor('bool', [false], [1]) });
    expect(out.logits!.dims).toEqual([1, 3, 50257]);
    await session.release();
    const detached = detachHead(bytes);
    if (!detached.ok) throw new Error(detached.reason);
    expect(detached.where).toBe("cut from both branches (else_branch, then_branch) of the legacy merged decoder's If");
    expect(detached.weights).toMatchObject({ k: gptConfig.n_embd, n: 50257, layout: 'nk', floatInput: true, tiedTo: 'transformer.wte.weight_quantized' });
    expect(Int8Kernel.of(detached.weights).kind).toBe('tied uint8 table kernel');
    // The fp32 merged file's head is tied to the float table: it stays in the graph, saying why.
    expect(detachHead(file('tiny-gpt2-legacy', 'decoder_model_merged.onnx'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^head \(else_branch of the merged decoder's If\) is not made by the q8 pattern .*tied to the float32 table transformer\.wte\.weight/,
      ),
    });
  });
});

describe("the tied q8 head in Sesame's kernel", () => {
  it("detaches the head, keeps the table for the embedding's Gather, and reads the table as [vocab][width] uint8", () => {
    const q8 = file(GPT, 'model_quantized.onnx');
    const detached = detachHead(q8);
    if (!detached.ok) throw new Error(detached.reason);
    expect(detached.weights).toMatchObject({
      k: gptConfig.n_embd,
      n: 50257,
      signed: false,
      layout: 'nk',
      floatInput: true,
      tiedTo: 'transformer.wte.weight_quantized',
    });
    expect(detached.weights.scale).toHaveLength(1);
    const after = graphOf(detached.bytes);
    expect(after.output.map((o) => o.name)).toContain(HEAD_INPUT);
    expect(after.output.map((o) => o.name)).not.toContain('logits');
    expect(after.initializer.some((t) => t.name === 'transformer.wte.weight_quantized')).toBe(true);
    expect(after.node.some((n) => n.opType === 'Gather' && n.input[0] === 'transformer.wte.weight_quantized')).toBe(true);
    expect(after.node.some((n) => n.opType === 'Transpose' && n.input[0] === 'transformer.wte.weight_quantized')).toBe(false);
    expect(after.node.length).toBe(graphOf(q8).node.length - 3 + 1);
    // The table stays (the Gather reads it): the file hardly shrinks.
    expect(q8.byteLength - detached.bytes.byteLength).toBeLessThan(4096);
    expect(Int8Kernel.of(detached.weights).kind).toBe('tied uint8 table kernel');
  });

  it("leaves the fp32 and q4 files' tied heads (over the float table) in the graph, saying why", () => {
    for (const name of ['model.onnx', 'model_q4.onnx']) {
      const result = detachHead(file(GPT, name));
      expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/tied to the float32 table transformer\.wte\.weight/) });
    }
  });

  it("gives the graph's logits within the stated bound, for prompt rows and decoding steps", async () => {
    const q8 = file(GPT, 'model_quantized.onnx');
    const detached = detachHead(q8);
    if (!detached.ok) throw new Error(detached.reason);
    const head = Int8Kernel.of(detached.weights);
    const full = await ort.InferenceSession.create(q8);
    const cut = await ort.InferenceSession.create(detached.bytes);
    const seen: Deviation[] = [];
    const vocab = 50257;
    const ids = [464, 3290, 318, 257, 1332, 13, 632, 373, 11, 290, 262];
    let a = await full.run(gptFeeds(ids));
    let b = await cut.run(gptFeeds(ids));
    const hidden = b[HEAD_INPUT]!.data as Float32Array;
    for (let row = 0; row < ids.length; row++) {
      expectClose((a.logits!.data as Float32Array).subarray(row * vocab, (row + 1) * vocab), head.logits(hidden, row), seen);
    }
    let length = ids.length;
    for (let step = 0; step < 16; step++) {
      const token = top(a.logits!.data.slice(-vocab) as Float32Array, 1)[0]!;
      const past = a;
      a = await full.run(gptFeeds([token], past, length));
      b = await cut.run(gptFeeds([token], past, length)); // the same past: only the head differs
      length++;
      expectClose(a.logits!.data as Float32Array, head.logits(b[HEAD_INPUT]!.data as Float32Array, 0), seen);
    }
    report('tiny-gpt2-tied q8 head', seen);
    await full.release();
    await cut.release();
  });

  it("runs Sesame's decoding step on the tied file: logits within the bound of the session's, step after step", async () => {
    const lm = await loadModel({ id: `sesame-fixtures/${GPT}`, family: 'gpt2', dtype: 'q8' }, 'cpu');
    try {
      const bytes = file(GPT, 'model_quantized.onnx');
      const detached = detachHead(bytes);
      const read = readGpt2(graphOf(bytes));
      if (!detached.ok) throw new Error(detached.reason);
      if (!read.ok) throw new Error(read.reason);
      expect(read.weights.wte).toMatchObject({ kind: 'int8', rows: 50257, width: gptConfig.n_embd, signed: false });
      const head = Int8Kernel.of(detached.weights);
      const decoder = new Gpt2Decoder(new Gpt2Body(read.weights), gptConfig);
      const ids = lm.tokenizer.encode('The river bank was quiet in the early morning, and the fishermen');
      const prompt = await forward(lm, ids, null, 0);
      let graphPast = prompt.past as PastTensors;
      let state = KvState.fromTensors(graphPast, decoder.kvShape);
      let token = top(prompt.logits, 1)[0]!;
      const seen: Deviation[] = [];
      for (let i = 0; i < 12; i++) {
        const graph = await forward(lm, [token], graphPast, ids.length + i);
        const ours = decoder.step(token, state);
        expectClose(graph.logits, head.apply(ours.hidden), seen);
        graphPast = graph.past as PastTensors;
        state = ours.past;
        token = top(graph.logits, 1)[0]!;
      }
      report('tiny-gpt2-tied q8 decoding step + tied head', seen);
    } finally {
      await lm.release();
    }
  }, 60_000);

  it("lets the decoder read the token embedding from the head's table (no copy of its own), with the same steps", async () => {
    const bytes = file(GPT, 'model_quantized.onnx');
    const detached = detachHead(bytes);
    const read = readGpt2(graphOf(bytes));
    if (!detached.ok) throw new Error(detached.reason);
    if (!read.ok) throw new Error(read.reason);
    const head = Int8Kernel.of(detached.weights);
    const own = new Gpt2Body(read.weights);
    const shared = new Gpt2Body(read.weights, undefined, head);
    expect(own.wteShared).toBe(false);
    expect(shared.wteShared).toBe(true);
    expect(shared.wte.data.buffer).toBe(head.wasmMemory.buffer);
    const a = new Gpt2Decoder(own, gptConfig);
    const b = new Gpt2Decoder(shared, gptConfig);
    const none = Object.fromEntries(Object.entries(gptFeeds([0])).filter(([name]) => name.startsWith('past_key_values.'))) as unknown as PastTensors;
    let pa = KvState.fromTensors(none, a.kvShape);
    let pb = KvState.fromTensors(none, b.kvShape);
    for (const token of [464, 3331, 318, 50256, 0]) {
      const x = a.step(token, pa);
      const y = b.step(token, pb);
      expect(Array.from(y.hidden)).toEqual(Array.from(x.hidden));
      [pa, pb] = [x.past, y.past];
    }
    // An untied head (the older exports) leaves the decoder its own copy.
    const untied = detachHead(file('tiny-gpt2', 'model_quantized.onnx'));
    if (!untied.ok) throw new Error(untied.reason);
    const other = readGpt2(graphOf(file('tiny-gpt2', 'model_quantized.onnx')));
    if (!other.ok) throw new Error(other.reason);
    expect(new Gpt2Body(other.weights, undefined, Int8Kernel.of(untied.weights)).wteShared).toBe(false);
  });

  it('gives the one-thread logits bit for bit with its products split over worker threads', async () => {
    const threads = nodeThreads(2, { minBytes: 0 });
    try {
      const detached = detachHead(file(GPT, 'model_quantized.onnx'));
      if (!detached.ok) throw new Error(detached.reason);
      const alone = Int8Kernel.of(detached.weights);
      const split = Int8Kernel.of(detached.weights, threads);
      await until(() => split.threads === 3);
      const random = (seed: number) => () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
      const r = random(9);
      for (let i = 0; i < 4; i++) {
        const x = Float32Array.from({ length: gptConfig.n_embd }, () => r() * 4);
        expect(Array.from(split.apply(x))).toEqual(Array.from(alone.apply(x)));
      }
      expect(threads.broken).toBeUndefined();
    } finally {
      threads.dispose();
    }
  });

  it("detaches a masked LM's tied head with its bias, within the bound at the masks", async () => {
    const q8 = file(BERT, 'model_quantized.onnx');
    const detached = detachHead(q8);
    if (!detached.ok) throw new Error(detached.reason);
    expect(detached.weights).toMatchObject({ n: 30522, layout: 'nk', tiedTo: 'bert.embeddings.word_embeddings.weight_quantized' });
    expect(detached.weights.bias).toHaveLength(30522);
    const full = await ort.InferenceSession.create(q8);
    const cut = await ort.InferenceSession.create(detached.bytes);
    const head = Int8Kernel.of(detached.weights);
    const ids = [101, 1996, 2924, 103, 2003, 2485, 1012, 102];
    const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
    const feeds = { input_ids: ints(ids), attention_mask: ints(ids.map(() => 1)), token_type_ids: ints(ids.map(() => 0)) };
    const a = await full.run(feeds);
    const b = await cut.run(feeds);
    const seen: Deviation[] = [];
    const hidden = b[HEAD_INPUT]!.data as Float32Array;
    for (let row = 0; row < ids.length; row++)
      expectClose((a.logits!.data as Float32Array).subarray(row * 30522, (row + 1) * 30522), head.logits(hidden, row), seen);
    report('tiny-bert-uncased-tied q8 head', seen);
    await full.release();
    await cut.release();
  });
});

describe('the host on tied files', () => {
  const TIED: ModelSpec = { id: `sesame-fixtures/${GPT}`, family: 'gpt2', dtype: 'q8' };
  const request = { type: 'complete' as const, prompt: 'The river bank was quiet in the early morning, and the fishermen', maxNewTokens: 16 };
  const text = async (h: ReturnType<typeof nodeHost>, spec = TIED) => ((await h.run(request, spec)).result as ResultOf<'complete'>).alternatives[0];
  const loaded = async (h: ReturnType<typeof nodeHost>, id = TIED.id) =>
    ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === id);

  it("runs the head over the tied table and the decoding steps in Sesame's kernels, says so, and completes as the graph does", async () => {
    const want = await text(nodeHost(hub.url));
    expect(want?.length).toBeGreaterThan(0);
    const store = memoryCache();
    const kernels = { sesameHead: () => true, sesameDecoder: () => true };
    const downloaded = nodeHost(hub.url, store, undefined, kernels);
    expect(await text(downloaded)).toBe(want);
    const status = await loaded(downloaded);
    expect(status?.head).toMatch(/^tied uint8 table kernel in Sesame's kernel \(the head reads transformer\.wte\.weight_quantized;/);
    expect(status?.decoder).toBe(`prompts and steps in Sesame's kernels (${gptConfig.n_layer} layers), no onnxruntime session`);
    const fromCache = nodeHost(hub.url, store, undefined, kernels);
    expect(await text(fromCache)).toBe(want);
    expect((await loaded(fromCache))?.head).toMatch(/^tied uint8 table kernel/);
  });

  it("keeps a masked LM's tied head in the kernel for the tools (the same substitutes as with the graph's head)", async () => {
    const spec: ModelSpec = { id: `sesame-fixtures/${BERT}`, family: 'bert', dtype: 'q8' };
    const text = 'We had a picnic on the grassy bank of the river.';
    const at = { start: text.indexOf('bank'), end: text.indexOf('bank') + 4 };
    const request = { type: 'sense' as const, text, ...at, occurrences: [{ text, ...at }], selected: 0, glosses: false };
    const words = async (h: ReturnType<typeof nodeHost>) => ((await h.run(request, spec)).result as ResultOf<'sense'>).substitutes.map((s) => s.text);
    const want = await words(nodeHost(hub.url));
    expect(want.length).toBeGreaterThan(0);
    const h = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true });
    expect(await words(h)).toEqual(want);
    expect((await loaded(h, spec.id))?.head).toMatch(/^tied uint8 table kernel/);
  });
});

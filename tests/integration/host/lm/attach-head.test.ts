// The detached int8 LM head (models/host/onnx/head-graph.ts + models/host/kernels): the graph without its head plus Sesame's kernel must
// give the logits onnxruntime computes with the head in the graph, bit for bit.
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachHead, HeadDetacher } from '@/models/host/lm/attach-head';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { loadModel } from '@/models/host/lm/loader';
import { forward } from '@/models/host/lm/gpt-step';
import { predictMasks } from '@/models/host/lm/masked-lm';
import { hiddenStateNames } from '@/models/host/onnx/hidden-states';
import { planHiddenStatesOf } from '@/models/host/onnx/hidden-states-graph';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { memoryCache, nodeHost } from '../../../support/node-host';
import { clozeRequest, clozeZhRequest, senseRequest } from '../../../support/kernel-checks';

const file = (id: string, name: string) => new Uint8Array(readFileSync(`.fixtures/hub/sesame-fixtures/${id}/onnx/${name}`));
const config = (id: string) =>
  JSON.parse(readFileSync(`.fixtures/hub/sesame-fixtures/${id}/config.json`, 'utf8')) as { n_head: number; n_embd: number; n_layer: number };

/** A prompt pass of `tokens` ids (start 0, empty past) for a GPT-2 session. */
function promptFeeds(id: string, ids: number[]): Record<string, ort.Tensor> {
  const c = config(id);
  const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: ints(ids),
    attention_mask: ints(ids.map(() => 1)),
    position_ids: ints(ids.map((_, i) => i)),
  };
  for (let l = 0; l < c.n_layer; l++) {
    for (const kv of ['key', 'value'])
      feeds[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, c.n_head, 0, c.n_embd / c.n_head]);
  }
  return feeds;
}

describe('detached int8 LM head', () => {
  const id = 'tiny-gpt2';
  const q8 = file(id, 'model_quantized.onnx');

  it('removes the head nodes and weight, and outputs the head input instead of logits', () => {
    const detached = detachHead(q8);
    if (!detached.ok) throw new Error(detached.reason);
    const before = fromBinary(ModelProtoSchema, q8).graph!;
    const after = fromBinary(ModelProtoSchema, detached.bytes).graph!;
    expect(after.output.map((o) => o.name)).toContain(HEAD_INPUT);
    expect(after.output.map((o) => o.name)).not.toContain('logits');
    expect(after.output.filter((o) => o.name.startsWith('present.')).length).toBe(before.output.filter((o) => o.name.startsWith('present.')).length);
    expect(after.node.some((n) => n.opType === 'MatMulInteger' && n.name.startsWith('/lm_head'))).toBe(false);
    expect(after.node.length).toBe(before.node.length - 5 + 1);
    expect(detached.weights).toMatchObject({ k: config(id).n_embd, n: 50257, signed: true });
    // The head weight leaves the file (50257 × 32 bytes).
    expect(q8.byteLength - detached.bytes.byteLength).toBeGreaterThan(50257 * 32 - 1024);
  });

  it('detaches once per load: every match of the file after the first gets the same bytes, head and layers', async () => {
    let readAlong = 0;
    const detacher = new HeadDetacher(undefined, { read: () => null, use: () => void readAlong++ });
    // transformers.js matches the file for its size (progress totals), then reads it.
    const probe = await detacher.rewrite(new Response(q8, { headers: { 'content-length': String(q8.byteLength) } }));
    const head = detacher.head;
    const read = await detacher.rewrite(new Response(q8, { headers: { 'content-length': String(q8.byteLength) } }));
    expect(head).toBeInstanceOf(Int8Kernel);
    expect(detacher.head).toBe(head);
    expect(readAlong).toBe(1);
    const bytes = new Uint8Array(await read.arrayBuffer());
    expect(probe.headers.get('content-length')).toBe(String(bytes.byteLength));
    expect(bytes.byteLength).toBeLessThan(q8.byteLength);
    expect(fromBinary(ModelProtoSchema, bytes).graph!.output.map((o) => o.name)).toContain(HEAD_INPUT);
  });

  it('gives the logits of the graph with its head, exactly, for a prompt and a decoding step', async () => {
    const detached = detachHead(q8);
    if (!detached.ok) throw new Error(detached.reason);
    const head = Int8Kernel.of(detached.weights);
    const full = await ort.InferenceSession.create(q8);
    const cut = await ort.InferenceSession.create(detached.bytes);
    const ids = [464, 3290, 318, 257, 1332, 13, 632, 373, 11, 290, 262];
    const a = await full.run(promptFeeds(id, ids));
    const b = await cut.run(promptFeeds(id, ids));
    expect(Object.keys(b)).not.toContain('logits');
    const vocab = 50257;
    const hidden = b[HEAD_INPUT]!.data as Float32Array;
    expect(b[HEAD_INPUT]!.dims).toEqual([1, ids.length, config(id).n_embd]);
    for (const row of [ids.length - 1, 0, 4]) {
      const want = (a.logits!.data as Float32Array).subarray(row * vocab, (row + 1) * vocab);
      const got = head.logits(hidden, row);
      expect(got.length).toBe(vocab);
      expect(Array.from(got).findIndex((v, j) => v !== want[j])).toBe(-1);
    }
    // One decoding step on top of the prompt's keys/values: a single row.
    const c = config(id);
    const step: Record<string, ort.Tensor> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from([50n]), [1, 1]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length + 1).fill(1n), [1, ids.length + 1]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from([BigInt(ids.length)]), [1, 1]),
    };
    for (let l = 0; l < c.n_layer; l++) for (const kv of ['key', 'value']) step[`past_key_values.${l}.${kv}`] = a[`present.${l}.${kv}`]!;
    const a2 = await full.run(step);
    const b2 = await cut.run(step);
    const got = head.logits(b2[HEAD_INPUT]!.data as Float32Array, 0);
    const want = a2.logits!.data as Float32Array;
    expect(Array.from(got).findIndex((v, j) => v !== want[j])).toBe(-1);
    await full.release();
    await cut.release();
  });

  it("detaches a masked LM's head with its bias, leaving the transform before it", () => {
    const detached = detachHead(file('tiny-bert-uncased', 'model_quantized.onnx'));
    if (!detached.ok) throw new Error(detached.reason);
    expect(detached.weights).toMatchObject({ n: 30522, signed: true });
    expect(detached.weights.bias?.length).toBe(30522);
    const graph = fromBinary(ModelProtoSchema, detached.bytes).graph!;
    expect(graph.output.map((o) => o.name)).toEqual([HEAD_INPUT]);
    expect(graph.node.some((n) => n.name.startsWith('/cls/predictions/transform/'))).toBe(true);
    expect(graph.node.some((n) => n.name.startsWith('/cls/predictions/decoder/'))).toBe(false);
  });

  it('leaves fp32 and q4 heads in the graph, saying why', () => {
    for (const name of ['model.onnx', 'model_q4.onnx']) {
      const result = detachHead(file(id, name));
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/^head is not made by .*q8/);
    }
    expect(detachHead(new Uint8Array([1, 2, 3]))).toMatchObject({ ok: false });
  });
});

describe("the host with the head in Sesame's kernel", () => {
  const Q8: ModelSpec = { id: 'sesame-fixtures/tiny-gpt2', family: 'gpt2', dtype: 'q8' };
  const request = { type: 'complete' as const, prompt: 'The river bank was quiet in the early morning, and the fishermen', maxNewTokens: 16 };
  let hub: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
  });
  afterAll(async () => {
    await hub?.close();
  });

  const text = async (h: ReturnType<typeof nodeHost>, spec = Q8) => ((await h.run(request, spec)).result as ResultOf<'complete'>).alternatives[0];
  const loaded = async (h: ReturnType<typeof nodeHost>) => ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded;

  it('completes exactly as with the head in the graph, after a download and when read from the cache', async () => {
    const plain = nodeHost(hub.url);
    const want = await text(plain);
    expect(want?.length).toBeGreaterThan(0);
    expect((await loaded(plain)).find((m) => m.id === Q8.id)?.head).toBeUndefined();

    const store = memoryCache();
    const downloaded = nodeHost(hub.url, store, undefined, { sesameHead: () => true });
    expect(await text(downloaded)).toBe(want);
    expect((await loaded(downloaded)).find((m) => m.id === Q8.id)?.head).toBe("int8 head in Sesame's kernel");

    const fromCache = nodeHost(hub.url, store, undefined, { sesameHead: () => true });
    expect(await text(fromCache)).toBe(want);
    // Served the rewrite the first load kept (stored-rewrite.test.ts).
    expect((await loaded(fromCache)).find((m) => m.id === Q8.id)?.head).toBe("int8 head in Sesame's kernel (stored rewrite: no surgery)");
    // The cache keeps the file as published: the head is cut from what the session reads only.
    const cached = await fromCache.cache.read(Q8.id, 'onnx/model_quantized.onnx');
    expect(cached?.byteLength).toBe(q8ByteLength());
  });

  it('rebuilds a session that was built with its head (bytes that bypassed the cache), with the same logits', async () => {
    const h = nodeHost(hub.url);
    const lm = await loadModel(Q8, 'cpu');
    const ids = lm.tokenizer.encode(request.prompt);
    const before = await forward(lm, ids, null, 0);
    const status = await attachHead(lm, new HeadDetacher(), () => h.cache.read(Q8.id, 'onnx/model_quantized.onnx'));
    expect(status).toEqual({ ok: true, swapped: true });
    expect(lm.head).toBeDefined();
    const after = await forward(lm, ids, null, 0);
    expect(Array.from(after.logits).findIndex((v, j) => v !== before.logits[j])).toBe(-1);
    const step = await forward(lm, [11], after.past, ids.length);
    expect(step.logits.length).toBe(50257);
    // Already headless: nothing more to do, and no head without the detacher's.
    expect(await attachHead(lm, new HeadDetacher(), async () => undefined)).toMatchObject({ ok: false, reason: /no head was read/ });
    await lm.release();
  });

  it('keeps fp32 heads in the graph', async () => {
    const h = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true });
    expect((await text(h, { ...Q8, dtype: 'fp32' }))?.length).toBeGreaterThan(0);
    expect((await loaded(h)).find((m) => m.id === Q8.id)?.head).toBeUndefined();
  });
});

function q8ByteLength(): number {
  return readFileSync('.fixtures/hub/sesame-fixtures/tiny-gpt2/onnx/model_quantized.onnx').byteLength;
}

describe("masked LMs with the head in Sesame's kernel", () => {
  const [sense, cloze, zh] = [senseRequest, clozeRequest, clozeZhRequest];
  const BERT_Q8: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'q8' };
  const ERNIE_Q8: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie', dtype: 'q8' };
  let hub: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers sense and cloze requests exactly as with the head in the graph, hidden states included', async () => {
    const plain = nodeHost(hub.url);
    const kernel = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true });
    for (const [request, spec] of [
      [sense, BERT_Q8],
      [cloze, BERT_Q8],
      [zh, ERNIE_Q8],
    ] as const) {
      const want = (await plain.run(request, spec)).result;
      const got = (await kernel.run(request, spec)).result;
      expect(got).toEqual(want);
    }
    const status = ((await kernel.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === BERT_Q8.id)!;
    expect(status.head).toBe("int8 head in Sesame's kernel");
    expect(status.layers).toBe('3 hidden states');
  });

  it('rebuilds an encoder session built with its head once, with the head detached and the hidden states exposed', async () => {
    const h = nodeHost(hub.url);
    const lm = await loadModel(BERT_Q8, 'cpu');
    const status = await attachHead(
      lm,
      new HeadDetacher(),
      () => h.cache.read(BERT_Q8.id, 'onnx/model_quantized.onnx'),
      (graph, finalOutputs) => {
        const layered = planHiddenStatesOf(graph, { finalOutputs });
        if (!layered.ok) throw new Error(layered.reason);
        return layered.tail;
      },
    );
    expect(status).toEqual({ ok: true, swapped: true });
    expect(hiddenStateNames(lm.model)).toHaveLength(3);
    const masks = await predictMasks(lm, ['the [MASK] raised its rates.', 'a [MASK] of the [MASK].']);
    expect(masks.map((m) => [m.item, m.position])).toEqual([
      [0, 2],
      [1, 2],
      [1, 5],
    ]);
    expect(masks.every((m) => m.logProbs.length === 30522)).toBe(true);
    await lm.release();
  });
});

describe('when the head kernel cannot start', () => {
  it('serves the file as stored and keeps the head in the graph, saying why', async () => {
    const grow = WebAssembly.Memory.prototype.grow;
    WebAssembly.Memory.prototype.grow = () => {
      throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
    };
    try {
      const detacher = new HeadDetacher();
      const bytes = file('tiny-gpt2', 'model_quantized.onnx');
      const served = new Uint8Array(await (await detacher.rewrite(new Response(bytes))).arrayBuffer());
      expect(served).toEqual(bytes);
      expect(detacher.head).toBeUndefined();
      expect(detacher.reason).toMatch(/head kernel did not start: .*Maximum memory/);
    } finally {
      WebAssembly.Memory.prototype.grow = grow;
    }
  });
});

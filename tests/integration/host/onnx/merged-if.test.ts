// The legacy merged decoder (optimum's `decoder_model_merged_quantized.onnx`, the only q8 file of
// `Xenova/distilgpt2`): one If on `use_cache_branch` whose branches read the top-level
// initializers. Sesame cuts the LM head out of both branches (head-graph.ts, merged-if.ts) and
// reads the layers for its decoding step from the with-past branch; these tests hold the result to
// onnxruntime's graph on two files:
// - `tiny-gpt2-legacy` (the hub's pipeline: tied head over the uint8 table, not bit-exact; the
//   bound of tied-head.test.ts: max |Δlogit| < 1e-4 of the row's range, same top-1 and top-10;
//   its else_branch reads no past, as the hub's file's);
// - `tiny-gpt2`'s untied q8 export merged in the test (tests/support/merged-decoder.ts) with an
//   else_branch that reads no past, as the hub's file has: DynamicQuantizeLinear + MatMulInteger,
//   so the head's logits are bit for bit the graph's.
// Greedy completion through the host equals the graph's, from download and from the cache.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { type GraphProto, ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gpt2Body, Gpt2Decoder, type Gpt2Config } from '@/models/host/kernels/gpt2-step';
import { readGpt2 } from '@/models/host/onnx/gpt2-graph';
import { KvState } from '@/models/host/kernels/kv-state';
import { loadModel } from '@/models/host/lm/loader';
import { attachHead, HeadDetacher } from '@/models/host/lm/attach-head';
import { candidatesFor } from '@/models/host/hub/hub-files';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
import { forward, type PastTensors } from '@/models/host/lm/gpt-step';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { mergeDecoder } from '../../../support/merged-decoder';
import { memoryCache, nodeHost } from '../../../support/node-host';
import { type Deviation, expectClose, top, worstOf } from '../../../support/logit-bound';

const ROOT = '.fixtures/hub/sesame-fixtures';
const MERGED = 'decoder_model_merged_quantized.onnx';
const TIED = 'tiny-gpt2-legacy';
const UNTIED = 'tiny-gpt2-legacy-int8';
const VOCAB = 50257;
const config = JSON.parse(readFileSync(`${ROOT}/${TIED}/config.json`, 'utf8')) as Gpt2Config & { n_layer: number; n_embd: number };
const headSize = config.n_embd / config.n_head;
const graphOf = (bytes: Uint8Array): GraphProto => fromBinary(ModelProtoSchema, bytes).graph!;
const tiedBytes = () => new Uint8Array(readFileSync(`${ROOT}/${TIED}/onnx/${MERGED}`));
let untiedBytes: Uint8Array;
/** A hub root holding the untied merged file as `sesame-fixtures/tiny-gpt2-legacy-int8`. */
let tmpRoot: string;

/** The untied head's own weight (int8 [width][vocab]), by name. */
const headWeight = (g: GraphProto) => g.initializer.filter((t) => t.dims.map(Number).join() === `${config.n_embd},${VOCAB}`).map((t) => t.name);

function feeds(ids: number[], past?: Record<string, ort.Tensor>, start = 0): Record<string, ort.Tensor> {
  const ints = (v: number[]) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const out: Record<string, ort.Tensor> = {
    input_ids: ints(ids),
    attention_mask: ints(Array.from({ length: start + ids.length }, () => 1)),
    position_ids: ints(ids.map((_, i) => start + i)),
    // What transformers.js feeds: the with-past branch once there is a past.
    use_cache_branch: new ort.Tensor('bool', [past !== undefined], [1]),
  };
  for (let l = 0; l < config.n_layer; l++) {
    for (const kv of ['key', 'value']) {
      out[`past_key_values.${l}.${kv}`] = past?.[`present.${l}.${kv}`] ?? new ort.Tensor('float32', new Float32Array(0), [1, config.n_head, 0, headSize]);
    }
  }
  return out;
}

let hub: { url: string; close(): Promise<void> };
let hub2: { url: string; close(): Promise<void> };
beforeAll(async () => {
  untiedBytes = mergeDecoder(new Uint8Array(readFileSync(`${ROOT}/tiny-gpt2/onnx/model_quantized.onnx`)), { heads: config.n_head, headSize });
  tmpRoot = mkdtempSync(path.join(tmpdir(), 'sesame-legacy-hub-'));
  const repo = path.join(tmpRoot, 'sesame-fixtures', UNTIED);
  mkdirSync(path.join(repo, 'onnx'), { recursive: true });
  for (const name of readdirSync(`${ROOT}/tiny-gpt2`))
    if (name.endsWith('.json') || name.endsWith('.txt')) copyFileSync(`${ROOT}/tiny-gpt2/${name}`, path.join(repo, name));
  writeFileSync(path.join(repo, 'onnx', MERGED), untiedBytes);
  hub = await startHubServer({ root: '.fixtures/hub' });
  hub2 = await startHubServer({ root: tmpRoot });
  nodeHost(hub.url); // points transformers.js at the loopback hub
});
afterAll(async () => {
  await hub?.close();
  await hub2?.close();
  if (tmpRoot) rmSync(tmpRoot, { recursive: true, force: true });
});

describe('the merged files as the tests hold them', () => {
  it('both: one If on use_cache_branch, a with-past then_branch and an else_branch that reads no past; the untied one has its own head weight', () => {
    const reads = (g: GraphProto) => new Set(g.node.flatMap((n) => n.input));
    for (const merged of [graphOf(tiedBytes()), graphOf(untiedBytes)]) {
      expect(merged.node.map((n) => n.opType)).toEqual(['If']);
      expect(merged.node[0]!.input).toEqual(['use_cache_branch']);
      const branches = Object.fromEntries(merged.node[0]!.attribute.map((a) => [a.name, a.g!]));
      expect(branches.then_branch!.initializer).toHaveLength(0);
      expect(reads(branches.then_branch!).has('past_key_values.0.key')).toBe(true);
      expect(reads(branches.else_branch!).has('past_key_values.0.key')).toBe(false);
    }
    const untied = graphOf(untiedBytes);
    // The older export's untied head: its own [width][vocab] int8 weight beside the embedding table.
    expect(untied.initializer.filter((t) => t.dims.map(Number).join() === `${config.n_embd},${VOCAB}`)).toHaveLength(1);
  });
});

describe.each([
  { name: TIED, bytes: tiedBytes, exact: false },
  { name: `${UNTIED} (merged in the test)`, bytes: () => untiedBytes, exact: true },
])('$name: the head cut out of both branches', ({ name, bytes, exact }) => {
  it('keeps the If, its inputs and the other outputs; each branch ends at its head input; the weights stay top-level', async () => {
    const full = bytes();
    const detached = detachHead(full);
    if (!detached.ok) throw new Error(detached.reason);
    const order = graphOf(full)
      .node[0]!.attribute.map((a) => a.name)
      .join(', ');
    expect(detached.where).toBe(`cut from both branches (${order}) of the legacy merged decoder's If`);
    const before = graphOf(full);
    const after = graphOf(detached.bytes);
    expect(after.node.map((n) => n.opType)).toEqual(['If']);
    expect(after.input.map((i) => i.name)).toEqual(before.input.map((i) => i.name));
    expect(after.output.map((o) => o.name).sort()).toEqual([...before.output.map((o) => o.name).filter((o) => o !== 'logits'), HEAD_INPUT].sort());
    const ifNode = after.node[0]!;
    expect(ifNode.output).toEqual(before.node[0]!.output.map((o) => (o === 'logits' ? HEAD_INPUT : o)));
    const at = ifNode.output.indexOf(HEAD_INPUT);
    for (const a of ifNode.attribute) {
      const g = a.g!;
      expect(g.output).toHaveLength(ifNode.output.length);
      expect(g.output[at]!.name).toBe(`${HEAD_INPUT}_${a.name}`);
      const dims = g.output[at]!.type!.value.case === 'tensorType' ? g.output[at]!.type!.value.value.shape!.dim : [];
      expect(dims.at(-1)!.value).toEqual({ case: 'dimValue', value: BigInt(config.n_embd) });
      expect(g.node.some((n) => n.opType === 'MatMulInteger' && headWeight(before).includes(n.input[1] ?? ''))).toBe(false);
      expect(g.node.some((n) => n.opType === 'Transpose' && n.input[0] === 'transformer.wte.weight_quantized')).toBe(false);
    }
    if (exact) {
      // The untied head's weight goes with it; the layers' weights stay.
      expect(headWeight(before)).toHaveLength(1);
      expect(headWeight(after)).toHaveLength(0);
      expect(detached.weights).toMatchObject({ k: config.n_embd, n: VOCAB, signed: true });
      expect(detached.weights.tiedTo).toBeUndefined();
      expect(full.byteLength - detached.bytes.byteLength).toBeGreaterThan(config.n_embd * VOCAB);
    } else {
      expect(after.initializer.some((t) => t.name === 'transformer.wte.weight_quantized')).toBe(true);
      expect(detached.weights).toMatchObject({ k: config.n_embd, n: VOCAB, layout: 'nk', floatInput: true, tiedTo: 'transformer.wte.weight_quantized' });
    }
    const read = readGpt2(detached.graph);
    if (!read.ok) throw new Error(read.reason);
    expect(read.weights.layers).toHaveLength(config.n_layer);
    const session = await ort.InferenceSession.create(detached.bytes);
    expect(session.inputNames).toContain('use_cache_branch');
    expect(session.outputNames).toContain(HEAD_INPUT);
    await session.release();
  });

  it(`gives the graph's logits ${exact ? 'bit for bit' : 'within the stated bound'} on prompt rows (else_branch) and decoding steps (then_branch)`, async () => {
    const full = bytes();
    const detached = detachHead(full);
    if (!detached.ok) throw new Error(detached.reason);
    const head = Int8Kernel.of(detached.weights);
    expect(head.kind).toBe(exact ? 'int8 head' : 'tied uint8 table kernel');
    const a = await ort.InferenceSession.create(full);
    const b = await ort.InferenceSession.create(detached.bytes);
    const seen: Deviation[] = [];
    const check = (want: Float32Array, got: Float32Array) => (exact ? expect(Array.from(got)).toEqual(Array.from(want)) : expectClose(want, got, seen));
    const ids = [464, 3290, 318, 257, 1332, 13, 632, 373, 11, 290, 262];
    let x = await a.run(feeds(ids));
    let y = await b.run(feeds(ids));
    const hidden = y[HEAD_INPUT]!.data as Float32Array;
    for (let row = 0; row < ids.length; row++) check((x.logits!.data as Float32Array).slice(row * VOCAB, (row + 1) * VOCAB), head.logits(hidden, row));
    // The cut graph's keys/values are the full graph's: only the head left.
    expect(Array.from(y['present.0.key']!.data as Float32Array)).toEqual(Array.from(x['present.0.key']!.data as Float32Array));
    let length = ids.length;
    for (let step = 0; step < 16; step++) {
      const token = top(x.logits!.data.slice(-VOCAB) as Float32Array, 1)[0]!;
      const past = x;
      x = await a.run(feeds([token], past, length));
      y = await b.run(feeds([token], past, length));
      length++;
      check(x.logits!.data as Float32Array, head.logits(y[HEAD_INPUT]!.data as Float32Array, 0));
    }
    const worst = exact ? null : worstOf(seen);
    if (worst)
      console.log(
        `${name} tied head in both branches: max |Δlogit| ${worst.maxAbs.toExponential(2)} (${worst.relative.toExponential(2)} of the range) over 27 rows`,
      );
    await a.release();
    await b.release();
  });
});

describe("Sesame's decoding step on the merged files (layers read from the with-past branch)", () => {
  it.each([
    { id: TIED, exact: false },
    { id: UNTIED, exact: true },
  ])(
    '$id: the step + detached head against the session transformers.js drives (use_cache_branch), step after step',
    async ({ id, exact }) => {
      const spec: ModelSpec = { id: `sesame-fixtures/${id}`, family: 'gpt2', dtype: 'q8' };
      const choice = candidatesFor('q8', 'gpt2').find((c) => c.file === `onnx/${MERGED}`)!;
      nodeHost(id === UNTIED ? hub2.url : hub.url); // where transformers.js reads the files
      const lm = await loadModel(spec, 'cpu', undefined, choice);
      nodeHost(hub.url);
      try {
        expect(lm.model.sessions.model.inputNames).toContain('use_cache_branch');
        const detached = detachHead(exact ? untiedBytes : tiedBytes());
        if (!detached.ok) throw new Error(detached.reason);
        const read = readGpt2(detached.graph);
        if (!read.ok) throw new Error(read.reason);
        const head = Int8Kernel.of(detached.weights);
        const decoder = new Gpt2Decoder(new Gpt2Body(read.weights, undefined, head), config);
        const ids = lm.tokenizer.encode('The river bank was quiet in the early morning, and the fishermen');
        const prompt = await forward(lm, ids, null, 0);
        let graphPast = prompt.past as PastTensors;
        let state = KvState.fromTensors(graphPast, decoder.kvShape);
        let token = top(prompt.logits, 1)[0]!;
        const seen: Deviation[] = [];
        for (let i = 0; i < 12; i++) {
          const graph = await forward(lm, [token], graphPast, ids.length + i);
          const step = decoder.step(token, state);
          const ours = head.apply(step.hidden);
          // The step's float32 sums are in another order than onnxruntime's: within rounding even where the head is exact.
          if (exact) {
            let diff = 0;
            let scale = 0;
            for (let j = 0; j < ours.length; j++) {
              diff = Math.max(diff, Math.abs(ours[j]! - graph.logits[j]!));
              scale = Math.max(scale, Math.abs(graph.logits[j]!));
            }
            expect(diff / scale).toBeLessThan(1e-5);
            expect(top(ours, 1)).toEqual(top(graph.logits, 1));
          } else expectClose(graph.logits, ours, seen);
          state = step.past;
          graphPast = graph.past as PastTensors;
          token = top(graph.logits, 1)[0]!;
        }
        const worst = exact ? null : worstOf(seen);
        if (worst)
          console.log(
            `${id} decoding step + tied head: 12 steps, max |Δlogit| ${worst.maxAbs.toExponential(2)} (${worst.relative.toExponential(2)} of the range)`,
          );
      } finally {
        await lm.release();
      }
    },
    60_000,
  );
});

describe('the host on the merged files', () => {
  const request = { type: 'complete' as const, prompt: 'The river bank was quiet in the early morning, and the fishermen', maxNewTokens: 16 };
  const kernels = { sesameHead: () => true, sesameDecoder: () => true };

  it.each([
    {
      id: TIED,
      head: /^tied uint8 table kernel in Sesame's kernel \(the head reads transformer\.wte\.weight_quantized;.*\), cut from both branches \(else_branch, then_branch\) of the legacy merged decoder's If/,
    },
    { id: UNTIED, head: /^int8 head in Sesame's kernel, cut from both branches \(then_branch, else_branch\) of the legacy merged decoder's If/ },
  ])(
    "$id: completes as the graph does with the head and decoding steps in Sesame's kernels, from download and from the cache, and says so",
    async ({ id, head }) => {
      const url = id === UNTIED ? hub2.url : hub.url;
      const spec: ModelSpec = { id: `sesame-fixtures/${id}`, family: 'gpt2', dtype: 'q8' };
      const text = async (h: ReturnType<typeof nodeHost>) => ((await h.run(request, spec)).result as ResultOf<'complete'>).alternatives[0];
      const loaded = async (h: ReturnType<typeof nodeHost>) =>
        ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === spec.id);
      const graphHost = nodeHost(url, memoryCache(), undefined, { sesameHead: () => false, sesameDecoder: () => false });
      const want = await text(graphHost);
      expect(want?.length).toBeGreaterThan(0);
      expect((await loaded(graphHost))?.file).toBe(`onnx/${MERGED}`);
      const store = memoryCache();
      const downloaded = nodeHost(url, store, undefined, kernels);
      expect(await text(downloaded)).toBe(want);
      const status = await loaded(downloaded);
      expect(status?.head).toMatch(head);
      expect(status?.decoder).toBe(`prompts and steps in Sesame's kernels (${config.n_layer} layers), no onnxruntime session`);
      const fromCache = nodeHost(url, store, undefined, kernels);
      expect(await text(fromCache)).toBe(want);
      const cached = await loaded(fromCache);
      expect(cached?.head).toMatch(head);
      expect(cached?.head).not.toMatch(/session rebuilt/);
      expect(cached?.decoder).toBe(`prompts and steps in Sesame's kernels (${config.n_layer} layers), no onnxruntime session`);
    },
    120_000,
  );

  it('rebuilds a merged session that was built with its head (bytes that bypassed the cache): the same logits, bit for bit, and the layers read along', async () => {
    const spec: ModelSpec = { id: `sesame-fixtures/${UNTIED}`, family: 'gpt2', dtype: 'q8' };
    const choice = candidatesFor('q8', 'gpt2').find((c) => c.file === `onnx/${MERGED}`)!;
    const h = nodeHost(hub2.url);
    const lm = await loadModel(spec, 'cpu', undefined, choice);
    nodeHost(hub.url);
    try {
      const ids = lm.tokenizer.encode(request.prompt);
      const before = await forward(lm, ids, null, 0);
      const beforeStep = await forward(lm, [11], before.past, ids.length);
      let layers: number | undefined;
      const detacher = new HeadDetacher(undefined, {
        read: (graph) => readGpt2(graph),
        use: (read) => void (layers = read.ok ? read.weights.layers.length : undefined),
      });
      const status = await attachHead(lm, detacher, () => h.cache.read(spec.id, `onnx/${MERGED}`));
      expect(status).toEqual({ ok: true, swapped: true, where: "cut from both branches (then_branch, else_branch) of the legacy merged decoder's If" });
      expect(layers).toBe(config.n_layer);
      expect(lm.model.sessions.model.outputNames).toContain(HEAD_INPUT);
      expect(lm.model.sessions.model.inputNames).toContain('use_cache_branch');
      const after = await forward(lm, ids, null, 0);
      expect(Array.from(after.logits)).toEqual(Array.from(before.logits));
      const step = await forward(lm, [11], after.past, ids.length); // the then_branch, through the session (no decoder on lm)
      expect(Array.from(step.logits)).toEqual(Array.from(beforeStep.logits));
    } finally {
      await lm.release();
    }
  }, 60_000);
});

// Hidden-state surgery on every masked-LM fixture, checked by running the models on onnxruntime-node.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema } from 'onnx-buf';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  findHiddenStates,
  HIDDEN_ROWS_INPUT,
  ORDER_PREFIX,
  planHiddenStates,
  planHiddenStatesOf,
  withHiddenStates,
} from '@/models/host/onnx/hidden-states-graph';
import { exposeHiddenStates } from '@/models/host/onnx/hidden-states';
import { detachHead, HEAD_INPUT } from '@/models/host/onnx/head-graph';
import { ModelCache } from '@/models/shared/model-files/model-cache';
import { memoryCache } from '../../../../scripts/model-source';

interface FixtureModel {
  dims: { layers: number; hidden: number };
  layer_outputs: string[];
  embedding_output: string;
}
const manifest = JSON.parse(readFileSync('.fixtures/hub/manifest.json', 'utf8')) as { models: Record<string, FixtureModel> };
// The *-tied ones are made as the hub's files are (optimum + onnxruntime's quantizer, per-channel q8).
const ENCODERS = ['tiny-bert-uncased', 'tiny-distilbert-uncased', 'tiny-ernie-zh', 'tiny-bert-chinese', 'tiny-bert-uncased-tied', 'tiny-ernie-zh-tied'].map(
  (m) => `sesame-fixtures/${m}`,
);
const FILES = ['model.onnx', 'model_quantized.onnx'];
const cases = ENCODERS.flatMap((id) => FILES.map((file) => ({ id, file })));

const onnx = (id: string, file: string) => new Uint8Array(readFileSync(`.fixtures/hub/${id}/onnx/${file}`));

/** Two padded rows from the fixture's reference input, for every input the session declares. */
function feeds(id: string, inputNames: readonly string[]): Record<string, ort.Tensor> {
  const ref = JSON.parse(readFileSync(`.fixtures/hub/${id}/reference.json`, 'utf8')) as { input: Record<string, number[][]> };
  const ids = ref.input.input_ids![0]!;
  const rows = [ids, [...ids.slice(0, 4), ids.at(-1)!, ...new Array<number>(ids.length - 5).fill(0)]];
  const mask = rows.map((r, i) => r.map((_, t) => (i === 0 || t < 5 ? 1 : 0)));
  const out: Record<string, ort.Tensor> = {};
  for (const name of inputNames) {
    const values = name === 'input_ids' ? rows : name === 'attention_mask' ? mask : rows.map((r) => r.map(() => 0));
    out[name] = new ort.Tensor('int64', BigInt64Array.from(values.flat(), BigInt), [2, ids.length]);
  }
  return out;
}

/** The same model with the named graph tensors exposed as raw outputs (no surgery code involved). */
function exposeByName(bytes: Uint8Array, names: string[]): Uint8Array {
  const tail = toBinary(ModelProtoSchema, create(ModelProtoSchema, { graph: { output: names.map((name) => ({ name })) } }));
  const out = new Uint8Array(bytes.byteLength + tail.byteLength);
  out.set(bytes);
  out.set(tail, bytes.byteLength);
  return out;
}

/** Byte equality without a deep-equal walk over megabytes. */
const sameBytes = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const maxDiff = (a: ort.Tensor, b: ort.Tensor) => {
  const x = a.data as Float32Array;
  const y = b.data as Float32Array;
  expect(x.length).toBe(y.length);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i]! - y[i]!));
  return d;
};

describe.each(cases)('hidden-state surgery on $id $file', ({ id, file }) => {
  const fixture = manifest.models[id]!;
  const expected = [fixture.embedding_output, ...fixture.layer_outputs];

  it('adds layers + 1 outputs that copy the embeddings and every layer, and leaves the logits alone', async () => {
    const bytes = onnx(id, file);
    const result = withHiddenStates(bytes, { numLayers: fixture.dims.layers, hiddenSize: fixture.dims.hidden });
    if (!result.ok) throw new Error(result.reason);
    expect(result.method).toBe('names');
    expect(result.names).toEqual(Array.from({ length: fixture.dims.layers + 1 }, (_, k) => `hidden_states.${k}`));
    expect(result.sources).toEqual(expected);
    // Appended, not rewritten: the original bytes are a prefix of the result.
    expect(sameBytes(result.bytes.subarray(0, bytes.byteLength), bytes)).toBe(true);

    const graph = fromBinary(ModelProtoSchema, result.bytes).graph!;
    const declared = graph.output.filter((o) => o.name.startsWith('hidden_states.'));
    for (const o of declared) {
      const t = o.type!.value;
      expect(t.case).toBe('tensorType');
      if (t.case !== 'tensorType') continue;
      expect(t.value.elemType).toBe(1);
      expect(t.value.shape!.dim.map((d) => d.value.value)).toEqual(['hidden_rows', BigInt(fixture.dims.hidden)]);
    }

    const plain = await ort.InferenceSession.create(bytes);
    const modified = await ort.InferenceSession.create(result.bytes);
    const reference = await ort.InferenceSession.create(exposeByName(bytes, expected));
    expect(modified.outputNames).toEqual(['logits', ...result.names, `${ORDER_PREFIX}logits`]);
    expect(modified.inputNames).toEqual([...plain.inputNames, HIDDEN_ROWS_INPUT]);
    const input = feeds(id, plain.inputNames);
    const seq = input.input_ids!.dims[1]!;
    // Rows of either sequence, in any order, one twice, a padding position among them.
    const rows = [seq + 1, 0, 2 * seq - 1, 3, 3, seq];
    const [a, b, r] = await Promise.all([
      plain.run(input),
      modified.run({ ...input, [HIDDEN_ROWS_INPUT]: new ort.Tensor('int64', BigInt64Array.from(rows, BigInt), [rows.length]) }),
      reference.run(input),
    ]);
    expect(maxDiff(a.logits!, b.logits!)).toBeLessThan(1e-5);
    const width = fixture.dims.hidden;
    result.names.forEach((name, k) => {
      expect(b[name]!.type).toBe('float32');
      expect(b[name]!.dims).toEqual([rows.length, width]);
      const all = r[expected[k]!]!.data as Float32Array;
      const picked = new ort.Tensor('float32', Float32Array.from(rows.flatMap((row) => [...all.subarray(row * width, (row + 1) * width)])), [
        rows.length,
        width,
      ]);
      expect(maxDiff(b[name]!, picked)).toBeLessThan(1e-6);
    });
    // The layers differ from one another (each output really is its own tensor).
    expect(maxDiff(b['hidden_states.0']!, b[result.names.at(-1)!]!)).toBeGreaterThan(1e-3);
    await Promise.all([plain.release(), modified.release(), reference.release()]);
  });

  it('maps by structure when the export has no usable node names', () => {
    const model = fromBinary(ModelProtoSchema, onnx(id, file));
    model.graph!.node.forEach((n, i) => (n.name = `node_${i}`));
    const graph = model.graph!;
    const mapping = findHiddenStates(graph);
    if (!mapping.ok) throw new Error(mapping.reason);
    expect(mapping.method).toBe('structure');
    expect(mapping.sources).toEqual(expected);
    expect(findHiddenStates(graph, fixture.dims.layers)).toMatchObject({ ok: true, sources: expected });
  });

  it('is idempotent and refuses a wrong layer count', () => {
    const once = withHiddenStates(onnx(id, file));
    if (!once.ok) throw new Error(once.reason);
    const twice = withHiddenStates(once.bytes);
    expect(twice).toMatchObject({ ok: true, method: 'present', names: once.names, sources: once.sources });
    expect(twice.ok && twice.bytes).toBe(once.bytes);
    const wrong = withHiddenStates(onnx(id, file), { numLayers: fixture.dims.layers + 1 });
    expect(wrong.ok).toBe(false);
    expect(!wrong.ok && wrong.reason).toMatch(/expected/);
  });
});

/** The node order onnxruntime runs after its optimisations (it writes the optimised model in that order). */
async function runOrder(bytes: Uint8Array): Promise<string[][]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sesame-order-'));
  try {
    writeFileSync(path.join(dir, 'in.onnx'), bytes);
    const session = await ort.InferenceSession.create(path.join(dir, 'in.onnx'), { optimizedModelFilePath: path.join(dir, 'out.onnx') });
    await session.release();
    return fromBinary(ModelProtoSchema, new Uint8Array(readFileSync(path.join(dir, 'out.onnx')))).graph!.node.map((n) => n.output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the hidden states cost no more memory than their rows', () => {
  const id = 'sesame-fixtures/tiny-bert-uncased-tied';
  const fixture = () => manifest.models[id]!;
  const sources = () => [fixture().embedding_output, ...fixture().layer_outputs];
  const dims = () => ({ numLayers: fixture().dims.layers, hiddenSize: fixture().dims.hidden });

  /** Each layer's Gather runs before the next layer's output is made (its output can then be freed), the final output's Shape last. */
  function expectEachGatherRightAfterItsLayer(order: string[][], final: string) {
    const at = (tensor: string) => order.findIndex((outputs) => outputs.includes(tensor));
    sources().forEach((_, k) => {
      const gathered = at(`hidden_states.${k}`);
      expect(gathered).toBeGreaterThan(at(sources()[k]!));
      if (k + 1 < sources().length) expect(gathered).toBeLessThan(at(sources()[k + 1]!));
    });
    expect(at(`${ORDER_PREFIX}${final}`)).toBe(order.length - 1);
  }

  it('as the file is served with its head in the graph (fp32 and q8)', async () => {
    for (const file of FILES) {
      const result = withHiddenStates(onnx(id, file), dims());
      if (!result.ok) throw new Error(result.reason);
      expectEachGatherRightAfterItsLayer(await runOrder(result.bytes), 'logits');
    }
  });

  it('as the head-detached rewrite is served (q8)', async () => {
    const detached = detachHead(onnx(id, 'model_quantized.onnx'), (graph) => {
      const plan = planHiddenStatesOf(graph, { ...dims(), finalOutputs: [HEAD_INPUT] });
      if (!plan.ok) throw new Error(plan.reason);
      return plan.tail;
    });
    if (!detached.ok) throw new Error(detached.reason);
    expectEachGatherRightAfterItsLayer(await runOrder(detached.bytes), HEAD_INPUT);
  });
});

describe('surgery limits', () => {
  it('refuses a pre-LN decoder (GPT-2) and bytes that are not a model, with reasons', () => {
    for (const file of FILES) {
      const gpt2 = withHiddenStates(onnx('sesame-fixtures/tiny-gpt2', file));
      expect(gpt2.ok).toBe(false);
      expect(!gpt2.ok && gpt2.reason).toMatch(/residual|embeddings/);
    }
    const junk = planHiddenStates(new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    expect(junk).toMatchObject({ ok: false });
  });

  it('rewrites a cached Response for transformers.js, and leaves other files as they were', async () => {
    const bytes = onnx('sesame-fixtures/tiny-bert-uncased', 'model_quantized.onnx');
    const response = await exposeHiddenStates(new Response(bytes, { headers: { 'content-length': String(bytes.byteLength), 'x-kept': 'yes' } }));
    const body = new Uint8Array(await response.arrayBuffer());
    expect(Number(response.headers.get('content-length'))).toBe(body.byteLength);
    expect(response.headers.get('x-kept')).toBe('yes');
    const session = await ort.InferenceSession.create(body);
    expect(session.outputNames).toEqual(['logits', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2', `${ORDER_PREFIX}logits`]);
    await session.release();

    const gpt2 = onnx('sesame-fixtures/tiny-gpt2', 'model.onnx');
    const same = await exposeHiddenStates(new Response(gpt2));
    expect(sameBytes(new Uint8Array(await same.arrayBuffer()), gpt2)).toBe(true);
  });

  it('the cache serves an exposed model rewritten, and as published inside asPublished (the bench baselines)', async () => {
    const id = 'sesame-fixtures/tiny-bert-uncased';
    const bytes = onnx(id, 'model.onnx');
    const cache = new ModelCache(memoryCache());
    const url = `https://huggingface.co/${id}/resolve/main/onnx/model.onnx`;
    await cache.put(url, new Response(bytes, { headers: { 'content-length': String(bytes.byteLength) } }));
    cache.rewriteOnnxOf(id, exposeHiddenStates);
    const read = async () => new Uint8Array(await (await cache.match(url))!.arrayBuffer());
    expect((await read()).byteLength).toBeGreaterThan(bytes.byteLength);
    expect(sameBytes(await cache.asPublished(read), bytes)).toBe(true);
    expect((await read()).byteLength).toBeGreaterThan(bytes.byteLength);
  });
});

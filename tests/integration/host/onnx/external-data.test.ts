// A rewritten graph served without its weights (issue #21, host memory): the initializers' bytes
// go out of the model into one block (graph-splice.ts spliceGraphExternal) that onnxruntime-web is
// handed as `externalData`, so that its heap holds each weight once instead of the file's bytes,
// the parsed protobuf's copy and the tensors at once. The session must compute exactly what the
// same graph with its weights inline computes; a stored rewrite keeps the block once, with the
// head's table and the GPT-2 layers read along as views into it.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeadDetacher, type RewriteStore } from '@/models/host/lm/attach-head';
import { detachHead, HIDDEN_ROWS_INPUT, type HeadDetach, hiddenStatesTail, readGpt2, unpack } from '@/models/host/onnx';
import { REVISION_HEADER } from '@/models/shared/model-files/model-cache';

const ROOT = '.fixtures/hub/sesame-fixtures';
const file = (id: string, name = 'model_quantized.onnx') => new Uint8Array(readFileSync(`${ROOT}/${id}/onnx/${name}`));
const DATA = 'sesame-weights';
const hiddenStates = hiddenStatesTail();

type Feeds = Record<string, ort.Tensor>;
const ints = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

/** A prompt pass's inputs for the session: 7 tokens, an empty past. */
function feedsFor(session: ort.InferenceSession, heads: number, headSize: number): Feeds {
  const n = 7;
  const feeds: Feeds = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids')
      feeds[name] = ints(
        Array.from({ length: n }, (_, i) => 5 + 11 * i),
        [1, n],
      );
    else if (name === 'attention_mask') feeds[name] = ints(Array(n).fill(1), [1, n]);
    else if (name === 'position_ids')
      feeds[name] = ints(
        Array.from({ length: n }, (_, i) => i),
        [1, n],
      );
    else if (name.endsWith('type_ids')) feeds[name] = ints(Array(n).fill(0), [1, n]);
    else if (name.startsWith('past_key_values')) feeds[name] = new ort.Tensor('float32', new Float32Array(0), [1, heads, 0, headSize]);
    else if (name === 'use_cache_branch') feeds[name] = new ort.Tensor('bool', [false], [1]);
    // Every token's hidden states.
    else if (name === HIDDEN_ROWS_INPUT) feeds[name] = ints([...Array(n).keys()], [n]);
  }
  return feeds;
}

async function outputs(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, heads: number, headSize: number) {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], ...options });
  try {
    const out = await session.run(feedsFor(session, heads, headSize));
    return Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { dims: t.dims, data: Array.from(t.data as Float32Array) }]));
  } finally {
    await session.release();
  }
}

/** Byte equality of two views (vitest's deep equality walks a megabyte table element by element). */
const same = (a: ArrayBufferView | undefined, b: ArrayBufferView) =>
  !!a && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const config = (id: string) => JSON.parse(readFileSync(`${ROOT}/${id}/config.json`, 'utf8')) as Record<string, number>;

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('a rewritten graph with its weights as external data', () => {
  // The legacy merged decoder's If is re-encoded with its branches (and what they hold) in the graph.
  const cases: [string, string, boolean, boolean][] = [
    ['tiny-gpt2-tied', 'model_quantized.onnx', false, true],
    ['tiny-gpt2', 'model_quantized.onnx', false, true],
    ['tiny-bert-uncased-tied', 'model_quantized.onnx', true, true],
    ['tiny-gpt2-legacy', 'decoder_model_merged_quantized.onnx', false, false],
  ];
  for (const [id, name, encoder, flat] of cases) {
    it(`${id}: onnxruntime-web computes exactly what the graph with its weights inline computes`, async () => {
      const bytes = file(id, name);
      const inline = detachHead(bytes, encoder ? hiddenStates : undefined) as Extract<HeadDetach, { ok: true }>;
      const external = detachHead(bytes, encoder ? hiddenStates : undefined, DATA) as Extract<HeadDetach, { ok: true }>;
      expect(inline.ok && external.ok).toBe(true);
      expect(inline.external).toBeUndefined();
      // The graph alone is small; the block holds the initializers' bytes.
      if (flat) expect(external.bytes.byteLength).toBeLessThan(inline.bytes.byteLength / 2);
      expect(external.external!.data.byteLength).toBeGreaterThan(inline.bytes.byteLength / (flat ? 2 : 4));
      const c = config(id);
      const heads = c.n_head ?? c.num_attention_heads ?? 1;
      const headSize = (c.n_embd ?? c.hidden_size ?? 1) / heads;
      const a = await outputs(inline.bytes, {}, heads, headSize);
      const b = await outputs(external.bytes, { externalData: [{ path: DATA, data: external.external!.data }] }, heads, headSize);
      expect(Object.keys(b).length).toBeGreaterThan(0);
      expect(b).toEqual(a);
    });
  }

  it("maps a view into the file's initializer bytes to the same bytes in the block (the head's table, a layer's weights), and nothing else", () => {
    const bytes = file('tiny-gpt2-tied');
    const detached = detachHead(bytes, undefined, DATA) as Extract<HeadDetach, { ok: true }>;
    const { moved } = detached.external!;
    const head = moved(detached.weights.data)!;
    expect(head.buffer).toBe(detached.external!.data.buffer);
    expect(same(head, detached.weights.data)).toBe(true);
    const read = readGpt2(detached.graph);
    if (!read.ok) throw new Error(read.reason);
    const fc = read.weights.layers[0]!.fc.data;
    expect(same(moved(fc), fc)).toBe(true);
    expect(same(moved(fc.subarray(10, 20)), fc.subarray(10, 20))).toBe(true);
    expect(moved(new Uint8Array(16))).toBeUndefined();
    expect(moved(bytes.subarray(0, 16))).toBeUndefined();
  });
});

describe('HeadDetacher serving external data', () => {
  const bytes = file('tiny-gpt2-tied');
  const fileResponse = () => new Response(bytes.slice(), { headers: { 'content-length': String(bytes.byteLength), [REVISION_HEADER]: 'abc' } });
  const store = (): RewriteStore & { bytes?: Uint8Array } => {
    const s: RewriteStore & { bytes?: Uint8Array } = {
      read: async () => s.bytes,
      write: async (b) => void (s.bytes = b),
    };
    return s;
  };
  const layers = () => ({ read: readGpt2, use: () => undefined });

  it('hands the block to the session, stores it once with the head and the layers inside it, and serves the same from the store', async () => {
    const inlineStore = store();
    const inline = new HeadDetacher(undefined, layers(), undefined, inlineStore);
    await inline.rewrite(fileResponse());
    await inline.stored;
    expect(inline.externalData()).toEqual([]);

    const kept = store();
    const made = new HeadDetacher(undefined, layers(), undefined, kept, DATA);
    const [before] = made.externalData();
    expect(before!.data.byteLength).toBe(0);
    const served = new Uint8Array(await (await made.rewrite(fileResponse())).arrayBuffer());
    await made.stored;
    const [given] = made.externalData();
    expect(given!.path).toBe(DATA);
    const block = given!.data.slice();
    expect(block.byteLength).toBeGreaterThan(bytes.byteLength / 2);
    expect(served.byteLength).toBeLessThan(bytes.byteLength / 2);
    // The tied table, the layers read along and the block: stored once (about the file's size), not twice as inline.
    expect(kept.bytes!.byteLength).toBeLessThan(bytes.byteLength * 1.1);
    expect(inlineStore.bytes!.byteLength).toBeGreaterThan(bytes.byteLength * 1.3);
    const packed = unpack<{ data: Uint8Array; head: { data: Uint8Array }; along: { weights: { wte: { data: Uint8Array } } } }>(kept.bytes!);
    expect(packed.head.data.buffer).toBe(packed.data.buffer);
    expect(packed.along.weights.wte.data.byteOffset).toBe(packed.head.data.byteOffset);

    made.dropData();
    expect(made.externalData()[0]!.data.byteLength).toBe(0);

    const again = new HeadDetacher(undefined, layers(), undefined, kept, DATA);
    const servedAgain = new Uint8Array(await (await again.rewrite(fileResponse())).arrayBuffer());
    expect(again.fromStore).toBe(true);
    expect(same(servedAgain, served)).toBe(true);
    expect(same(again.externalData()[0]!.data, block)).toBe(true);
    const hidden = Float32Array.from({ length: made.head!.k * 2 }, (_, i) => Math.cos(i));
    expect(again.head!.rows(hidden, [0, 1])).toEqual(made.head!.rows(hidden, [0, 1]));
    // A stored rewrite without the block (made for onnxruntime-node) is not served to a load that wants one.
    const other = new HeadDetacher(undefined, layers(), undefined, inlineStore, DATA);
    await other.rewrite(fileResponse());
    expect(other.fromStore).toBe(false);
  });
});

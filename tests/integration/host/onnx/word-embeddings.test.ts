// A tied model's word-embedding lookup taken out of the graph (issue #21, host memory): the
// session's Gather over the 8-bit table and its DequantizeLinear go (head-graph.ts
// `WORD_EMBEDDINGS_INPUT`), and the session is fed the rows Sesame reads from the head kernel's
// copy of the same table (`Int8Kernel.tableRows`), so onnxruntime-web holds no copy of it. Every
// output must be bit-identical to the graph that does the lookup itself, and the hidden states to
// the unmodified graph's.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { Int8Kernel } from '@/models/host/kernels';
import {
  detachHead,
  type HeadDetach,
  HIDDEN_ROWS_INPUT,
  HIDDEN_STATE_PREFIX,
  hiddenStatesTail,
  WORD_EMBEDDINGS_INPUT,
  withHiddenStates,
} from '@/models/host/onnx';

const ROOT = '.fixtures/hub/sesame-fixtures';
const DATA = 'sesame-weights';
const file = (id: string) => new Uint8Array(readFileSync(`${ROOT}/${id}/onnx/model_quantized.onnx`));
const hiddenStates = hiddenStatesTail();
const ints = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

type Out = Record<string, { dims: readonly number[]; data: Float32Array }>;

/** A decoder's past: [batch, heads, tokens, head size] per layer (its config's). */
type PastShape = { heads: number; headSize: number };

async function run(
  bytes: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  ids: number[][],
  words?: Int8Kernel,
  past?: PastShape,
): Promise<{ inputs: readonly string[]; out: Out }> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], ...options });
  try {
    const [batch, n] = [ids.length, ids[0]!.length];
    const flat = ids.flat();
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      if (name === 'input_ids') feeds[name] = ints(flat, [batch, n]);
      else if (name === 'attention_mask') feeds[name] = ints(Array(batch * n).fill(1), [batch, n]);
      else if (name.endsWith('type_ids')) feeds[name] = ints(Array(batch * n).fill(0), [batch, n]);
      else if (name === 'position_ids')
        feeds[name] = ints(
          ids.flatMap((row) => row.map((_, i) => i)),
          [batch, n],
        );
      // A prompt pass: no tokens before it.
      else if (name.startsWith('past_key_values') && past) feeds[name] = new ort.Tensor('float32', new Float32Array(0), [batch, past.heads, 0, past.headSize]);
      else if (name === WORD_EMBEDDINGS_INPUT) feeds[name] = new ort.Tensor('float32', words!.tableRows(flat), [batch, n, words!.k]);
      // Every token's hidden states.
      else if (name === HIDDEN_ROWS_INPUT) feeds[name] = ints([...flat.keys()], [flat.length]);
    }
    const out = await session.run(feeds);
    return {
      inputs: session.inputNames,
      out: Object.fromEntries(Object.entries(out).map(([name, t]) => [name, { dims: t.dims, data: (t.data as Float32Array).slice() }])),
    };
  } finally {
    await session.release();
  }
}

/** Bitwise equality of float32 arrays (vitest's toEqual would take -0 for 0 and walk element by element). */
const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

describe('the word-embedding lookup out of the graph', () => {
  // The tied encoders the suite builds (the full-size bert-base gets the same cut in the bench's rows).
  for (const id of ['tiny-bert-uncased-tied', 'tiny-ernie-zh-tied']) {
    it(`${id}: the session fed the kernel's rows computes exactly what the graph with its lookup computes`, { timeout: 300_000 }, async () => {
      const bytes = file(id);
      const kept = detachHead(bytes, hiddenStates, DATA) as Extract<HeadDetach, { ok: true }>;
      const cut = detachHead(bytes, hiddenStates, DATA, true) as Extract<HeadDetach, { ok: true }>;
      expect(kept.ok && cut.ok).toBe(true);
      const head = Int8Kernel.of(cut.weights);
      const table = cut.weights.n * cut.weights.k;
      // The table is no longer in what the session is given.
      expect(kept.external!.data.byteLength - cut.external!.data.byteLength).toBeGreaterThanOrEqual(table);
      const ids = [
        [101, 2057, 2938, 2006, 1996, 2924, 1997, 1996, 2314, 1012, 102].map((t) => t % cut.weights.n),
        [101, 7, 0, 1, 2, 3, 4, 5, 6, cut.weights.n - 1, 102].map((t) => t % cut.weights.n),
      ];
      const withLookup = await run(kept.bytes, { externalData: [{ path: DATA, data: kept.external!.data }] }, ids);
      const fed = await run(cut.bytes, { externalData: [{ path: DATA, data: cut.external!.data }] }, ids, head);
      expect(withLookup.inputs).not.toContain(WORD_EMBEDDINGS_INPUT);
      expect(fed.inputs).toContain(WORD_EMBEDDINGS_INPUT);
      expect(Object.keys(fed.out).sort()).toEqual(Object.keys(withLookup.out).sort());
      for (const [name, t] of Object.entries(withLookup.out)) {
        expect(fed.out[name]!.dims, name).toEqual(t.dims);
        expect(bits(fed.out[name]!.data).equals(bits(t.data)), name).toBe(true);
      }
      // The hidden states are the unmodified graph's (its head and lookup in place, the outputs added).
      const plain = withHiddenStates(bytes);
      if (!('bytes' in plain)) throw new Error(plain.reason);
      const unmodified = await run(plain.bytes, {}, ids);
      const hidden = Object.keys(unmodified.out).filter((n) => n.startsWith(HIDDEN_STATE_PREFIX));
      expect(hidden.length).toBeGreaterThan(1);
      for (const name of hidden) expect(bits(fed.out[name]!.data).equals(bits(unmodified.out[name]!.data)), name).toBe(true);
    });
  }

  // The tied decoders: GPT-2's token Gather reads the head's table (transformer.wte.weight_quantized)
  // through `input_ids.view(-1, n)`, Qwen2's the tied lm_head's. A decoder has no hidden-states tail.
  const decoders: [string, (c: Record<string, number>) => PastShape][] = [
    ['tiny-gpt2-tied', (c) => ({ heads: c.n_head!, headSize: c.n_embd! / c.n_head! })],
    ['tiny-qwen2', (c) => ({ heads: c.num_key_value_heads!, headSize: c.head_dim! })],
  ];
  for (const [id, pastOf] of decoders) {
    it(`${id}: a prompt pass fed the kernel's token rows computes exactly what the graph with its lookup computes`, { timeout: 300_000 }, async () => {
      const bytes = file(id);
      const past = pastOf(JSON.parse(readFileSync(`${ROOT}/${id}/config.json`, 'utf8')));
      const kept = detachHead(bytes, undefined, DATA) as Extract<HeadDetach, { ok: true }>;
      const cut = detachHead(bytes, undefined, DATA, true) as Extract<HeadDetach, { ok: true }>;
      expect(kept.ok && cut.ok).toBe(true);
      const head = Int8Kernel.of(cut.weights);
      expect(kept.external!.data.byteLength - cut.external!.data.byteLength).toBeGreaterThanOrEqual(cut.weights.n * cut.weights.k);
      const ids = [[464, 3290, 11, 7, 0, 1, 50256, cut.weights.n - 1, 13].map((t) => t % cut.weights.n)];
      const withLookup = await run(kept.bytes, { externalData: [{ path: DATA, data: kept.external!.data }] }, ids, undefined, past);
      const fed = await run(cut.bytes, { externalData: [{ path: DATA, data: cut.external!.data }] }, ids, head, past);
      expect(withLookup.inputs).not.toContain(WORD_EMBEDDINGS_INPUT);
      expect(fed.inputs).toContain(WORD_EMBEDDINGS_INPUT);
      expect(Object.keys(fed.out).sort()).toEqual(Object.keys(withLookup.out).sort());
      expect(Object.keys(fed.out).some((name) => name.startsWith('present'))).toBe(true);
      for (const [name, t] of Object.entries(withLookup.out)) {
        expect(fed.out[name]!.dims, name).toEqual(t.dims);
        expect(bits(fed.out[name]!.data).equals(bits(t.data)), name).toBe(true);
      }
    });
  }

  it('keeps the lookup of an untied decoder and of the legacy merged one (its head is cut from the If only)', () => {
    for (const path of ['tiny-gpt2/onnx/model_quantized.onnx', 'tiny-gpt2-legacy/onnx/decoder_model_merged_quantized.onnx']) {
      const cut = detachHead(new Uint8Array(readFileSync(`${ROOT}/${path}`)), undefined, DATA, true);
      expect(cut.ok, path).toBe(true);
      const text = cut.ok ? new TextDecoder('latin1').decode(cut.bytes) : '';
      expect(text.includes(WORD_EMBEDDINGS_INPUT), path).toBe(false);
    }
  });

  it("keeps the lookup when it is not the head's table with its scale (an untied encoder)", () => {
    const cut = detachHead(file('tiny-bert-uncased'), hiddenStates, DATA, true);
    if (cut.ok) expect(cut.bytes.byteLength).toBeGreaterThan(0);
    // Untied: the head is its own weight; the lookup stays in the graph (no input added).
    const text = cut.ok ? new TextDecoder('latin1').decode(cut.bytes) : '';
    expect(text.includes(WORD_EMBEDDINGS_INPUT)).toBe(false);
  });

  it('rejects an id outside the table, as Gather does', () => {
    const cut = detachHead(file('tiny-bert-uncased-tied'), hiddenStates, DATA, true) as Extract<HeadDetach, { ok: true }>;
    const head = Int8Kernel.of(cut.weights);
    expect(() => head.tableRows([cut.weights.n])).toThrow(RangeError);
    expect(() => head.tableRows([-1])).toThrow(RangeError);
  });
});

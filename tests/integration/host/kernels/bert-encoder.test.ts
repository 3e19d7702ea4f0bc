// Sesame's BERT encoder (models/host/kernels/bert-encoder.ts) against the session it stands in
// for: read from the tiny q8 fixtures' graphs (BERT and ERNIE, heads tied to their word
// embeddings as the hub's are), a padded batch of texts of different lengths must give the
// session's hidden states at the rows asked and its logits up to float32 rounding.
import { readFileSync } from 'node:fs';
import { fromBinary } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { ModelProtoSchema } from 'onnx-buf';
import { Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BertBody, BertEncoder, type BertConfig, sideBySide } from '@/models/host/kernels/bert-encoder';
import { ownKernel } from '@/models/host/kernels/gemv-module';
import { Int8Kernel } from '@/models/host/kernels/int8-kernel';
import type { LoadedModel } from '@/models/host/lm/loader';
import { runModel } from '@/models/host/lm/logits';
import { readBert } from '@/models/host/onnx/bert-graph';
import { detachHead } from '@/models/host/onnx/head-graph';
import { HIDDEN_ROWS_INPUT, hiddenStateName, withHiddenStates } from '@/models/host/onnx/hidden-states-graph';
import type { ModelSpec, ResultOf, ServerMessage, ToolResult } from '@/models/shared/protocol';
import { randomWeights, sevenBitWeights } from '../../../support/int8-weights';
import { relaxedInJavaScript } from '../../../support/relaxed-dots';
import {
  BANK_SENTENCES,
  bankUses,
  changedConfigHub,
  clozeRequest,
  clozeZhRequest,
  expectNoSession,
  relativeError,
  senseRequest,
} from '../../../support/kernel-checks';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../support/hub-server.mjs';
import { nodeThreads, until } from '../../../support/gemv-node-threads';
import { memoryCache, nodeHost } from '../../../support/node-host';

const fixture = (id: string, name = 'model_quantized.onnx') => new Uint8Array(readFileSync(`.fixtures/hub/sesame-fixtures/${id}/onnx/${name}`));
const configOf = (id: string) =>
  JSON.parse(readFileSync(`.fixtures/hub/sesame-fixtures/${id}/config.json`, 'utf8')) as BertConfig & { num_hidden_layers: number; hidden_size: number };
const graphOf = (bytes: Uint8Array) => fromBinary(ModelProtoSchema, bytes).graph!;

/** The fixture's encoder in Sesame's kernels, its head a kernel over the tied table. */
function kernelModel(id: string) {
  const bytes = fixture(id);
  const detached = detachHead(bytes);
  if (!detached.ok) throw new Error(detached.reason);
  const head = Int8Kernel.of(detached.weights);
  const read = readBert(graphOf(bytes));
  if (!read.ok) throw new Error(read.reason);
  const body = new BertBody(read.weights, undefined, head);
  return { head, body, encoder: new BertEncoder(body, configOf(id)) };
}

describe('reading BERT from a q8 graph', () => {
  it('finds every layer with its six int8 linear layers, norms, embeddings and the head transform', () => {
    const config = configOf('tiny-bert-uncased-tied');
    const read = readBert(graphOf(fixture('tiny-bert-uncased-tied')));
    if (!read.ok) throw new Error(read.reason);
    const { weights } = read;
    const d = config.hidden_size;
    expect(weights.layers).toHaveLength(config.num_hidden_layers);
    for (const l of weights.layers) {
      expect([l.query, l.key, l.value, l.attnOut, l.fc, l.proj].map((w) => [w.k, w.n, w.bias?.length])).toEqual([
        [d, d, d],
        [d, d, d],
        [d, d, d],
        [d, d, d],
        [d, 37, 37],
        [37, d, d],
      ]);
      // The hub's q8 exports quantise the weights per output column.
      expect(l.query.scale).toHaveLength(d);
    }
    expect(weights.word).toMatchObject({ kind: 'int8', rows: 30522, width: d });
    expect(weights.wordName).toBe('bert.embeddings.word_embeddings.weight');
    expect(weights.taskType).toBeUndefined();
    const ernie = readBert(graphOf(fixture('tiny-ernie-zh-tied')));
    expect(ernie.ok && ernie.weights.taskType).toMatchObject({ rows: 3, width: d });
  });

  it('refuses graphs that are not q8 BERT, saying why', () => {
    expect(readBert(graphOf(fixture('tiny-bert-uncased-tied', 'model.onnx')))).toMatchObject({ ok: false, reason: expect.stringMatching(/int8 MatMuls/) });
    expect(readBert(graphOf(fixture('tiny-distilbert-uncased')))).toMatchObject({ ok: false, reason: expect.stringMatching(/not a BERT export/) });
  });

  it('reads the tied word embeddings from the head kernel instead of a copy', () => {
    expect(kernelModel('tiny-bert-uncased-tied').body.wordShared).toBe(true);
  });
});

/** The session's outputs for one text alone (unpadded), its hidden states at `rows` (positions in it). */
async function sessionRun(session: ort.InferenceSession, ids: number[], types: number[], rows: number[]) {
  const n = ids.length;
  const int64 = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
  const feeds: Record<string, ort.Tensor> = { input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), token_type_ids: int64(types) };
  if (session.inputNames.includes('task_type_ids')) feeds.task_type_ids = int64(ids.map(() => 0));
  feeds[HIDDEN_ROWS_INPUT] = new ort.Tensor('int64', BigInt64Array.from(rows, BigInt), [rows.length]);
  expect(n).toBeGreaterThan(0);
  return session.run(feeds);
}

describe('the encoder against the session', () => {
  // Texts of 7, 4, 5 and 90 tokens, padded to 90 with id 0; the second with token type 1 after its third. The
  // last is longer than the attention's first room (64 tokens): it grows in the middle of the pass.
  const texts = [
    [101, 2023, 2003, 1037, 3231, 1012, 102],
    [101, 7592, 2088, 102],
    [101, 1996, 103, 2003, 102],
    [101, ...Array.from({ length: 88 }, (_, i) => 1000 + ((i * 37) % 900)), 102],
  ];
  const typesOf = (b: number) => texts[b]!.map((_, i) => (b === 1 && i >= 3 ? 1 : 0));
  const [batch, sequence] = [texts.length, 90];
  const padded = () => {
    const ids = new BigInt64Array(batch * sequence);
    const mask = new BigInt64Array(batch * sequence);
    const types = new BigInt64Array(batch * sequence);
    texts.forEach((t, b) =>
      t.forEach((id, i) => {
        ids[b * sequence + i] = BigInt(id);
        mask[b * sequence + i] = 1n;
        types[b * sequence + i] = BigInt(typesOf(b)[i]!);
      }),
    );
    return { ids, mask, types };
  };

  for (const id of ['tiny-bert-uncased-tied', 'tiny-ernie-zh-tied']) {
    it(`gives ${id}'s hidden states and logits for each text of a padded batch, as the session gives them for the text alone`, async () => {
      const config = configOf(id);
      const served = withHiddenStates(fixture(id), { numLayers: config.num_hidden_layers, hiddenSize: config.hidden_size });
      if (!served.ok) throw new Error(served.reason);
      const session = await ort.InferenceSession.create(served.bytes);
      const { head, encoder } = kernelModel(id);
      const { ids, mask, types } = padded();
      // Rows asked in any order: [text, position].
      const asked: [number, number][] = [
        [1, 2],
        [0, 0],
        [2, 1],
        [3, 77],
        [0, 3],
        [1, 3],
        [3, 0],
      ];
      const pass = await encoder.run({ batch, sequence, ids, mask, tokenTypes: types, rows: asked.map(([b, t]) => b * sequence + t) });
      const width = config.hidden_size;
      expect(pass.hidden).toHaveLength(config.num_hidden_layers + 1);
      for (let b = 0; b < batch; b++) {
        const mine = asked.flatMap(([tb], i) => (tb === b ? [i] : []));
        const out = await sessionRun(session, texts[b]!, typesOf(b), mine.length ? mine.map((i) => asked[i]![1]) : [0]);
        pass.hidden.forEach((layer, l) => {
          const theirs = out[hiddenStateName(l)]!.data as Float32Array;
          mine.forEach((i, j) => {
            const row = layer.subarray(i * width, (i + 1) * width);
            expect(relativeError(theirs.subarray(j * width, (j + 1) * width), row), `text ${b}, hidden state ${l}`).toBeLessThan(1e-5);
          });
        });
        const logits = out.logits!.data as Float32Array;
        const vocab = out.logits!.dims.at(-1) as number;
        const rows = texts[b]!.map((_, t) => b * sequence + t);
        for (const [t, row] of head.rows(pass.headInput, rows).entries()) {
          expect(relativeError(logits.subarray(t * vocab, (t + 1) * vocab), row), `logits of text ${b}, token ${t}`).toBeLessThan(1e-3);
        }
      }
    });
  }

  it('gives a text the same outputs, bit for bit, alone, with more padding and beside other texts', async () => {
    const { encoder } = kernelModel('tiny-bert-uncased-tied');
    const text = [101, 2023, 2003, 102];
    const alone = await encoder.run({ batch: 1, sequence: 4, ids: text, mask: [1, 1, 1, 1], rows: [2] });
    const again = await encoder.run({ batch: 1, sequence: 4, ids: text, mask: [1, 1, 1, 1], rows: [2] });
    expect(again).toEqual(alone);
    const morePadding = await encoder.run({ batch: 1, sequence: 6, ids: [...text, 0, 0], mask: [1, 1, 1, 1, 0, 0], rows: [2] });
    expect(morePadding.hidden).toEqual(alone.hidden);
    const { ids, mask } = padded();
    const beside = await encoder.run({
      batch: batch + 1,
      sequence,
      ids: [...ids, ...[...text, ...Array.from({ length: sequence - 4 }, () => 0)].map(BigInt)],
      mask: [...mask, 1n, 1n, 1n, 1n, ...Array.from({ length: sequence - 4 }, () => 0n)],
      rows: [batch * sequence + 2],
    });
    expect(beside.hidden).toEqual(alone.hidden);
    expect(beside.headInput.subarray(batch * sequence * 32, (batch * sequence + 4) * 32)).toEqual(alone.headInput);
  });

  it('stops a pass between two layers when its request is cancelled, and runs the next pass as before', async () => {
    const { encoder } = kernelModel('tiny-bert-uncased-tied');
    const lm = { encoder } as unknown as LoadedModel;
    const feeds = { input_ids: new Tensor('int64', [101n, 2023n, 102n], [1, 3]), attention_mask: new Tensor('int64', [1n, 1n, 1n], [1, 3]) };
    const cancel = new AbortController();
    // The first layer's first product cancels the request: the pause after that layer stops the pass.
    const [first, second] = encoder.layers.map((l) => l.qkv);
    const allRows = first!.allRows.bind(first);
    vi.spyOn(first!, 'allRows').mockImplementation((...args: Parameters<Int8Kernel['allRows']>) => {
      cancel.abort();
      return allRows(...args);
    });
    const later = vi.spyOn(second!, 'allRows');
    await expect(runModel(lm, feeds, cancel.signal)).rejects.toMatchObject({ code: 'cancelled' });
    expect(later).not.toHaveBeenCalled();
    vi.restoreAllMocks();
    const again = await runModel(lm, feeds, new AbortController().signal);
    const alone = await encoder.run({ batch: 1, sequence: 3, ids: [101, 2023, 102], mask: [1, 1, 1], rows: [0] });
    expect(again[hiddenStateName(2)]!.data).toEqual(alone.hidden[2]);
  });

  it('refuses ids, token types and rows outside the model or left out by the mask, and passes longer than its positions', async () => {
    const { encoder } = kernelModel('tiny-bert-uncased-tied');
    await expect(encoder.run({ batch: 1, sequence: 2, ids: [101, 40000], mask: [1, 1], rows: [0] })).rejects.toThrow(/not in the vocabulary/);
    await expect(encoder.run({ batch: 1, sequence: 2, ids: [101, 102], mask: [1, 1], tokenTypes: [0, 5], rows: [0] })).rejects.toThrow(/token type 5/);
    await expect(encoder.run({ batch: 1, sequence: 2, ids: [101, 102], mask: [1, 1], rows: [2] })).rejects.toThrow(/row 2/);
    await expect(encoder.run({ batch: 1, sequence: 2, ids: [101, 0], mask: [1, 0], rows: [1] })).rejects.toThrow(/row 1 is padding/);
    await expect(encoder.run({ batch: 1, sequence: 2, ids: [0, 0], mask: [0, 0], rows: [0] })).rejects.toThrow(/leaves no token/);
    const long = Array.from({ length: encoder.positions + 1 }, () => 101);
    await expect(encoder.run({ batch: 1, sequence: long.length, ids: long, mask: long.map(() => 1), rows: [0] })).rejects.toThrow(/positions/);
  });
});

describe('the encoder arithmetic', () => {
  it("GELU (the module's geluErf) is within 5e-7 of x·½·(1 + erf(x/√2)) computed in doubles, odd lengths included", () => {
    const erf = (x: number) => {
      // The Taylor series in doubles: exact to ~1e-13 for |x| ≤ 4.
      let sum = 0;
      let term = x;
      for (let n = 0; n < 150; n++) {
        sum += term / (2 * n + 1);
        term *= (-x * x) / (n + 1);
      }
      return (2 / Math.sqrt(Math.PI)) * sum;
    };
    const kernel = ownKernel(1 << 16);
    const xs = Float32Array.from({ length: 2003 }, (_, i) => -9 + (18 * i) / 2002);
    new Float32Array(kernel.memory.buffer, 64, xs.length).set(xs);
    kernel.geluErf(64, xs.length);
    const out = new Float32Array(kernel.memory.buffer, 64, xs.length);
    xs.forEach((x, i) => {
      const z = x / Math.SQRT2;
      const exact = 0.5 * x * (1 + (Math.abs(z) > 5 ? Math.sign(z) : erf(z)));
      expect(Math.abs(out[i]! - exact), `GELU(${x})`).toBeLessThan(5e-7 * Math.max(1, Math.abs(x)));
    });
    expect(out[1001]).toBe(0);
  });

  it("a group in blocks of eight outputs gives the row layout's products bit for bit: odd sizes, uint8 and int8, per column and per tensor, one row or many, split over threads", async () => {
    const ws = [
      randomWeights(37, 37, false, true, true, 1),
      randomWeights(64, 24, true, false, true, 2),
      randomWeights(96, 45, true, true, false, 3),
      randomWeights(300, 19, false, false, true, 4),
    ];
    const plain = Int8Kernel.group(ws, undefined, 32);
    const inputs = ws.map((w, i) => Float32Array.from({ length: 41 * w.k }, (_, j) => Math.sin(j * (i + 1.3))));
    const check = (blocks: Int8Kernel[]) =>
      blocks.forEach((kernel, i) => {
        for (const rows of [[0], [3, 1, 2], Array.from({ length: 41 }, (_, r) => r)]) {
          expect(kernel.rows(inputs[i]!, rows, 'geluErf').map((r) => [...r])).toEqual(plain[i]!.rows(inputs[i]!, rows, 'geluErf').map((r) => [...r]));
        }
        expect([...kernel.apply(inputs[i]!.subarray(0, ws[i]!.k))]).toEqual([...plain[i]!.apply(inputs[i]!.subarray(0, ws[i]!.k))]);
      });
    check(Int8Kernel.group(ws, undefined, 32, { oneProductAtATime: true, blocks: true }));
    const threads = nodeThreads(2, { minBytes: 0 });
    try {
      const split = Int8Kernel.group(ws, threads, 8, { blocks: true });
      await until(() => threads.ready(1));
      check(split);
      expect(threads.broken).toBeUndefined();
    } finally {
      threads.dispose();
    }
  });

  it("relaxed products (7-bit weights, int8 input) give the SIMD128 path's outputs bit for bit; weights past 7 bits, or too many 64s beside −64, keep SIMD128", () => {
    const manySixtyFours = sevenBitWeights(64, 8, 5, 40);
    const ws = [
      sevenBitWeights(37, 37, 1),
      sevenBitWeights(96, 45, 2),
      sevenBitWeights(300, 19, 3),
      randomWeights(64, 24, true, false, true, 4),
      manySixtyFours,
    ];
    const options = { oneProductAtATime: true, blocks: true };
    const simd128 = Int8Kernel.group(ws, undefined, 32, { ...options, relaxed: false });
    const relaxed = Int8Kernel.group(ws, undefined, 32, { ...options, relaxed: relaxedInJavaScript });
    expect(relaxed.map((kernel) => kernel.relaxed)).toEqual([true, true, true, false, false]);
    expect(simd128.some((kernel) => kernel.relaxed)).toBe(false);
    relaxed.forEach((kernel, i) => {
      const { k } = ws[i]!;
      // Rows far apart in range, so that the texts' zero points differ.
      const input = Float32Array.from({ length: 41 * k }, (_, j) => Math.sin(j * (i + 1.3)) * (1 + Math.floor(j / k) / 4) + (j / k > 20 ? 0.8 : 0));
      for (const [rows, tensors] of [[[0]], [[3, 1, 2]], [Array.from({ length: 41 }, (_, r) => r), [0, 7, 21]]] as const) {
        const mine = kernel.rows(input, rows, 'geluErf', tensors).map((r) => [...r]);
        expect(mine, `layer ${i}, rows ${rows.length}`).toEqual(simd128[i]!.rows(input, rows, 'geluErf', tensors).map((r) => [...r]));
      }
      expect([...kernel.apply(input.subarray(0, k))]).toEqual([...simd128[i]!.apply(input.subarray(0, k))]);
    });
  });

  it('joins layers that read one input into one whose outputs are theirs side by side', () => {
    const ws = [randomWeights(24, 8, false, false, true, 1), randomWeights(24, 16, false, false, true, 2)];
    const joined = sideBySide(ws);
    const x = Float32Array.from({ length: 2 * 24 }, (_, i) => Math.sin(i));
    const [a, b, j] = [Int8Kernel.of(ws[0]!), Int8Kernel.of(ws[1]!), Int8Kernel.of(joined)];
    const mine = j.rows(x, [0, 1]);
    const theirs = [a.rows(x, [0, 1]), b.rows(x, [0, 1])];
    for (const r of [0, 1]) expect([...mine[r]!]).toEqual([...theirs[0]![r]!, ...theirs[1]![r]!]);
  });
});

/** `got` with every number within `tolerance` (relative, at least absolute for small ones) of `want`'s, and everything else equal. */
function expectClose(got: unknown, want: unknown, tolerance: number, path = 'result'): void {
  if (typeof want === 'number' && typeof got === 'number') {
    expect(Math.abs(got - want), path).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want)));
    return;
  }
  if (want && typeof want === 'object') {
    expect(Object.keys(got as object).sort(), path).toEqual(Object.keys(want).sort());
    for (const [k, v] of Object.entries(want)) expectClose((got as Record<string, unknown>)[k], v, tolerance, `${path}.${k}`);
    return;
  }
  expect(got, path).toEqual(want);
}

describe("the host's masked LMs with Sesame's encoder", () => {
  const [sense, cloze, zh, occurrences] = [senseRequest, clozeRequest, clozeZhRequest, bankUses];
  const BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased-tied', family: 'bert', dtype: 'q8' };
  const ERNIE: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh-tied', family: 'ernie', dtype: 'q8' };
  const UNTIED: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'q8' };
  const on = { sesameHead: () => true, sesameEncoder: () => true };
  const status = async (h: ReturnType<typeof nodeHost>, id: string) =>
    ((await h.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === id)!;
  let hub: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    hub = await startHubServer({ root: '.fixtures/hub' });
  });
  afterAll(async () => {
    await hub?.close();
  });

  it('answers one-text sense and cloze requests as the session does, up to float32 rounding, and says so in diagnostics', async () => {
    // One text a pass: the session's quantisation is then the encoder's (a batch's is shared by its texts, padding included).
    const one = { ...sense, occurrences: [occurrences[1]!], selected: 0 };
    const session = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true });
    const kernel = nodeHost(hub.url, memoryCache(), undefined, on);
    for (const spec of [BERT, UNTIED]) {
      const want = (await session.run(one, spec)).result;
      const got = (await kernel.run(one, spec)).result;
      expectClose(got, want, 1e-4);
    }
    // A cloze's passes batch the text's variants (the session quantises them together, the
    // encoder each alone): its answers are well formed and the same from one host to the next.
    for (const [request, spec] of [
      [cloze, BERT],
      [zh, ERNIE],
    ] as const) {
      const got = (await kernel.run(request, spec)).result as ResultOf<'cloze'>;
      expect(got.blanks).toHaveLength(request.blanks);
      expect((await nodeHost(hub.url, memoryCache(), undefined, on).run(request, spec)).result).toEqual(got);
    }
    expect(await status(kernel, BERT.id)).toMatchObject({
      head: expect.stringMatching(/in Sesame's kernel/),
      layers: "3 hidden states; passes in Sesame's kernels (2 layers, SIMD128), no onnxruntime session",
    });
    expect((await status(session, BERT.id)).layers).toBe('3 hidden states');
  });

  it('gives every use of a page the same vectors whatever it is batched with: the sense of three uses, in any order', async () => {
    const kernel = nodeHost(hub.url, memoryCache(), undefined, on);
    const result = (await kernel.run(sense, BERT)).result as ResultOf<'sense'>;
    expect(result.vectors).toMatchObject({ method: 'layer-mix', hiddenStates: 3, cached: 0 });
    const reversed = [...occurrences].reverse();
    const again = (await nodeHost(hub.url, memoryCache(), undefined, on).run({ ...sense, occurrences: reversed, selected: 1 }, BERT))
      .result as ResultOf<'sense'>;
    expect(again.clusters!.map((c) => [...c.members].map((m) => reversed[m]!.text).sort())).toEqual(
      result.clusters!.map((c) => [...c.members].map((m) => occurrences[m]!.text).sort()),
    );
  });

  it("takes a page's uses in one pass after the selected one (the session's passes hold 16), with the same senses either way", async () => {
    const page = Array.from({ length: 20 }, (_, i) => `(${i}) ${BANK_SENTENCES[i % 3]}`).map((text) => ({
      text,
      start: text.indexOf('bank'),
      end: text.indexOf('bank') + 4,
    }));
    const request = { ...sense, text: page[4]!.text, start: page[4]!.start, end: page[4]!.end, occurrences: page, selected: 4 };
    const done = (messages: ServerMessage[]) => messages.flatMap((m) => (m.kind === 'update' && !m.update.clusters ? [m.update.done] : []));
    const kernel = await nodeHost(hub.url, memoryCache(), undefined, on).run(request, BERT);
    const session = await nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true }).run(request, BERT);
    expect(done(kernel.messages)).toEqual([1, 20]);
    expect(done(session.messages)).toEqual([1, 17, 20]);
    const members = (r: ToolResult) => (r as ResultOf<'sense'>).clusters!.map((c) => [...c.members].sort((a, b) => a - b));
    expect(
      members(kernel.result)
        .flat()
        .sort((a, b) => a - b),
    ).toEqual(page.map((_, i) => i));
    expect(members(kernel.result)).toEqual(members(session.result));
  });

  it("keeps the session where Sesame's encoder cannot start, and says why in the layers line", async () => {
    // The tiny BERT with a config whose heads do not divide its width: the graph runs as before, the encoder refuses.
    const odd = await changedConfigHub('tiny-bert-uncased-tied', 'tiny-bert-odd-heads', { num_attention_heads: 3 });
    try {
      const spec: ModelSpec = { ...BERT, id: 'sesame-fixtures/tiny-bert-odd-heads' };
      const h = nodeHost(odd.url, memoryCache(), undefined, on);
      expect(((await h.run(sense, spec)).result as ResultOf<'sense'>).vectors).toMatchObject({ method: 'layer-mix', hiddenStates: 3 });
      expect((await status(h, spec.id)).layers).toBe("3 hidden states; passes in the graph: Sesame's encoder did not start: 3 heads do not divide width 32");
    } finally {
      await odd.close();
    }
  });

  it("leaves no earlier load's encoder note on a load that does not want the encoder (another backend)", async () => {
    let wanted = true;
    const h = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true, sesameEncoder: () => wanted });
    await h.run(sense, BERT);
    expect((await status(h, BERT.id)).layers).toMatch(/passes in Sesame's kernels/);
    await h.run({ type: 'models.delete', modelId: BERT.id });
    wanted = false;
    await h.run(sense, BERT);
    expect((await status(h, BERT.id)).layers).toBe('3 hidden states');
  });

  it('makes no onnxruntime session for it (the same load makes one where the encoder is not wanted)', async () => {
    await expectNoSession(
      () => nodeHost(hub.url, memoryCache(), undefined, on).run(sense, BERT),
      () => nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true }).run(sense, BERT),
    );
  });

  it('gives the one-thread results bit for bit with its products split over worker threads, and releases them with the model', async () => {
    const alone = (await nodeHost(hub.url, memoryCache(), undefined, on).run(cloze, BERT)).result;
    const kernelThreads = nodeThreads(2, { minBytes: 0 });
    try {
      const h = nodeHost(hub.url, memoryCache(), undefined, { ...on, kernelThreads: () => kernelThreads });
      await h.run(sense, BERT);
      const ids = [1, 2];
      await until(() => ids.every((id) => kernelThreads.ready(id)));
      // The first run may have started before every worker had the kernels: compare a later one.
      expect((await h.run(cloze, BERT)).result).toEqual(alone);
      expect((await status(h, BERT.id)).layers).toBe(
        "3 hidden states; passes in Sesame's kernels (2 layers, SIMD128), no onnxruntime session; split over 3 threads",
      );
      await h.run({ type: 'models.delete', modelId: BERT.id });
      expect(ids.filter((id) => kernelThreads.ready(id))).toEqual([]);
    } finally {
      kernelThreads.dispose();
    }
  });

  it('loads from its stored rewrite the second time, and tells the memory measurement of the head, the layers and the attention', async () => {
    const store = memoryCache();
    const first = (await nodeHost(hub.url, store, undefined, on).run(sense, BERT)).result;
    const told: WebAssembly.Memory[][] = [];
    const again = nodeHost(hub.url, store, undefined, {
      ...on,
      measureMemory: async (memories) => {
        told.push([...memories]);
        return 1;
      },
    });
    expect((await again.run(sense, BERT)).result).toEqual(first);
    expect((await status(again, BERT.id)).head).toMatch(/stored rewrite: no surgery/);
    await again.run({ type: 'status', memory: true });
    expect(told[0]).toHaveLength(3);
  });
});

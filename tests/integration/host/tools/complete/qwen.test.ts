// The Chinese completion model's architecture (Qwen2: grouped-query attention, rotary positions,
// tied embeddings, byte-level BPE) on its tiny random-weight fixture, through the loopback hub:
// transformers.js agrees with transformers' own Qwen2ForCausalLM in PyTorch (reference written
// by tests/fixtures/make_qwen_fixture.py), and the completion tool runs it with keys/values
// reused between steps and between requests exactly as a fresh run computes them.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detachHead } from '@/models/host/onnx/head-graph';
import { type LoadedModel, loadModel } from '@/models/host/lm/loader';
import type { ModelSpec, ResultOf, ServerMessage, ToolRequest } from '@/models/shared/protocol';
import { findEntry, DEFAULT_MODELS } from '@/models/shared/registry';
import { complete, type CompleteQuery } from '@/models/host/tools/complete/complete';
import { forward, type PastTensors, truncatePast } from '@/models/host/lm/gpt-step';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { memoryCache, nodeHost } from '../../../../support/node-host';

const ID = 'sesame-fixtures/tiny-qwen2';
const FP32: ModelSpec = { id: ID, family: 'qwen2', dtype: 'fp32' };
const Q8: ModelSpec = { ...FP32, dtype: 'q8' };
const DIR = `.fixtures/hub/${ID}`;
const config = JSON.parse(readFileSync(`${DIR}/config.json`, 'utf8')) as {
  num_hidden_layers: number;
  num_attention_heads: number;
  num_key_value_heads: number;
  head_dim: number;
  vocab_size: number;
};
interface Reference {
  text: string;
  ids: number[];
  logits: number[][];
  greedy: number[];
  /** The q8 file's last-position logits from onnxruntime (Python). */
  q8_last_logits: number[];
}
const reference = JSON.parse(readFileSync('.fixtures/reference/tiny-qwen2.json', 'utf8')) as { texts: Record<'zh' | 'mixed', Reference> };
const PROMPT = '今天天气很好，我们一起去公园散步。公园里有很多人，有的在';

/** Tolerance of fp32 onnxruntime against fp32 PyTorch: |Δlogit| ≤ 1e-4 (measured ~7e-6; logits span ±11). */
const FP32_TOLERANCE = 1e-4;

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
const argmax = (x: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < x.length; i++) if (x[i]! > x[best]!) best = i;
  return best;
};
const never = new AbortController().signal;

let hub: { url: string; close(): Promise<void> };
let h: ReturnType<typeof nodeHost>;
let lm: LoadedModel;
let q8: LoadedModel;

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  h = nodeHost(hub.url);
  lm = await loadModel(FP32, 'cpu');
  q8 = await loadModel(Q8, 'cpu');
});
afterAll(async () => {
  await lm?.release();
  await q8?.release();
  await hub?.close();
});

describe('the registry', () => {
  it('makes the listed Qwen2.5 0.5B Instruct export the Chinese completion default, q8 first for WASM', () => {
    const entry = findEntry(DEFAULT_MODELS.complete.zh)!;
    expect(entry).toMatchObject({ id: 'onnx-community/Qwen2.5-0.5B-Instruct', family: 'qwen2', tools: ['complete'] });
    expect(entry.dtypes[0]).toBe('q8');
    expect(entry.files?.q8).toBe('onnx/model_quantized.onnx');
  });
});

describe('the tiny Qwen2 fixture through the loopback hub', () => {
  it('loads as Qwen2ForCausalLM with the hub export’s inputs: position_ids and a past per layer', () => {
    expect(lm.model.constructor.name).toBe('Qwen2ForCausalLM');
    const past = Array.from({ length: config.num_hidden_layers }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
    expect([...lm.inputNames].sort()).toEqual(['attention_mask', 'input_ids', 'position_ids', ...past].sort());
    expect(q8.inputNames).toEqual(lm.inputNames);
  });

  it('tokenises Chinese and mixed text to the ids of the Python tokenizer, and decodes them back', () => {
    for (const ref of Object.values(reference.texts)) {
      expect(lm.tokenizer.encode(ref.text)).toEqual(ref.ids);
      expect(lm.tokenizer.decode(ref.ids)).toBe(ref.text);
    }
    // Byte-level: characters the tokenizer never saw in training still encode and decode.
    const rare = '鸟瞰龘 𠮷 ñ';
    expect(lm.tokenizer.decode(lm.tokenizer.encode(rare))).toBe(rare);
  });

  it(`gives PyTorch's logits at every position (|Δ| ≤ ${FP32_TOLERANCE})`, async () => {
    for (const ref of Object.values(reference.texts)) {
      const n = ref.ids.length;
      const step = await forward(lm, ref.ids, null, 0);
      expect(step.logits).toHaveLength(config.vocab_size);
      expect(maxDiff(step.logits, ref.logits[n - 1]!)).toBeLessThan(FP32_TOLERANCE);
      // Every position, through the same graph: the prompt minus its last token, then the last on its past.
      for (let k = 1; k < n; k++) {
        const part = await forward(lm, ref.ids.slice(0, k), null, 0);
        expect(maxDiff(part.logits, ref.logits[k - 1]!), `${ref.text} @${k}`).toBeLessThan(FP32_TOLERANCE);
      }
    }
  });

  it('keeps keys/values for the key/value heads only (grouped-query attention): [1, kv heads, tokens, head size]', async () => {
    const ids = reference.texts.mixed.ids;
    const { past } = await forward(lm, ids, null, 0);
    const tensors = past as PastTensors;
    expect(Object.keys(tensors)).toHaveLength(2 * config.num_hidden_layers);
    expect(config.num_key_value_heads).toBeLessThan(config.num_attention_heads);
    for (const tensor of Object.values(tensors)) expect(tensor.dims).toEqual([1, config.num_key_value_heads, ids.length, config.head_dim]);
  });

  it("decodes greedily, one token at a time on the reused past, PyTorch's greedy tokens", async () => {
    for (const ref of Object.values(reference.texts)) {
      let step = await forward(lm, ref.ids, null, 0);
      const out: number[] = [];
      for (let i = 0; i < ref.greedy.length; i++) {
        const token = argmax(step.logits);
        out.push(token);
        step = await forward(lm, [token], step.past, ref.ids.length + i);
      }
      expect(out).toEqual(ref.greedy);
    }
  });

  it('a step on a reused, truncated past gives the logits of a fresh full run (within 1e-5)', async () => {
    const ids = lm.tokenizer.encode(`${PROMPT}跑步，有的在聊天。`);
    const fresh = await forward(lm, ids, null, 0);
    const k = 9;
    const other = await forward(lm, [...ids.slice(0, k), 5, 6, 7], null, 0);
    const reused = await forward(lm, ids.slice(k), await truncatePast(other.past, k), k);
    expect(maxDiff(reused.logits, fresh.logits)).toBeLessThan(1e-5);
    let past = reused.past;
    const seq = [...ids];
    for (const token of [argmax(reused.logits), 30, 200]) {
      const step = await forward(lm, [token], past, seq.length);
      seq.push(token);
      expect(maxDiff(step.logits, (await forward(lm, seq, null, 0)).logits)).toBeLessThan(1e-5);
      past = step.past;
    }
  });

  it('q8 (onnxruntime’s dynamic int8 quantiser) loads with int8 MatMuls, gives onnxruntime’s logits and stays near PyTorch’s', async () => {
    const bytes = new Uint8Array(readFileSync(`${DIR}/onnx/model_quantized.onnx`));
    const graph = new TextDecoder('latin1').decode(bytes);
    expect(graph).toContain('MatMulInteger');
    // Tied embeddings: the head is an fp32 MatMul over the dequantised 8-bit table, which Sesame's
    // tied-head kernel takes (models/host/onnx/tied-head.ts), as for GPT-2's hub files.
    expect(detachHead(bytes)).toMatchObject({ ok: true });
    for (const ref of Object.values(reference.texts)) {
      const { logits } = await forward(q8, ref.ids, null, 0);
      // The same file in onnxruntime (Python, same version as onnxruntime-node): the same logits.
      expect(maxDiff(logits, ref.q8_last_logits)).toBeLessThan(1e-4);
      const want = ref.logits[ref.ids.length - 1]!;
      const range = Math.max(...want.map(Math.abs));
      // Activations are quantised per tensor to 8 bits at every MatMul: 0.04–0.08 of the range measured here.
      expect(maxDiff(logits, want) / range).toBeLessThan(0.2);
    }
  });
});

describe('completion with Qwen2', () => {
  const q = (extra: Partial<CompleteQuery> = {}): CompleteQuery => ({
    prompt: PROMPT,
    maxNewTokens: 16,
    alternatives: 1,
    temperature: 0,
    topP: 1,
    stopAtSentence: false,
    ...extra,
  });
  /** The model with a tokenizer that records the ids the completion decodes. */
  const spied = (model: LoadedModel) => {
    const seen: number[][] = [];
    const tokenizer = Object.create(model.tokenizer) as LoadedModel['tokenizer'];
    tokenizer.decode = ((ids: number[], options?: object) => {
      seen.push([...ids]);
      return model.tokenizer.decode(ids, options);
    }) as typeof tokenizer.decode;
    return { lm: { ...model, tokenizer }, tokens: () => seen.at(-1) ?? [] };
  };
  const ghost = (prompt: string, fieldKey?: string, maxNewTokens = 12) => ({
    type: 'complete' as const,
    prompt,
    maxNewTokens,
    ...(fieldKey ? { fieldKey } : {}),
  });
  const run = async (request: ReturnType<typeof ghost>, spec = FP32) => (await h.run(request, spec)).result as ResultOf<'complete'>;

  it('greedy is deterministic, streams what it returns, and stops on either of its eos ids', async () => {
    const deltas: string[] = [];
    const a = await complete(lm, q(), never, (_, d) => void deltas.push(d));
    const b = await complete(lm, q(), never, () => undefined);
    expect(a.alternatives).toEqual(b.alternatives);
    expect(a.alternatives[0]!.length).toBeGreaterThan(0);
    expect(deltas.join('')).toBe(a.alternatives[0]);
    const eos = (lm.model as unknown as { generation_config: { eos_token_id: number[] } }).generation_config.eos_token_id;
    expect(eos).toEqual([...lm.tokenizer.encode('<|im_end|>'), ...lm.tokenizer.encode('<|endoftext|>')]);
  });

  it('a field’s reused keys/values decode token for token what a fresh run decodes', async () => {
    const cache = new (await import('@/models/host/tools/complete/kv-cache')).FieldKvCache<never>(() => undefined);
    const deps = { cache: cache as never };
    // One model object: a field's past belongs to the model that computed it.
    const reused = spied(lm);
    await complete(reused.lm, q({ fieldKey: 'f' }), never, () => undefined, deps);
    const extended = `${PROMPT}跑步`;
    const withCache = await complete(reused.lm, q({ prompt: extended, fieldKey: 'f' }), never, () => undefined, deps);
    expect(withCache.reusedTokens).toBeGreaterThanOrEqual(lm.tokenizer.encode(PROMPT).length - 1);
    const fresh = spied(lm);
    const uncached = await complete(fresh.lm, q({ prompt: extended }), never, () => undefined);
    expect(uncached.reusedTokens).toBe(0);
    expect(reused.tokens()).toHaveLength(16);
    expect(reused.tokens()).toEqual(fresh.tokens());
    expect(withCache.alternatives).toEqual(uncached.alternatives);
  });

  it('through the host: reuse between requests of a field, counted; sampling alternatives', async () => {
    const first = await run(ghost(PROMPT, 'zh-field'));
    expect(first.reusedTokens).toBe(0);
    const second = await run(ghost(`${PROMPT}跑步`, 'zh-field'));
    expect(second.reusedTokens).toBeGreaterThanOrEqual(lm.tokenizer.encode(PROMPT).length - 1);
    expect(second.alternatives).toEqual((await run(ghost(`${PROMPT}跑步`))).alternatives);
    const three = (await h.run({ type: 'complete', prompt: PROMPT, maxNewTokens: 8, alternatives: 3, temperature: 1 }, FP32)).result as ResultOf<'complete'>;
    expect(three.alternatives).toHaveLength(3);
    const status = (await h.run({ type: 'status' })).result as ResultOf<'status'>;
    expect(status.loaded.find((m) => m.id === ID)).toMatchObject({ family: 'qwen2', dtype: 'fp32' });
  });

  it('q8 completes deterministically; with the WASM backend’s head rule on, the tied head runs in Sesame’s kernel and gives the same tokens', async () => {
    const a = await run(ghost(PROMPT), Q8);
    expect(a.alternatives[0]!.length).toBeGreaterThan(0);
    expect((await run(ghost(PROMPT), Q8)).alternatives).toEqual(a.alternatives);
    const wasmLike = nodeHost(hub.url, memoryCache(), undefined, { sesameHead: () => true, sesameDecoder: () => true });
    const b = (await wasmLike.run(ghost(PROMPT), Q8)).result as ResultOf<'complete'>;
    expect(b.alternatives).toEqual(a.alternatives);
    const loaded = ((await wasmLike.run({ type: 'status' })).result as ResultOf<'status'>).loaded.find((m) => m.id === ID);
    expect(loaded?.head).toMatch(/tied uint8 table kernel/);
    // Its token lookup is out of the graph too: the prompt pass is fed the rows from the head's table.
    expect(loaded?.head).toMatch(/the word embeddings read from its table/);
    expect(loaded?.decoder).toBeUndefined();
  });

  it('a cancelled generation stops within a few tokens, is counted, and leaves its past to the field', async () => {
    const counters = async () => ((await h.run({ type: 'status' })).result as ResultOf<'status'>).completion!;
    const before = (await counters()).cancelled;
    const messages: ServerMessage[] = [];
    const config = { remoteHost: `${hub.url}/`, idleReleaseMs: 60_000, preferBackend: 'auto' as const, model: FP32 };
    const request: ToolRequest = { ...ghost(PROMPT, 'zh-cancel', 200) };
    // Cancelled as the first text arrives: a few tokens more at most, of the 200 it may write.
    await h.host.handle({ kind: 'run', id: 'qwen-cancel', request, config }, (m) => {
      messages.push(m);
      if (m.kind === 'partial' && messages.filter((x) => x.kind === 'partial').length === 1)
        void h.host.handle({ kind: 'cancel', id: 'qwen-cancel' }, () => undefined);
    });
    const last = messages.at(-1)!;
    expect(last.kind === 'result' && last.result.type === 'complete' && last.result.stoppedBy).toBe('cancelled');
    const written = last.kind === 'result' && last.result.type === 'complete' ? last.result.alternatives[0]! : '';
    expect(lm.tokenizer.encode(written).length).toBeLessThan(10);
    expect((await counters()).cancelled).toBe(before + 1);
    const next = await run(ghost(`${PROMPT}跑步`, 'zh-cancel'));
    expect(next.reusedTokens).toBeGreaterThanOrEqual(lm.tokenizer.encode(PROMPT).length - 1);
  });
});

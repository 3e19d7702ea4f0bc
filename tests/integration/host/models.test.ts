// transformers.js 4.x on the project's fixture models, through Sesame's model host, in Node.
import { readFileSync } from 'node:fs';
import { AutoTokenizer, BertForMaskedLM, GPT2LMHeadModel, Tensor } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extraZeroInputs, loadModel, sessionInputNames } from '@/models/host/lm/loader';
import type { ModelSpec, ResultOf } from '@/models/shared/protocol';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../support/hub-server.mjs';
import { nodeHost } from '../../support/node-host';

const BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'q8' };
const DISTIL: ModelSpec = { id: 'sesame-fixtures/tiny-distilbert-uncased', family: 'distilbert', dtype: 'fp32' };
const ERNIE: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie', dtype: 'fp32' };
const BERT_ZH: ModelSpec = { id: 'sesame-fixtures/tiny-bert-chinese', family: 'bert', dtype: 'q8' };
const GPT2: ModelSpec = { id: 'sesame-fixtures/tiny-gpt2', family: 'gpt2', dtype: 'fp32' };

interface Reference {
  input: Record<string, number[][]>;
  position: number;
  argmax: number;
  first5_logits: number[];
  tolerance: number;
}
const reference = (id: string): Reference => JSON.parse(readFileSync(`.fixtures/hub/${id}/reference.json`, 'utf8'));
const tensor = (rows: number[][]) => new Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, rows[0]!.length]);

let hub: { url: string; requests: { path: string }[]; close(): Promise<void> };
let h: ReturnType<typeof nodeHost>;

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  h = nodeHost(hub.url);
});
afterAll(async () => {
  await hub?.close();
});

describe('masked LMs through the model host', () => {
  it('downloads with progress on first use, from cache with none on the second, same result', async () => {
    const request = { type: 'sense' as const, text: 'She went to the bank to deposit money.', start: 16, end: 20 };
    const first = await h.run(request, BERT);
    const progress = first.messages.filter((m) => m.kind === 'progress');
    expect(progress.some((m) => m.kind === 'progress' && m.progress.file === 'onnx/model_quantized.onnx')).toBe(true);
    const fetched = hub.requests.length;
    const second = await h.run(request, BERT);
    expect(second.messages.filter((m) => m.kind === 'progress')).toEqual([]);
    expect(hub.requests.length).toBe(fetched);
    const a = first.result as ResultOf<'sense'>;
    expect(a.word).toBe('bank');
    expect(a.substitutes.length).toBeGreaterThan(0);
    expect(second.result).toEqual(first.result);
    for (const s of a.substitutes) {
      expect(s.text).not.toMatch(/^##|^\[|bank/);
      expect(s.score).toBeGreaterThan(0);
      expect(s.score).toBeLessThanOrEqual(1);
    }
    const scores = a.substitutes.map((s) => s.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
  });

  it('serves DistilBERT (two inputs) and the sense and cloze tools from one loaded model', async () => {
    const sense = await h.run({ type: 'sense', text: 'We sat on the river bank.', start: 20, end: 24 }, DISTIL);
    expect((sense.result as ResultOf<'sense'>).substitutes.length).toBeGreaterThan(0);
    const cloze = await h.run(
      { type: 'cloze', text: 'The farmer watched the sleepy cattle grazing near the old wooden barn every morning.', blanks: 3, seed: 5 },
      DISTIL,
    );
    const r = cloze.result as ResultOf<'cloze'>;
    expect(r.blanks.length).toBe(3);
    for (const b of r.blanks) {
      expect(r.text.slice(b.start, b.end)).toBe(b.answer);
      expect(b.candidates.length).toBeGreaterThan(0);
    }
    const status = await h.run({ type: 'status' });
    const loaded = (status.result as ResultOf<'status'>).loaded.filter((m) => m.id === DISTIL.id);
    expect(loaded).toHaveLength(1);
  });

  it('loads ERNIE (model_type "ernie") as a BERT-family model and feeds task_type_ids zeros', async () => {
    const lm = await loadModel(ERNIE, 'cpu');
    expect(lm.inputNames).toContain('task_type_ids');
    const ref = reference(ERNIE.id);
    const ids = tensor(ref.input.input_ids!);
    const out = (await lm.model({
      input_ids: ids,
      attention_mask: tensor(ref.input.attention_mask!),
      ...extraZeroInputs(lm.inputNames, ids),
    })) as { logits: Tensor };
    const vocab = out.logits.dims[2]!;
    const row = (out.logits.data as Float32Array).slice(ref.position * vocab, (ref.position + 1) * vocab);
    row.slice(0, 5).forEach((v, i) => expect(v).toBeCloseTo(ref.first5_logits[i]!, 3));
    expect(row.indexOf(Math.max(...row))).toBe(ref.argmax);
    await lm.release();

    const sense = await h.run({ type: 'sense', text: '我今天去银行存钱。', start: 4, end: 6 }, ERNIE);
    const r = sense.result as ResultOf<'sense'>;
    expect(r.lang).toBe('zh');
    expect(r.word).toBe('银行');
    for (const s of r.substitutes) expect([...s.text]).toHaveLength(2);
  });

  it('runs bert-base-chinese in q8, deterministically', async () => {
    const req = { type: 'cloze' as const, text: '他拿起手机给妈妈打电话，告诉她自己已经到家了。', blanks: 2, seed: 3 };
    const a = await h.run(req, BERT_ZH);
    const b = await h.run(req, BERT_ZH);
    expect(a.result).toEqual(b.result);
    for (const blank of (a.result as ResultOf<'cloze'>).blanks) {
      expect([...blank.answer].length).toBeGreaterThanOrEqual(2);
      for (const c of blank.candidates) expect([...c.text]).toHaveLength([...blank.answer].length);
    }
  });

  it('matches the torch reference logits for the fp32 BERT export', async () => {
    const ref = reference('sesame-fixtures/tiny-bert-uncased');
    const model = await BertForMaskedLM.from_pretrained('sesame-fixtures/tiny-bert-uncased', { dtype: 'fp32', device: 'cpu' });
    const out = (await model({
      input_ids: tensor(ref.input.input_ids!),
      attention_mask: tensor(ref.input.attention_mask!),
      token_type_ids: tensor(ref.input.token_type_ids!),
    })) as { logits: Tensor };
    const vocab = out.logits.dims[2]!;
    const row = (out.logits.data as Float32Array).slice(ref.position * vocab, (ref.position + 1) * vocab);
    row.slice(0, 5).forEach((v, i) => expect(v).toBeCloseTo(ref.first5_logits[i]!, 3));
    await model.dispose();
  });
});

describe('GPT-2 generation with KV cache', () => {
  it('matches the torch reference with an empty past and declares past/present tensors', async () => {
    const ref = reference(GPT2.id);
    const model = await GPT2LMHeadModel.from_pretrained(GPT2.id, { dtype: 'fp32', device: 'cpu' });
    const names = sessionInputNames(model);
    expect(names).toEqual(expect.arrayContaining(['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key', 'past_key_values.0.value']));
    const ids = tensor(ref.input.input_ids!);
    const out = (await model({ input_ids: ids, attention_mask: tensor(ref.input.attention_mask!) })) as { logits: Tensor };
    const vocab = out.logits.dims[2]!;
    const row = (out.logits.data as Float32Array).slice(ref.position * vocab, (ref.position + 1) * vocab);
    row.slice(0, 5).forEach((v, i) => expect(v).toBeCloseTo(ref.first5_logits[i]!, 3));
    // Greedy generation with the cache equals step-by-step recomputation without it.
    const tokenizer = await AutoTokenizer.from_pretrained(GPT2.id);
    const prompt = tokenizer('The bank is') as { input_ids: Tensor; attention_mask: Tensor };
    const cached = (await model.generate({ ...prompt, max_new_tokens: 6, do_sample: false } as never)) as Tensor;
    let seq = Array.from(prompt.input_ids.data as BigInt64Array, Number);
    for (let i = 0; i < 6; i++) {
      const o = (await model({ input_ids: tensor([seq]), attention_mask: tensor([seq.map(() => 1)]) })) as { logits: Tensor };
      const v = o.logits.dims[2]!;
      const last = (o.logits.data as Float32Array).slice((seq.length - 1) * v, seq.length * v);
      seq = [...seq, last.indexOf(Math.max(...last))];
    }
    expect(Array.from(cached.data as BigInt64Array, Number)).toEqual(seq);
    await model.dispose();
  });

  it('streams a completion whose deltas add up to the result, and is deterministic when greedy', async () => {
    const req = { type: 'complete' as const, prompt: 'Once upon a time', maxNewTokens: 12 };
    const a = await h.run(req, GPT2);
    const r = a.result as ResultOf<'complete'>;
    const streamed = a.messages.flatMap((m) => (m.kind === 'partial' ? [m.partial.delta] : [])).join('');
    expect(streamed).toBe(r.alternatives[0]);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed).not.toContain('\ufffd');
    const b = await h.run(req, GPT2);
    expect(b.result).toEqual(a.result);
  });

  it('stops generating when cancelled', async () => {
    const req = { type: 'complete' as const, prompt: 'Once upon a time', maxNewTokens: 200, alternatives: 1, temperature: 0.9 };
    const messages: unknown[] = [];
    const run = h.host.handle(
      { kind: 'run', id: 'cancel-me', request: req, config: { remoteHost: `${hub.url}/`, idleReleaseMs: 60_000, preferBackend: 'auto', model: GPT2 } },
      (m) => {
        messages.push(m);
        // Cancelled as the first text arrives: a few words more at most, of the 200 tokens it may write.
        if (m.kind === 'partial' && messages.filter((x) => (x as { kind: string }).kind === 'partial').length === 1)
          void h.host.handle({ kind: 'cancel', id: 'cancel-me' }, () => undefined);
      },
    );
    await run;
    const last = messages.at(-1) as { kind: string; result?: ResultOf<'complete'> };
    expect(last.kind).toBe('result');
    expect(last.result?.stoppedBy).toBe('cancelled');
    expect(last.result!.alternatives[0]!.split(/\s+/).length).toBeLessThan(20);
  });
});

describe('4-bit (q4) files', () => {
  const correlation = (a: Float32Array, b: Float32Array): number => {
    const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const ma = mean(a);
    const mb = mean(b);
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i++) {
      ab += (a[i]! - ma) * (b[i]! - mb);
      aa += (a[i]! - ma) ** 2;
      bb += (b[i]! - mb) ** 2;
    }
    return ab / Math.sqrt(aa * bb);
  };

  it('load as dtype q4 (MatMulNBits) and give logits close to the fp32 export', async () => {
    const ref = reference(GPT2.id);
    const logits = async (dtype: 'fp32' | 'q4') => {
      const model = await GPT2LMHeadModel.from_pretrained(GPT2.id, { dtype, device: 'cpu' });
      const out = (await model({ input_ids: tensor(ref.input.input_ids!), attention_mask: tensor(ref.input.attention_mask!) })) as { logits: Tensor };
      await model.dispose();
      return out.logits.data as Float32Array;
    };
    const fp32 = await logits('fp32');
    const q4 = await logits('q4');
    expect(q4).toHaveLength(fp32.length);
    expect(q4).not.toEqual(fp32);
    // A mis-packed weight (wrong nibble order or block layout) gives noise, not a close copy.
    expect(correlation(fp32, q4)).toBeGreaterThan(0.9);
  });

  it('serve completion and sense (logits and every hidden state) through the host', async () => {
    const done = await h.run({ type: 'complete', prompt: 'Once upon a time', maxNewTokens: 6 }, { ...GPT2, dtype: 'q4' });
    expect((done.result as ResultOf<'complete'>).alternatives[0]!.length).toBeGreaterThan(0);
    const text = 'We sat on the bank of the river. The bank was closed.';
    const sense = await h.run(
      {
        type: 'sense',
        text,
        start: 14,
        end: 18,
        occurrences: [
          { text, start: 14, end: 18 },
          { text, start: 38, end: 42 },
        ],
      },
      { ...BERT, dtype: 'q4' },
    );
    const r = sense.result as ResultOf<'sense'>;
    expect(r.substitutes.length).toBeGreaterThan(0);
    expect(r.clusters?.flatMap((c) => c.members).sort()).toEqual([0, 1]);
    expect(r.vectors?.method).toBe('layer-mix');
    expect(r.vectors?.hiddenStates).toBeGreaterThan(1);
  });
});

describe('errors', () => {
  it('a download cut mid-file fails clearly, caches nothing corrupt, and a retry succeeds', async () => {
    const local = nodeHost(hub.url);
    let cut = 0;
    const isModelGet = (req: { url?: string; method?: string; headers?: { range?: string } }) =>
      req.url?.endsWith('model_quantized.onnx') && req.method === 'GET' && !req.headers?.range;
    (hub as unknown as { setFault(f: unknown): void }).setFault((req: Parameters<typeof isModelGet>[0]) =>
      isModelGet(req) && cut++ === 0 ? { cutAfterBytes: 200_000 } : null,
    );
    const spec = { ...BERT, id: 'sesame-fixtures/tiny-bert-uncased' };
    const failure = await local.run({ type: 'sense', text: 'a bank', start: 2, end: 6 }, spec).catch((e: Error & { code: string }) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error & { code: string }).code).toBe('download');
    expect((failure as Error).message).toContain('sesame-fixtures/tiny-bert-uncased');
    expect([...local.cacheStore.map.keys()].filter((k) => k.endsWith('.onnx'))).toEqual([]);
    (hub as unknown as { setFault(f: unknown): void }).setFault(null);
    const ok = await local.run({ type: 'sense', text: 'a bank', start: 2, end: 6 }, spec);
    expect(ok.result.type).toBe('sense');
    const stored = [...local.cacheStore.map.entries()].find(([k]) => k.endsWith('model_quantized.onnx'))!;
    const size = (await stored[1].clone().arrayBuffer()).byteLength;
    expect(size).toBe(Number(stored[1].headers.get('content-length')));
    expect(cut).toBe(1);
  });

  it('names the model when it cannot be found, and other models keep working', async () => {
    await expect(h.run({ type: 'sense', text: 'a bank', start: 2, end: 6 }, { id: 'nobody/missing', family: 'bert', dtype: 'q8' })).rejects.toThrow(
      /nobody\/missing/,
    );
    const ok = await h.run({ type: 'sense', text: 'a bank', start: 2, end: 6 }, BERT);
    expect(ok.result.type).toBe('sense');
  });

  it('refuses an empty selection with a clear message', async () => {
    await expect(h.run({ type: 'sense', text: 'a   b', start: 1, end: 3 }, BERT)).rejects.toThrow(/Select a word/);
  });
});

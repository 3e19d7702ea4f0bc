// Sesame's decoding loop on a fake causal LM over characters: its "keys/values" are the ids
// themselves, so a wrong or misplaced past would change what it predicts.
import { Tensor } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import type { LoadedModel } from '@/models/host/lm/loader';
import { type CompleteQuery, complete } from '@/models/host/tools/complete/complete';
import type { Past, PastTensors } from '@/models/host/lm/gpt-step';
import { FieldKvCache } from '@/models/host/tools/complete/kv-cache';

const VOCAB = [...' abcdefghijklmnopqrstuvwxyz.!?\n'];
const EOS = VOCAB.length;
const V = VOCAB.length + 1;

/** `predict` gives the next-token logits for the ids so far. Records how many ids each pass ran. */
function fakeLm(predict: (seq: number[]) => Float32Array) {
  const passes: number[] = [];
  const model = {
    generation_config: { eos_token_id: EOS },
    async forward(inputs: Record<string, Tensor | null>) {
      const past = inputs.past_key_values as unknown as PastTensors | null;
      const before = past ? Array.from(past['past_key_values.0.key']!.data as Float32Array) : [];
      const fed = Array.from(inputs.input_ids!.data as BigInt64Array, Number);
      const positions = Array.from(inputs.position_ids!.data as BigInt64Array, Number);
      expect(positions).toEqual(fed.map((_, i) => before.length + i));
      expect(inputs.attention_mask!.dims).toEqual([1, before.length + fed.length]);
      passes.push(fed.length);
      const seq = [...before, ...fed];
      const rows = new Float32Array(fed.length * V);
      fed.forEach((_, i) => rows.set(predict(seq.slice(0, before.length + i + 1)), i * V));
      const kv = new Tensor('float32', Float32Array.from(seq), [1, 1, seq.length, 1]);
      return { logits: new Tensor('float32', rows, [1, fed.length, V]), 'present.0.key': kv, 'present.0.value': kv };
    },
  };
  const tokenizer = {
    encode: (text: string) => [...text].map((c) => VOCAB.indexOf(c)),
    decode: (ids: number[]) => ids.map((id) => VOCAB[id] ?? '').join(''),
  };
  // The session's inputs as a GPT-2 export declares them (the prompt pass feeds what it declares).
  const inputNames = ['input_ids', 'attention_mask', 'position_ids', 'past_key_values.0.key', 'past_key_values.0.value'];
  return { lm: { model, tokenizer, inputNames } as unknown as LoadedModel, passes };
}

const oneHot = (id: number) => Float32Array.from({ length: V }, (_, i) => (i === id ? 10 : 0));
/** Spells out `script` after the prompt, then says EOS. */
const scripted = (promptLength: number, script: string) => (seq: number[]) =>
  oneHot(seq.length - promptLength < script.length ? VOCAB.indexOf(script[seq.length - promptLength]!) : EOS);

const query = (prompt: string, extra: Partial<CompleteQuery> = {}): CompleteQuery => ({
  prompt,
  maxNewTokens: 40,
  alternatives: 1,
  temperature: 0,
  topP: 0.9,
  stopAtSentence: true,
  fieldKey: 'field',
  ...extra,
});
const run = (lm: LoadedModel, q: CompleteQuery, deps = {}, signal = new AbortController().signal) => {
  const deltas: string[] = [];
  return complete(lm, q, signal, (_, d) => deltas.push(d), deps).then((out) => ({ ...out, deltas }));
};

describe('stop conditions', () => {
  it("'sentence': a ghost stops right after the first sentence end", async () => {
    const { lm } = fakeLm(scripted(5, ' went home. then more'));
    const out = await run(lm, query('hello'));
    expect(out).toMatchObject({ alternatives: [' went home.'], stoppedBy: 'sentence' });
    expect(out.deltas.join('')).toBe(' went home.');
    const newline = await run(fakeLm(scripted(5, ' a line\nnext')).lm, query('hello'));
    expect(newline).toMatchObject({ alternatives: [' a line\n'], stoppedBy: 'sentence' });
  });

  it("'length': stops after maxNewTokens, and does not run the last token through the model", async () => {
    const { lm, passes } = fakeLm(scripted(5, ' went home. then more'));
    const out = await run(lm, query('hello', { stopAtSentence: false, maxNewTokens: 14 }));
    expect(out).toMatchObject({ alternatives: [' went home. th'], stoppedBy: 'length' });
    expect(passes).toEqual([5, ...Array(13).fill(1)]);
  });

  it("'eos': the end-of-text token ends it and is not shown", async () => {
    const out = await run(fakeLm(scripted(2, ' ok')).lm, query('hi', { stopAtSentence: false }));
    expect(out).toMatchObject({ alternatives: [' ok'], stoppedBy: 'eos' });
  });

  it("'cancelled': a cancel landing during a pass stops the loop when that pass returns", async () => {
    const { lm, passes } = fakeLm(scripted(5, ' went home and then more'));
    const abort = new AbortController();
    const deltas: string[] = [];
    const out = await complete(lm, query('hello'), abort.signal, (_, d) => {
      deltas.push(d);
      if (deltas.length === 3) queueMicrotask(() => abort.abort());
    });
    expect(out).toMatchObject({ alternatives: [' we'], stoppedBy: 'cancelled' });
    expect(passes.length).toBe(4);
  });
});

describe('repetition control in the loop', () => {
  it('a model that always prefers the same letters never repeats a 3-gram', async () => {
    // Prefers a, then b, then c…: greedy decoding alone would say "aaaa…".
    const { lm } = fakeLm(() => Float32Array.from({ length: V }, (_, i) => (i >= 1 && i <= 26 ? 30 - i : -5)));
    const out = await run(lm, query('abc', { stopAtSentence: false, maxNewTokens: 60 }));
    const text = `abc${out.alternatives[0]}`;
    const grams = Array.from({ length: text.length - 2 }, (_, i) => text.slice(i, i + 3));
    expect(new Set(grams).size).toBe(grams.length);
    expect(out.alternatives[0]!.length).toBe(60);
  });
});

describe('keys/values reused between requests of one field', () => {
  it('runs only the new tokens when the prompt extends the last one, and says how many it reused', async () => {
    const predict = (seq: number[]) => oneHot((seq.reduce((a, b) => a * 31 + b, 7) % 26) + 1);
    const { lm, passes } = fakeLm(predict);
    const cache = new FieldKvCache<Past>(() => undefined);
    const first = await run(lm, query('the river', { stopAtSentence: false, maxNewTokens: 5 }), { cache });
    expect(first).toMatchObject({ promptTokens: 9, reusedTokens: 0 });
    passes.length = 0;
    const second = await run(lm, query('the river bank', { stopAtSentence: false, maxNewTokens: 5 }), { cache });
    expect(second).toMatchObject({ promptTokens: 14, reusedTokens: 9 });
    expect(passes[0]).toBe(5);
    // Same text as a fresh run, which recomputes everything.
    const fresh = fakeLm(predict);
    const uncached = await run(fresh.lm, query('the river bank', { stopAtSentence: false, maxNewTokens: 5 }));
    expect(second.alternatives).toEqual(uncached.alternatives);
    expect(fresh.passes[0]).toBe(14);
    expect(cache.counters).toMatchObject({ requests: 2, reusedTokens: 9, computedTokens: 14, cancelled: 0 });
  });

  it('reuses the generated tokens too: accepting the ghost costs one token', async () => {
    const { lm, passes } = fakeLm(scripted(9, ' went home and'));
    const cache = new FieldKvCache<Past>(() => undefined);
    const first = await run(lm, query('the river', { stopAtSentence: false, maxNewTokens: 9 }), { cache });
    expect(first.alternatives).toEqual([' went hom']);
    passes.length = 0;
    const accepted = await run(lm, query('the river went hom', { stopAtSentence: false, maxNewTokens: 9 }), { cache });
    expect(accepted.reusedTokens).toBe(9 + 8);
    expect(passes[0]).toBe(1);
  });

  it('recomputes from the first difference when the prompt diverges', async () => {
    const predict = (seq: number[]) => oneHot((seq.reduce((a, b) => a * 31 + b, 7) % 26) + 1);
    const { lm } = fakeLm(predict);
    const cache = new FieldKvCache<Past>(() => undefined);
    const q = (prompt: string) => query(prompt, { stopAtSentence: false, maxNewTokens: 4 });
    await run(lm, q('the river bank'), { cache });
    const edited = await run(lm, q('the rover bank'), { cache });
    expect(edited.reusedTokens).toBe(5);
    expect(edited.alternatives).toEqual((await run(fakeLm(predict).lm, q('the rover bank'))).alternatives);
    expect((await run(lm, q('something else'), { cache })).reusedTokens).toBe(0);
    // Other fields keep their own past.
    await run(lm, { ...q('the river bank'), fieldKey: 'a' }, { cache });
    await run(lm, { ...q('a different field'), fieldKey: 'b' }, { cache });
    expect((await run(lm, { ...q('the river bank is'), fieldKey: 'a' }, { cache })).reusedTokens).toBeGreaterThanOrEqual(14);
  });

  it('computes the prompt once for all alternatives', async () => {
    const { lm, passes } = fakeLm(() => Float32Array.from({ length: V }, (_, i) => (i >= 1 && i <= 26 ? 1 : -50)));
    let seed = 1;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const out = await run(lm, query('hello', { alternatives: 3, temperature: 1, topP: 1, stopAtSentence: false, maxNewTokens: 6 }), { random });
    expect(out.alternatives).toHaveLength(3);
    expect(new Set(out.alternatives).size).toBeGreaterThan(1);
    expect(passes.filter((n) => n > 1)).toEqual([5]);
    expect(passes.length).toBe(1 + 3 * 5);
  });
});

describe('a half-typed word (token healing)', () => {
  const at = (c: string) => VOCAB.indexOf(c);
  /** After "the ba" the model prefers "x" to "n"; after "the ban", "k"; then EOS. */
  const predict = (seq: number[]) => {
    const text = seq.map((id) => VOCAB[id] ?? '').join('');
    if (text === 'the ba') return Float32Array.from({ length: V }, (_, i) => (i === at('x') ? 9 : i === at('n') ? 5 : 0));
    if (text === 'the ban') return oneHot(at('k'));
    if (text === 'the bank') return oneHot(at('s'));
    return oneHot(EOS);
  };

  it('takes back the last token, forces the continuation to spell it, and does not send the typed part back', async () => {
    const { lm, passes } = fakeLm(predict);
    const out = await run(lm, query('the ban', { healPartialWord: true, stopAtSentence: false }));
    // The prompt ran without its last character; the model then had to choose "n" over its preferred "x".
    expect(passes[0]).toBe(6);
    expect(out.alternatives).toEqual(['ks']);
    expect(out.deltas.join('')).toBe('ks');
    expect(out.promptTokens).toBe(6);
  });

  it('leaves a prompt that ends in a space or punctuation, or without the option, as it was', async () => {
    for (const [prompt, extra] of [
      ['the ban', {}],
      ['the ban.', { healPartialWord: true }],
      ['the ban ', { healPartialWord: true }],
    ] as const) {
      const { lm, passes } = fakeLm(predict);
      await run(lm, query(prompt, { stopAtSentence: false, ...extra }));
      expect(passes[0]).toBe(prompt.length);
    }
  });
});

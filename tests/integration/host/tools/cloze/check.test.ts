// Judging cloze answers with a fixture model: one verdict per blank, all blanks in one batched
// model call, normalisation before comparing (random weights: no assertion on the model's taste).
import type { PreTrainedModel } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCloze } from '@/models/host/tools/cloze/check';
import { chineseDict } from '@/models/shared/dict/chinese-dict';
import { ACCEPT_NATS } from '@/models/host/tools/cloze/judge';
import { loadModel, type LoadedModel } from '@/models/host/lm/loader';
import { type ModelSpec, parse, type ResultOf, toolResult } from '@/models/shared/protocol';
import { loadCompactDict } from '../../../../../scripts/cedict-asset';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { nodeHost } from '../../../../support/node-host';

const BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'fp32' };
const ERNIE: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie', dtype: 'fp32' };
const EN =
  'The committee found the proposal unbelievably complicated, although the faction praised its remarkable thoroughness. ' +
  'The farmer watched the sleepy cattle grazing near the wooden barn every morning, and the children counted the noisy geese by the river.';
const ZH = '他拿起手机给妈妈打电话，告诉她自己已经到家了。我们明天一起去图书馆学习历史。';

let hub: { url: string; close(): Promise<void> };
let h: ReturnType<typeof nodeHost>;
let bert: LoadedModel;
let ernie: LoadedModel;

beforeAll(async () => {
  hub = await startHubServer({ root: '.fixtures/hub' });
  h = nodeHost(hub.url);
  bert = await loadModel(BERT, 'cpu');
  ernie = await loadModel(ERNIE, 'cpu');
});
afterAll(async () => {
  await bert?.release();
  await ernie?.release();
  await hub?.close();
});

/** The model with its forward passes counted. */
function counted(lm: LoadedModel): { lm: LoadedModel; calls: () => number } {
  let calls = 0;
  const original = lm.model as unknown as { forward(i: unknown): Promise<unknown> };
  const model = Object.assign(Object.create(lm.model) as object, {
    forward: (inputs: unknown) => {
      calls++;
      return original.forward(inputs);
    },
  }) as PreTrainedModel;
  return { lm: { ...lm, model }, calls: () => calls };
}

function blanksOf(text: string, words: string[]) {
  return words.map((answer) => {
    const start = text.indexOf(answer);
    return { start, end: start + answer.length, answer };
  });
}

describe('cloze.check', () => {
  it('judges every blank of an exercise in one model call', async () => {
    const blanks = blanksOf(EN, ['committee', 'unbelievably', 'remarkable', 'cattle', 'barn']);
    const answers = ['committee', 'Unbelievably', 'ｒｅｍａｒｋａｂｌｅ', '', 'banana'];
    const { lm, calls } = counted(bert);
    const counter = { passes: 0 };
    const out = await checkCloze(lm, { text: EN, blanks, answers }, 'en', counter);
    expect(out).toHaveLength(blanks.length);
    expect(calls()).toBe(1);
    expect(counter.passes).toBe(1);
    expect(out.slice(0, 3).map((j) => j.verdict)).toEqual(['correct', 'correct', 'correct']);
    expect(out[3]).toMatchObject({ verdict: 'wrong', score: null });
    const other = out[4]!;
    expect(Number.isFinite(other.score)).toBe(true);
    expect(other.verdict).toBe(other.score! >= -ACCEPT_NATS ? 'acceptable' : 'wrong');
    for (const j of out) {
      expect(j.modelTop.length).toBeGreaterThan(0);
      expect(j.modelTop.length).toBeLessThanOrEqual(5);
      const p = j.modelTop.map((t) => t.score);
      expect([...p].sort((a, b) => b - a)).toEqual(p);
    }
    // Same request, same judgement.
    expect(await checkCloze(bert, { text: EN, blanks, answers }, 'en', { passes: 0 })).toEqual(out);
  });

  it('scores multi-character Chinese answers, accepting traditional characters for the original', async () => {
    const blanks = blanksOf(ZH, ['手机', '电话', '图书馆', '历史']);
    const answers = ['手機', '電話', '书馆图', '歷史'];
    const dict = chineseDict(await loadCompactDict());
    const { lm, calls } = counted(ernie);
    const out = await checkCloze(lm, { text: ZH, blanks, answers }, 'zh', { passes: 0 }, async () => dict.toSimplified);
    expect(calls()).toBe(1);
    expect(out.map((j) => j.verdict)).toEqual(['correct', 'correct', out[2]!.verdict, 'correct']);
    expect(['acceptable', 'wrong']).toContain(out[2]!.verdict);
    expect(Number.isFinite(out[2]!.score)).toBe(true);
    for (const j of out) for (const t of j.modelTop) expect(t.text).toMatch(/^\p{Script=Han}+$/u);
  });

  it('answers through the host with a valid cloze.check result, and refuses mismatched blanks', async () => {
    const blanks = blanksOf(ZH, ['手机', '电话']);
    const { result } = await h.run({ type: 'cloze.check', text: ZH, blanks, answers: ['手機', '电脑'] }, ERNIE);
    const r = result as ResultOf<'cloze.check'>;
    expect(parse(toolResult, r).ok).toBe(true);
    expect(r.blanks).toHaveLength(2);
    expect(r.blanks[0]!.verdict).toBe('correct');
    expect(r.passes).toBe(1);
    await expect(h.run({ type: 'cloze.check', text: ZH, blanks, answers: ['手机'] }, ERNIE)).rejects.toMatchObject({ code: 'bad-request' });
    await expect(h.run({ type: 'cloze.check', text: ZH, blanks: [{ start: 0, end: 2, answer: '手机' }], answers: ['x'] }, ERNIE)).rejects.toMatchObject({
      code: 'bad-request',
    });
  });

  it('judges 10 blanks in one pass, where one request per blank takes ten', async () => {
    const words = ['committee', 'proposal', 'complicated', 'faction', 'remarkable', 'farmer', 'cattle', 'morning', 'children', 'river'];
    const blanks = blanksOf(EN, words);
    const answers = ['council', 'plan', 'simple', 'group', 'notable', 'man', 'cows', 'evening', 'kids', 'lake'];
    await checkCloze(bert, { text: EN, blanks, answers }, 'en', { passes: 0 }); // warm-up
    let t = performance.now();
    const batched = { passes: 0 };
    const all = await checkCloze(bert, { text: EN, blanks, answers }, 'en', batched);
    const batchedMs = performance.now() - t;
    t = performance.now();
    const single = { passes: 0 };
    const one: typeof all = [];
    for (let i = 0; i < blanks.length; i++) {
      const [j] = await checkCloze(bert, { text: EN, blanks: [blanks[i]!], answers: [answers[i]!] }, 'en', single);
      one.push(j!);
    }
    const singleMs = performance.now() - t;
    console.log(
      `cloze.check, 10 blanks on ${BERT.id}: batched ${batchedMs.toFixed(0)} ms in ${batched.passes} pass(es); one request per blank ${singleMs.toFixed(0)} ms in ${single.passes} passes`,
    );
    expect(batched.passes).toBe(1);
    expect(single.passes).toBe(10);
    expect(all).toHaveLength(10);
    expect(one.map((j) => j.verdict).every((v) => ['correct', 'acceptable', 'wrong'].includes(v))).toBe(true);
  });
});

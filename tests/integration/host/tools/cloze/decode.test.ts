// Whole-word decoding of multi-mask blanks and difficulty-ranked blank choice, on fixture models
// (random weights: structure, batching and determinism are asserted, never the answers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blankContext, encoderOf, pllOf, pllRows } from '@/models/host/tools/cloze/blank-context';
import { decodeBlanks, MAX_PIECES } from '@/models/host/tools/cloze/decode';
import { difficultyKey } from '@/models/host/tools/cloze/difficulty';
import { forwardRows } from '@/models/host/tools/cloze/mlm-batch';
import { wordFits } from '@/models/host/tools/cloze/word-fit';
import { loadModel, type LoadedModel } from '@/models/host/lm/loader';
import { CLOZE_DECODERS, type ModelSpec, parse, type ResultOf, toolResult } from '@/models/shared/protocol';
import { chooseBlanks, contentCandidates } from '@/models/host/tools/cloze/cloze-blanks';
import { makeCloze } from '@/models/host/tools/cloze/cloze';
// @ts-expect-error plain ESM helper without types
import { startHubServer } from '../../../../support/hub-server.mjs';
import { nodeHost } from '../../../../support/node-host';

const BERT: ModelSpec = { id: 'sesame-fixtures/tiny-bert-uncased', family: 'bert', dtype: 'fp32' };
const ERNIE: ModelSpec = { id: 'sesame-fixtures/tiny-ernie-zh', family: 'ernie', dtype: 'fp32' };
const EN =
  'The committee found the proposal unbelievably complicated, although the antidisestablishment faction praised its remarkable thoroughness and careful craftsmanship.';
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

function spansOf(text: string, words: string[]) {
  return words.map((w) => {
    const start = text.indexOf(w);
    return { start, end: start + w.length, text: w };
  });
}

describe('multi-mask decoding', () => {
  for (const decoder of CLOZE_DECODERS) {
    it(`${decoder}: candidates have one piece per mask, sorted scores, in bounded batched passes`, async () => {
      const enc = encoderOf(bert);
      const spans = spansOf(EN, ['unbelievably', 'antidisestablishment', 'committee', 'craftsmanship']);
      const pieces = spans.map((s) => enc.encode(s.text).length);
      expect(pieces.some((n) => n > 1)).toBe(true);
      const blanks = spans.map((s, i) => ({ ctx: blankContext(enc, EN, s, spans, (x) => enc.encode(EN.slice(x.start, x.end)).length), pieces: pieces[i]! }));
      const counter = { passes: 0 };
      const answers = await decodeBlanks(bert, enc, 'en', blanks, decoder, 5, counter);
      expect(answers).toHaveLength(spans.length);
      answers.forEach((cands, i) => {
        expect(cands.length).toBeGreaterThan(0);
        expect(cands.length).toBeLessThanOrEqual(5);
        for (const c of cands) {
          expect(c.ids).toHaveLength(pieces[i]!);
          expect(Number.isFinite(c.score)).toBe(true);
          expect(c.text).toMatch(/^\p{L}+$/u);
        }
        const scores = cands.map((c) => c.score);
        expect([...scores].sort((a, b) => b - a)).toEqual(scores);
        expect(new Set(cands.map((c) => c.ids.join())).size).toBe(cands.length);
      });
      // independent: one pass; iterative: one per mask of the longest blank, plus one for PLL.
      const bound = decoder === 'independent' ? 1 : Math.max(...pieces) + 1;
      expect(counter.passes).toBeLessThanOrEqual(bound);
      expect(await decodeBlanks(bert, enc, 'en', blanks, decoder, 5)).toEqual(answers);
    });
  }

  it('ranks whole-word candidates by their pseudo-log-likelihood', async () => {
    const enc = encoderOf(bert);
    const [span] = spansOf(EN, ['antidisestablishment']);
    const ctx = blankContext(enc, EN, span!);
    const n = enc.encode(span!.text).length;
    const [cands] = await decodeBlanks(bert, enc, 'en', [{ ctx, pieces: n }], 'confident-first', 5);
    for (const c of cands!) {
      const rows = await forwardRows(bert, pllRows(enc, ctx, c.ids));
      expect(c.score).toBeCloseTo(pllOf(c.ids, rows), 4);
    }
  });

  it('decodes Chinese blanks as whole words, one Han character per mask', async () => {
    const enc = encoderOf(ernie);
    const spans = spansOf(ZH, ['手机', '电话', '图书馆']);
    const blanks = spans.map((s) => ({ ctx: blankContext(enc, ZH, s, spans, (x) => x.end - x.start), pieces: s.end - s.start }));
    const answers = await decodeBlanks(ernie, enc, 'zh', blanks, 'confident-first', 5);
    answers.forEach((cands, i) => {
      expect(cands.length).toBeGreaterThan(0);
      for (const c of cands) {
        expect([...c.text]).toHaveLength(blanks[i]!.pieces);
        expect(c.text).toMatch(/^\p{Script=Han}+$/u);
      }
    });
  });
});

describe('cloze exercises through the model host', () => {
  it('chooses blanks by difficulty, deterministically, with whole-word answers', async () => {
    const text = `${EN} The farmer watched the sleepy cattle grazing near the old wooden barn every single morning before breakfast.`;
    const run = (difficulty: 'easy' | 'hard', seed = 4) => h.run({ type: 'cloze', text, blanks: 4, seed, difficulty }, BERT);
    const easy = (await run('easy')).result as ResultOf<'cloze'>;
    expect(parse(toolResult, easy).ok).toBe(true);
    expect(easy.difficulty).toBe('easy');
    expect((await run('easy')).result).toEqual(easy);
    const hard = (await run('hard')).result as ResultOf<'cloze'>;
    for (const r of [easy, hard]) {
      expect(r.blanks.length).toBe(4);
      for (const b of r.blanks) {
        expect(r.text.slice(b.start, b.end)).toBe(b.answer);
        expect(b.pieces).toBeLessThanOrEqual(MAX_PIECES);
        expect(b.candidates.length).toBeGreaterThan(0);
      }
    }
    // Each set fits its own difficulty at least as well as the other's (same model scores).
    const enc = encoderOf(bert);
    const words = contentCandidates(text, 'en').map((c) => c.s);
    const fits = await wordFits(bert, enc, 'en', text, words);
    const fitOf = (b: { start: number }) => fits.get(b.start)!;
    const total = (r: ResultOf<'cloze'>, d: 'easy' | 'hard') => r.blanks.reduce((s, b) => s + difficultyKey(fitOf(b), d), 0);
    expect(total(easy, 'easy')).toBeGreaterThanOrEqual(total(hard, 'easy'));
    expect(total(hard, 'hard')).toBeGreaterThanOrEqual(total(easy, 'hard'));
    // The seed still matters: the chosen blanks are what chooseBlanks picks with these scores.
    const again = chooseBlanks(
      text,
      'en',
      4,
      4,
      (s) => difficultyKey(fits.get(s.start)!, 'easy'),
      (s) => enc.encode(s.text).length <= MAX_PIECES,
    );
    expect(again.map((s) => s.start)).toEqual(easy.blanks.map((b) => b.start));
  });

  it('makes a Chinese exercise of whole segmented words with one character per mask', async () => {
    const counter = { passes: 0 };
    const out = await makeCloze(ernie, ZH, 'zh', 3, 2, { difficulty: 'hard', counter });
    expect(out.blanks.length).toBeGreaterThan(0);
    for (const b of out.blanks) {
      expect([...b.answer].length).toBeGreaterThanOrEqual(2);
      expect(b.pieces).toBe([...b.answer].length);
      for (const c of b.candidates) expect([...c.text]).toHaveLength(b.pieces!);
    }
    expect(counter.passes).toBeLessThanOrEqual(1 + Math.max(...out.blanks.map((b) => b.pieces!)) + 1);
  });

  it('decodes the first mask of every blank in one pass over the whole passage, as the learner sees it', async () => {
    const passage = `${EN} The farmer watched the sleepy cattle grazing near the old wooden barn every single morning before breakfast.`;
    const counter = { passes: 0 };
    const out = await makeCloze(bert, passage, 'en', 6, 3, { counter });
    const single = out.blanks.filter((b) => b.pieces === 1);
    expect(single.length).toBeGreaterThan(0);
    // The packed row: each single-piece blank's answers are its mask's top words, read in context
    // with every other blank masked.
    const enc = encoderOf(bert);
    const ids = [...enc.prefix];
    let at = 0;
    const maskAt = new Map<number, number>();
    for (const b of out.blanks) {
      ids.push(...enc.encode(passage.slice(at, b.start)));
      maskAt.set(b.start, ids.length);
      ids.push(...Array<number>(b.pieces!).fill(enc.maskId));
      at = b.end;
    }
    ids.push(...enc.encode(passage.slice(at)), ...enc.suffix);
    const [rows] = await forwardRows(bert, [{ ids, at: single.map((b) => maskAt.get(b.start)!) }]);
    single.forEach((b, i) => {
      const best = b.candidates[0]!;
      const row = rows![i]!;
      const top = Math.max(...row.filter((_, id) => /^[\p{Ll}\p{Lu}\p{Lt}]+$/u.test(enc.token(id))));
      expect(Math.log(best.score)).toBeCloseTo(top, 4);
    });
    // One pass when every blank is one piece; multi-piece blanks add their steps and PLL passes.
    if (single.length === out.blanks.length) expect(counter.passes).toBe(1);
    else expect(counter.passes).toBeGreaterThan(1);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { buildCompactDict, chineseDict } from '@/models/shared/dict/chinese-dict';
import { ACCEPT_NATS, canonicalAnswer, type ClozeScorer, judgeAnswers } from '@/models/host/tools/cloze/judge';

/** A stub model: made-up PLLs per text, and fixed top answers. */
function stubScorer(pll: Record<string, number>) {
  const scorer = vi.fn<ClozeScorer>(async (queries) => queries.map((q) => ({ pll: q.texts.map((t) => pll[t] ?? -30), top: [{ text: 'top', score: 0.5 }] })));
  return scorer;
}

describe('judging answers', () => {
  it('correct when it is the original, acceptable within ln 4 nats of it, wrong beyond', async () => {
    const scorer = stubScorer({ bank: -2, shore: -2 - Math.log(3), river: -2 - Math.log(5), edge: -1 });
    const out = await judgeAnswers(['bank', 'bank', 'bank', 'bank', 'bank'], ['bank', 'shore', 'river', 'edge', ''], 'en', scorer);
    expect(out.map((j) => j.verdict)).toEqual(['correct', 'acceptable', 'wrong', 'acceptable', 'wrong']);
    expect(out[0]!.score).toBe(0);
    expect(out[1]!.score).toBeCloseTo(-Math.log(3));
    expect(out[2]!.score).toBeCloseTo(-Math.log(5));
    expect(out[3]!.score).toBeCloseTo(1);
    expect(out[4]!.score).toBeNull();
    for (const j of out) expect(j.modelTop).toEqual([{ text: 'top', score: 0.5 }]);
    // One call for the whole exercise; only answers that differ are scored, with the original.
    expect(scorer).toHaveBeenCalledTimes(1);
    expect(scorer.mock.calls[0]![0]).toEqual([
      { texts: [] },
      { texts: ['bank', 'shore'] },
      { texts: ['bank', 'river'] },
      { texts: ['bank', 'edge'] },
      { texts: [] },
    ]);
  });

  it('puts the threshold exactly at a probability ratio of 1/4', async () => {
    const scorer = stubScorer({ a: 0, b: -ACCEPT_NATS + 1e-9, c: -ACCEPT_NATS - 1e-6 });
    const out = await judgeAnswers(['a', 'a'], ['b', 'c'], 'en', scorer);
    expect(out.map((j) => j.verdict)).toEqual(['acceptable', 'wrong']);
  });

  it('ignores case, full/half width and extra space', async () => {
    const scorer = stubScorer({});
    const out = await judgeAnswers(['Bank', 'bank', 'ＡＢＣ', 'café'], ['BANK', 'ｂａｎｋ', 'abc', '  café '], 'en', scorer);
    expect(out.map((j) => j.verdict)).toEqual(['correct', 'correct', 'correct', 'correct']);
    expect(canonicalAnswer('Ｈｅｌｌｏ　Ｗｏｒｌｄ')).toBe('hello world');
    // Composed and decomposed accents are the same word.
    expect(canonicalAnswer('cafe\u0301')).toBe(canonicalAnswer('café'));
  });

  it('accepts traditional characters for a simplified original, loading the converter only when needed', async () => {
    const dict = chineseDict(
      buildCompactDict([
        ['銀行', '银行', 'yin2 hang2'],
        ['電話', '电话', 'dian4 hua4'],
        ['乾', '干', 'gan1'],
        ['乾', '乾', 'qian2'],
        ['乾坤', '乾坤', 'qian2 kun1'],
        ['報', '报', 'bao4'],
      ]),
    );
    const load = vi.fn(async () => dict.toSimplified);
    const scorer = stubScorer({ 银行: -1, 电报: -9 });
    const out = await judgeAnswers(['银行', '电话', '银行', '乾坤'], ['銀行', '電話', '電報', '乾坤'], 'zh', scorer, load);
    expect(out.map((j) => j.verdict)).toEqual(['correct', 'correct', 'wrong', 'correct']);
    expect(load).toHaveBeenCalledTimes(1);
    // The answer is scored in simplified characters.
    expect(scorer.mock.calls[0]![0][2]).toEqual({ texts: ['银行', '电报'] });

    const untouched = vi.fn(async () => dict.toSimplified);
    await judgeAnswers(['银行'], ['银行'], 'zh', stubScorer({}), untouched);
    expect(untouched).not.toHaveBeenCalled();
  });

  it('full-width Latin inside a Chinese answer is normalised too', async () => {
    const out = await judgeAnswers(
      ['ATM机'],
      ['ＡＴＭ機'],
      'zh',
      stubScorer({}),
      async () => chineseDict(buildCompactDict([['機', '机', 'ji1']])).toSimplified,
    );
    expect(out[0]!.verdict).toBe('correct');
  });
});

describe('with the CC-CEDICT data the extension ships', () => {
  it('knows common traditional/simplified pairs and readings', async () => {
    const { loadCompactDict } = await import('../../../../../scripts/cedict-asset');
    const dict = chineseDict(await loadCompactDict());
    expect(dict.toSimplified('銀行')).toBe('银行');
    expect(dict.toSimplified('圖書館')).toBe('图书馆');
    expect(dict.toSimplified('银行')).toBe('银行');
    expect(dict.pinyin('银行')).toBe('yin2 hang2');
    expect(dict.pinyin('行走')).toBe('xing2 zou3');
    const out = await judgeAnswers(['图书馆', '历史'], ['圖書館', '歷史'], 'zh', stubScorer({}), async () => dict.toSimplified);
    expect(out.map((j) => j.verdict)).toEqual(['correct', 'correct']);
  }, 30_000);
});

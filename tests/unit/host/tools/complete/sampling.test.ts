import { describe, expect, it } from 'vitest';
import { argmax, bannedByNgram, controlRepetition, penalizeRepeats, sampleToken, SAMPLE_TOP_K, topK } from '@/models/host/tools/complete/sampling';

const logits = (...values: number[]) => Float32Array.from(values);

describe('repetition control', () => {
  it('bans the tokens that would repeat a 3-gram already in the context', () => {
    // "a b c … a b" → c would repeat "a b c"; "b x" occurs too but is not the current tail.
    expect(bannedByNgram([1, 2, 3, 2, 9, 1, 2], 3)).toEqual([3]);
    expect(bannedByNgram([1, 2, 3, 1, 2, 4, 1, 2], 3).sort()).toEqual([3, 4]);
    expect(bannedByNgram([1, 2, 3, 4], 3)).toEqual([]);
    expect(bannedByNgram([1, 1], 3)).toEqual([]);
    expect(bannedByNgram([1, 1, 1], 3)).toEqual([1]);
    expect(bannedByNgram([5], 3)).toEqual([]);
    expect(bannedByNgram([5, 6, 5], 2)).toEqual([6]);
  });

  it('penalises each seen token once: positive scores divided, negative ones multiplied', () => {
    const scores = logits(2.4, -1, 3, 0.5);
    penalizeRepeats(scores, [0, 1, 1, 1], 1.2);
    expect(scores[0]).toBeCloseTo(2);
    expect(scores[1]).toBeCloseTo(-1.2);
    expect([scores[2], scores[3]]).toEqual([3, 0.5]);
  });

  it('controlRepetition applies both rules, so a model that loves one token still moves on', () => {
    const context = [7, 7, 7];
    const scores = logits(0, 0, 0, 0, 0, 0, 0, 10, 1);
    controlRepetition(scores, context);
    expect(scores[7]).toBe(-Infinity);
    expect(argmax(scores)).toBe(8);
  });
});

describe('choosing a token', () => {
  it('topK lists the k largest, largest first, in one pass', () => {
    expect(topK(logits(0.1, 5, -2, 3, 4, 3.5), 3)).toEqual([1, 4, 5]);
    expect(topK(logits(1, 2), 5)).toEqual([1, 0]);
    const big = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10);
    const expected = [...big.keys()].sort((a, b) => big[b]! - big[a]!).slice(0, SAMPLE_TOP_K);
    expect(topK(big, SAMPLE_TOP_K)).toEqual(expected);
  });

  it('top-p keeps only the smallest set of tokens that reaches the mass', () => {
    // Probabilities ≈ 0.64, 0.24, 0.09, 0.03: top-p 0.8 keeps two tokens, 0.5 only one.
    const scores = logits(Math.log(0.64), Math.log(0.24), Math.log(0.09), Math.log(0.03));
    const seen = (topP: number) => new Set(Array.from({ length: 200 }, (_, i) => sampleToken(scores, { temperature: 1, topP, random: () => (i + 0.5) / 200 })));
    expect(seen(0.8)).toEqual(new Set([0, 1]));
    expect(seen(0.5)).toEqual(new Set([0]));
    expect(seen(1)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('draws in proportion to softmax(logits / temperature)', () => {
    const scores = logits(Math.log(3), 0); // 3 : 1 at temperature 1
    const draws = Array.from({ length: 400 }, (_, i) => sampleToken(scores, { temperature: 1, topP: 1, random: () => (i + 0.5) / 400 }));
    expect(draws.filter((t) => t === 0).length).toBe(300);
    const hot = Array.from({ length: 400 }, (_, i) => sampleToken(scores, { temperature: 1e3, topP: 1, random: () => (i + 0.5) / 400 }));
    expect(hot.filter((t) => t === 0).length).toBeCloseTo(200, -1);
  });

  it('never draws a banned token', () => {
    const scores = logits(-Infinity, 1, -Infinity, 1);
    for (let i = 0; i < 50; i++) expect([1, 3]).toContain(sampleToken(scores, { temperature: 1, topP: 1, random: () => i / 50 }));
  });
});

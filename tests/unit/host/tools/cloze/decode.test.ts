import { describe, expect, it } from 'vitest';
import { type Encoder, filledRow, pllOf, pllRows } from '@/models/host/tools/cloze/blank-context';
import { beamIndependent, joinPieces, pieceFilter, rankAmong, topAllowed } from '@/models/host/tools/cloze/decode';

const VOCAB = ['[PAD]', '[CLS]', '[SEP]', '[MASK]', 'cat', 'dog', '##s', '##gy', '.', '猫', '狗', 'ʸ'];
const enc: Encoder = {
  encode: () => [],
  maskId: 3,
  prefix: [1],
  suffix: [2],
  token: (id) => VOCAB[id] ?? '',
};
const row = (probs: Record<string, number>) => Float32Array.from(VOCAB, (t) => Math.log(probs[t] ?? 1e-6));

describe('decoding helpers', () => {
  it('lets English masks take a word start, then ## pieces; Chinese masks single Han characters', () => {
    const en = pieceFilter(enc, VOCAB.length, 'en');
    expect(VOCAB.filter((_, i) => en.first[i])).toEqual(['cat', 'dog']);
    expect(VOCAB.filter((_, i) => en.next[i])).toEqual(['##s', '##gy']);
    const zh = pieceFilter(enc, VOCAB.length, 'zh');
    expect(VOCAB.filter((_, i) => zh.first[i])).toEqual(['猫', '狗']);
    expect(joinPieces(enc, [5, 7], 'en')).toBe('doggy');
    expect(joinPieces(enc, [9, 10], 'zh')).toBe('猫狗');
  });

  it('ranks among allowed tokens only and beams over independent masks', () => {
    const en = pieceFilter(enc, VOCAB.length, 'en');
    const first = row({ '.': 0.5, dog: 0.3, cat: 0.15 });
    const second = row({ '##s': 0.6, '##gy': 0.3, '.': 0.05 });
    expect(topAllowed(first, 5, en.first)).toEqual([5, 4]);
    expect(rankAmong(first, 4, en.first)).toBe(1); // "." is better but not a word
    const beams = beamIndependent([first, second], 3, en);
    expect(beams.map((b) => joinPieces(enc, b.ids, 'en'))).toEqual(['dogs', 'doggy', 'cats']);
    expect(beams[0]!.score).toBeCloseTo(Math.log(0.3 * 0.6));
  });

  it('builds rows with masks where pieces are missing and sums a PLL over one row per piece', () => {
    const ctx = { left: [8], right: [8] };
    expect(filledRow(enc, ctx, [null, 6])).toEqual({ ids: [1, 8, 3, 6, 8, 2], at: [2] });
    const rows = pllRows(enc, ctx, [5, 7]);
    expect(rows.map((r) => r.ids)).toEqual([
      [1, 8, 3, 7, 8, 2],
      [1, 8, 5, 3, 8, 2],
    ]);
    expect(rows.map((r) => r.at)).toEqual([[2], [3]]);
    const pll = pllOf([5, 7], [[row({ dog: 0.5 })], [row({ '##gy': 0.25 })]]);
    expect(pll).toBeCloseTo(Math.log(0.5) + Math.log(0.25));
  });
});

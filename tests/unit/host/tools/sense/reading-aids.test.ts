import { describe, expect, it } from 'vitest';
import { originalLogProb, probabilityOf } from '@/models/host/tools/sense/reading-aids';

const row = (values: Record<number, number>, size = 6) => Float32Array.from({ length: size }, (_, i) => values[i] ?? -20);

describe('the probability of the original word', () => {
  it('sums the log-probabilities of its pieces, one per mask', () => {
    expect(originalLogProb([2], [row({ 2: Math.log(0.25) })])).toBeCloseTo(Math.log(0.25));
    expect(originalLogProb([1, 4], [row({ 1: Math.log(0.5) }), row({ 4: Math.log(0.1) })])).toBeCloseTo(Math.log(0.05));
  });

  it('is unknown when the pieces do not match the masks, or a piece is out of the vocabulary', () => {
    expect(originalLogProb([1, 2], [row({})])).toBeNull();
    expect(originalLogProb([], [])).toBeNull();
    expect(originalLogProb([99], [row({})])).toBeNull();
  });

  it('becomes a probability between 0 and 1', () => {
    expect(probabilityOf(Math.log(0.3))).toBeCloseTo(0.3);
    expect(probabilityOf(0.2)).toBe(1);
    expect(probabilityOf(-Infinity)).toBe(0);
    expect(probabilityOf(null)).toBeUndefined();
    expect(probabilityOf(Number.NaN)).toBeUndefined();
  });
});

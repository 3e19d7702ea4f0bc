import { describe, expect, it } from 'vitest';
import { endsMidWord, fitsRest, healTail, maskToFit, restAfter, skipper } from '@/models/host/tools/complete/token-healing';

const TOKENS = ['The', ' quick', ' bro', ' brown', ' b', 'ro', 'wn', ' fox', '!', '\uFFFD'];
const textOf = (id: number) => TOKENS[id] ?? '';

describe('token healing', () => {
  it('heals prompts that end inside a word in spaced scripts only', () => {
    expect(endsMidWord('The quick bro')).toBe(true);
    expect(endsMidWord('Une forêt')).toBe(true);
    expect(endsMidWord('The quick ')).toBe(false);
    expect(endsMidWord('The end.')).toBe(false);
    expect(endsMidWord('我去银行')).toBe(false);
  });

  it('takes back the last token unless it is all there is or a broken character', () => {
    const decode = (ids: number[]) => ids.map(textOf).join('');
    expect(healTail([0, 1, 2], decode)).toEqual({ ids: [0, 1], token: 2, text: ' bro' });
    expect(healTail([2], decode)).toBeNull();
    expect(healTail([0, 9], decode)).toBeNull();
  });

  it('lets through tokens that extend the typed text or spell part of it', () => {
    expect(fitsRest(' brown', ' bro')).toBe(true);
    expect(fitsRest(' b', ' bro')).toBe(true);
    expect(fitsRest(' fox', ' bro')).toBe(false);
    expect(fitsRest('', ' bro')).toBe(false);
    expect(restAfter(' b', ' bro')).toBe('ro');
    expect(restAfter(' brown', ' bro')).toBe('');
  });

  it('masks the logits to the fitting tokens among the best k', () => {
    // " fox" is the model's favourite; " brown" the best that fits.
    const logits = Float32Array.from([0, 0, 3, 4, 1, 0, 0, 9, 0, 0]);
    const masked = maskToFit(logits, ' bro', textOf)!;
    const kept = [...masked.keys()].filter((i) => masked[i]! > Number.NEGATIVE_INFINITY);
    expect(kept.sort()).toEqual([2, 3, 4]);
    expect(masked[3]).toBe(4);
    // Only " fox" among the best one: nothing fits.
    expect(maskToFit(logits, ' bro', textOf, 1)).toBeNull();
  });

  it('keeps the typed characters out of the stream, across deltas', () => {
    const skip = skipper(4);
    expect([' b', 'ro', 'wn', ' fox'].map(skip)).toEqual(['', '', 'wn', ' fox']);
  });
});

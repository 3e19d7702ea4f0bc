import { describe, expect, it } from 'vitest';
import { predictabilityOf } from '@/models/shared/words/predictability';

describe('predictability bands', () => {
  it('names the model’s probability of the original word in plain words', () => {
    expect(predictabilityOf(0.9)).toBe('expected');
    expect(predictabilityOf(0.3)).toBe('expected');
    expect(predictabilityOf(0.1)).toBe('likely');
    expect(predictabilityOf(0.005)).toBe('unusual');
    expect(predictabilityOf(0.0001)).toBe('surprising');
    expect(predictabilityOf(Number.NaN)).toBe('surprising');
  });
});

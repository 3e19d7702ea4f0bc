import { describe, expect, it } from 'vitest';
import { contrastRatio, readableColor, readableToneColor, TONE_COLOR_SCHEMES, type ToneColorScheme } from '@/models/shared/text/tone-colors';
import type { Tone } from '@/models/shared/text/pinyin';

const WHITE = '#ffffff';
const DARK = '#161b22';

describe('tone colours readable on the bubble', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', WHITE)).toBeCloseTo(21);
    expect(contrastRatio(WHITE, WHITE)).toBeCloseTo(1);
    // Hanping's first tone on white is one of the colours axe rejects.
    expect(contrastRatio('#64b4ff', WHITE)).toBeLessThan(4.5);
  });

  it('keeps a colour that already passes and darkens or lightens one that does not', () => {
    expect(readableColor('#1510f0', WHITE)).toBe('#1510f0');
    const fixed = readableColor('#64b4ff', WHITE);
    expect(contrastRatio(fixed, WHITE)).toBeGreaterThanOrEqual(4.5);
    // Still blue: darker, with blue the strongest channel.
    expect(Number.parseInt(fixed.slice(5, 7), 16)).toBeGreaterThan(Number.parseInt(fixed.slice(1, 3), 16));
    expect(contrastRatio(readableColor('#1510f0', DARK), DARK)).toBeGreaterThanOrEqual(4.5);
  });

  it('gives every tone of every scheme at least 4.5:1 on the light and the dark bubble', () => {
    for (const scheme of Object.keys(TONE_COLOR_SCHEMES) as ToneColorScheme[]) {
      for (const tone of [1, 2, 3, 4, 5] as Tone[]) {
        for (const bg of [WHITE, DARK]) expect(contrastRatio(readableToneColor(tone, scheme, bg)!, bg)).toBeGreaterThanOrEqual(4.5);
      }
    }
    expect(readableToneColor(1, 'none', WHITE)).toBeNull();
    expect(readableToneColor(null, 'pleco', WHITE)).toBeNull();
  });
});

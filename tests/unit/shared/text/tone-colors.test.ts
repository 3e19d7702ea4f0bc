import { describe, expect, it } from 'vitest';
import { parseReading } from '@/models/shared/text/pinyin';
import { isToneColorScheme, TONE_COLOR_SCHEME_NAMES, toneColor } from '@/models/shared/text/tone-colors';

describe('tone colours', () => {
  it('colours each syllable by its tone in the chosen scheme', () => {
    const tones = parseReading('ni3 hao3 ma5').map((s) => s.tone);
    expect(tones.map((t) => toneColor(t, 'standard'))).toEqual(['#73bb4f', '#73bb4f', '#a0a0a0']);
    expect(toneColor(1, 'pleco')).toBe('#e30000');
    expect(toneColor(4, 'hanping')).toBe('#d00020');
  });

  it('gives no colour with the scheme "none" or to tokens that are not syllables', () => {
    expect(toneColor(2, 'none')).toBeNull();
    expect(toneColor(null, 'standard')).toBeNull();
  });

  it('knows its scheme names, for checking settings', () => {
    expect(TONE_COLOR_SCHEME_NAMES).toEqual(['standard', 'pleco', 'hanping', 'none']);
    expect(isToneColorScheme('pleco')).toBe(true);
    expect(isToneColorScheme('rainbow')).toBe(false);
  });
});

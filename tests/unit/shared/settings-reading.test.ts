import { describe, expect, it } from 'vitest';
import { readingSettings, withDefaults } from '@/models/shared/settings';

describe('reading settings', () => {
  it('default to tone-marked pinyin in the standard colours', () => {
    expect(withDefaults({}).reading).toEqual({ pinyin: 'marks', toneColors: 'standard' });
  });

  it('keep a stored choice and replace an unknown style or scheme by the default', () => {
    expect(readingSettings({ pinyin: 'zhuyin', toneColors: 'none' })).toEqual({ pinyin: 'zhuyin', toneColors: 'none' });
    expect(readingSettings({ pinyin: 'ipa' as never, toneColors: 'rainbow' as never })).toEqual({ pinyin: 'marks', toneColors: 'standard' });
    expect(withDefaults({ reading: { toneColors: 'hanping' } as never }).reading).toEqual({ pinyin: 'marks', toneColors: 'hanping' });
  });
});

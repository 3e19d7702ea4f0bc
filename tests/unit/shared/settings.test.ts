import { describe, expect, it } from 'vitest';
import { type Settings, withDefaults } from '@/models/shared/settings';

describe('hover lookup and known-word settings', () => {
  it('default to Shift and to marks off', () => {
    expect(withDefaults({})).toMatchObject({ hover: { modifier: 'shift' }, knownWords: { highlight: false } });
  });
  it('keep stored values and drop unknown ones', () => {
    expect(withDefaults({ hover: { modifier: 'alt' }, knownWords: { highlight: true } })).toMatchObject({
      hover: { modifier: 'alt' },
      knownWords: { highlight: true },
    });
    const bad = { hover: { modifier: 'meta' }, knownWords: { highlight: 'yes' } } as unknown as Partial<Settings>;
    expect(withDefaults(bad)).toMatchObject({ hover: { modifier: 'shift' }, knownWords: { highlight: false } });
  });
});

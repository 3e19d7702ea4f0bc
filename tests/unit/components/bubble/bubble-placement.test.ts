import { describe, expect, it } from 'vitest';
import { bubblePlacement } from '@/components/bubble/Bubble';

describe('where the bubble goes', () => {
  it('sits below a selection with room under it', () => {
    expect(bubblePlacement({ x: 100, y: 120, top: 100 }, 1000, 800)).toEqual({ left: '100px', top: '128px', maxHeight: '664px' });
  });

  it('flips above a selection near the bottom of the window', () => {
    expect(bubblePlacement({ x: 100, y: 780, top: 760 }, 1000, 800)).toEqual({ left: '100px', bottom: '48px', maxHeight: '744px' });
  });

  it('stays on screen for a selection scrolled out of view or at the right edge', () => {
    const p = bubblePlacement({ x: 990, y: 2000, top: 1980 }, 1000, 800);
    expect(p.left).toBe('612px');
    expect(p.bottom).toBe('8px');
    expect(bubblePlacement({ x: -50, y: -10 }, 1000, 800)).toMatchObject({ left: '8px', top: '8px' });
  });
});

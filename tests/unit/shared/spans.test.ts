import { describe, expect, it } from 'vitest';
import { MARK_PREFIX, MAX_MARKS, markSpans, span } from '@/models/shared/spans';

/** A performance timeline of marks only, as the browser keeps them. */
function timeline() {
  const marks: { name: string }[] = [];
  return {
    marks,
    mark: (name: string) => void marks.push({ name }),
    clearMarks: (name?: string) => {
      for (let i = marks.length - 1; i >= 0; i--) if (name === undefined || marks[i]!.name === name) marks.splice(i, 1);
    },
    getEntriesByType: () => marks,
  };
}

describe('span', () => {
  it('marks the name under the prefix', () => {
    const t = timeline();
    span('load:start', t);
    expect(t.marks.map((m) => m.name)).toEqual([`${MARK_PREFIX}load:start`]);
  });

  it('keeps at most MAX_MARKS of its marks, dropping the oldest, and leaves other marks alone', () => {
    const t = timeline();
    t.mark('theirs');
    for (let i = 0; i < 3 * MAX_MARKS; i++) span(`n${i}`, t);
    const ours = t.marks.filter((m) => m.name.startsWith(MARK_PREFIX));
    expect(ours.length).toBeLessThanOrEqual(MAX_MARKS);
    expect(ours.at(-1)!.name).toBe(`${MARK_PREFIX}n${3 * MAX_MARKS - 1}`);
    expect(t.marks.some((m) => m.name === 'theirs')).toBe(true);
  });

  it('does nothing without a timeline, or when the timeline throws', () => {
    expect(() => span('x', undefined)).not.toThrow();
    const t = timeline();
    t.mark = () => {
      throw new Error('no');
    };
    expect(() => span('x', t)).not.toThrow();
  });

  it('marks nothing while turned off (a content script: the page reads its own timeline), and again once on', () => {
    const t = timeline();
    markSpans(false);
    try {
      span('page:dblclick', t);
      expect(t.marks).toEqual([]);
    } finally {
      markSpans(true);
    }
    span('page:dblclick', t);
    expect(t.marks.map((m) => m.name)).toEqual([`${MARK_PREFIX}page:dblclick`]);
  });
});

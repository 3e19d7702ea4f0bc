// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { knownIndex } from '@/models/page/known/known-words';
import { markAt, scanKnownWords } from '@/models/page/known/mark-known';
import type { WordEntry } from '@/models/shared/words/word-list';

const saved = (word: string): WordEntry => ({
  id: word,
  date: 0,
  url: '',
  lang: 'en',
  word,
  sentence: word,
  start: 0,
  end: word.length,
  sense: ['x'],
  substitutes: [],
});

function page(paragraphs: number): HTMLElement {
  const root = document.createElement('div');
  for (let i = 0; i < paragraphs; i++) {
    const p = document.createElement('p');
    p.textContent = `Paragraph ${i}: the river bank was quiet.`;
    root.append(p);
  }
  const field = document.createElement('textarea');
  field.value = 'bank in a field';
  const script = document.createElement('script');
  script.textContent = 'var bank = 1;';
  root.append(field, script);
  document.body.replaceChildren(root);
  return root;
}

describe('scanKnownWords', () => {
  it('marks every use in page text, never in fields or scripts, with ranges over the words', async () => {
    const root = page(3);
    const { marks, stats } = await scanKnownWords(root, knownIndex([saved('bank')]));
    expect(marks).toHaveLength(3);
    expect(marks.map((m) => m.range.toString())).toEqual(['bank', 'bank', 'bank']);
    expect(stats).toMatchObject({ nodes: 3, marks: 3, partial: false });
    const first = marks[0]!.range;
    expect(markAt(marks, first.startContainer as Text, first.startOffset + 1)).toBe(marks[0]);
    expect(markAt(marks, first.startContainer as Text, first.endOffset)).toBeNull();
  });

  it('stops at its node and mark limits and says it stopped', async () => {
    const root = page(50);
    const byNodes = await scanKnownWords(root, knownIndex([saved('bank')]), { maxNodes: 10 });
    expect(byNodes.stats).toMatchObject({ nodes: 10, marks: 10, partial: true });
    const byMarks = await scanKnownWords(root, knownIndex([saved('bank')]), { maxMarks: 4 });
    expect(byMarks.marks).toHaveLength(4);
    expect(byMarks.stats.partial).toBe(true);
  });

  it('works in slices, yielding to the page between them, and stops at its time budget', async () => {
    const root = page(40);
    let clock = 0;
    let yields = 0;
    // Each node "costs" 1 ms: 8 ms slices of 8 nodes, and a 20 ms budget of 3 slices.
    const now = () => clock++;
    const out = await scanKnownWords(root, knownIndex([saved('bank')]), { now, sliceMs: 8, budgetMs: 20, yieldToPage: async () => void yields++ });
    expect(out.stats.partial).toBe(true);
    expect(yields).toBeGreaterThanOrEqual(2);
    expect(out.stats.longestSliceMs).toBeLessThanOrEqual(9);
    expect(out.stats.nodes).toBeLessThan(40);
  });

  it('does nothing when no word is saved', async () => {
    const out = await scanKnownWords(page(3), knownIndex([]));
    expect(out.marks).toEqual([]);
    expect(out.stats.nodes).toBe(0);
  });

  it('an aborted scan stops', async () => {
    const abort = new AbortController();
    abort.abort();
    const out = await scanKnownWords(page(3), knownIndex([saved('bank')]), {}, abort.signal);
    expect(out.marks).toEqual([]);
  });
});

// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { knownIndex } from '@/models/page/known/known-words';
import { markAt, pieceEnd, scanKnownWords } from '@/models/page/known/mark-known';
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

  it('stops at its character limit, a bound that does not depend on the clock', async () => {
    const root = page(50);
    const perNode = 'Paragraph 0: the river bank was quiet.'.length;
    // A clock that never moves: only the character limit can stop it.
    const out = await scanKnownWords(root, knownIndex([saved('bank')]), { maxChars: perNode * 5, now: () => 0 });
    expect(out.stats).toMatchObject({ nodes: 5, marks: 5, partial: true });
    expect(out.stats.chars).toBe(perNode * 5);
    const all = await scanKnownWords(root, knownIndex([saved('bank')]), { now: () => 0 });
    expect(all.stats).toMatchObject({ nodes: 50, marks: 50, partial: false });
  });

  it('reads one huge text node in pieces, yielding between them, and finds words across the cuts', async () => {
    // One text node of ~60 000 characters: "bank" at every 7th word, pieces of 1 000.
    const words = Array.from({ length: 10_000 }, (_, i) => (i % 7 === 3 ? 'bank' : 'water'));
    const p = document.createElement('p');
    p.textContent = words.join(' ');
    document.body.replaceChildren(p);
    const text = p.firstChild as Text;
    let clock = 0;
    let yields = 0;
    // Each call to the clock "costs" 1 ms: 4 ms slices, so a slice holds at most a few pieces.
    const out = await scanKnownWords(p, knownIndex([saved('bank')]), {
      now: () => clock++,
      sliceMs: 4,
      budgetMs: 1e9,
      chunkChars: 1_000,
      yieldToPage: async () => void yields++,
    });
    expect(out.stats).toMatchObject({ nodes: 1, chars: text.length, partial: false });
    expect(out.marks).toHaveLength(words.filter((w) => w === 'bank').length);
    expect(out.marks.every((m) => m.range.startContainer === text && m.range.toString() === 'bank')).toBe(true);
    // ~60 pieces over slices of a few pieces each: the page got its turn many times.
    expect(yields).toBeGreaterThan(10);
    // A budget stops it part-way through the node.
    const stopped = await scanKnownWords(p, knownIndex([saved('bank')]), {
      now: () => clock++,
      sliceMs: 4,
      budgetMs: 8,
      chunkChars: 1_000,
      yieldToPage: async () => {},
    });
    expect(stopped.stats.partial).toBe(true);
    expect(stopped.stats.chars).toBeLessThan(text.length / 4);
  });

  it('cuts a long text at a word boundary, never inside a word or a surrogate pair', () => {
    const text = `${'a'.repeat(8)} bank ${'b'.repeat(8)}`;
    // Size 10 lands inside "bank": the piece runs to its end.
    expect(text.slice(0, pieceEnd(text, 0, 10))).toBe('aaaaaaaa bank');
    expect(pieceEnd(text, 0, 100)).toBe(text.length);
    // A word longer than the slack is cut where the size says.
    const long = 'x'.repeat(2_000);
    expect(pieceEnd(long, 0, 100)).toBe(100);
    // Chinese punctuation is a boundary: 银行 is not cut.
    const zh = '我在银行工作，他也是。';
    expect(zh.slice(0, pieceEnd(zh, 0, 3))).toBe('我在银行工作');
    // A character outside the BMP is never split.
    const emoji = `${'😀'.repeat(300)}`;
    expect(pieceEnd(emoji, 0, 101) % 2).toBe(0);
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
